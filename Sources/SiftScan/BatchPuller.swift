import Foundation

/// Turns a push-style scan (a producer that hands items to a sink until the sink returns false)
/// into a pull-style iterator, for consumers that ask for the next item: the Arrow C stream's
/// `get_next`, a `for` loop over a table scan.
///
/// The producer runs on a thread of its own, started by the first ``next()``, at most
/// `capacity` items ahead of the consumer, so memory stays bounded however large the result.
/// ``close()`` (or dropping the puller) makes the sink return false, which stops the producer at
/// its next item, and waits for it to finish: nothing runs on after the iterator is gone.
///
/// ```swift
/// let puller = BatchPuller<RecordBatch, TableScanReport> { sink in try scan.run(sink) }
/// while let batch = try puller.next() { rows += batch.rowCount }
/// let report = puller.summary
/// ```
public final class BatchPuller<Item: Sendable, Summary: Sendable>: Sendable {
    private let channel: Channel<Item, Summary>
    private let produce: @Sendable (_ sink: (Item) -> Bool) throws -> Summary

    /// - Parameters:
    ///   - capacity: items the producer may run ahead of the consumer.
    ///   - produce: the push-style producer; it must stop when the sink returns false.
    public init(capacity: Int = 4, produce: @escaping @Sendable (_ sink: (Item) -> Bool) throws -> Summary) {
        precondition(capacity >= 1, "a puller holds at least one item")
        channel = Channel(capacity: capacity)
        self.produce = produce
    }

    // The producer thread holds the channel, never the puller, so dropping the puller closes it.
    deinit { channel.close() }

    /// The next item; nil once the producer has finished. Rethrows the producer's error (once
    /// the items it produced before failing have been taken).
    public func next() throws -> Item? {
        if channel.claimStart() {
            let (channel, produce) = (channel, produce)
            let thread = Thread {
                let outcome = Result { try produce { channel.push($0) } }
                channel.finish(outcome)
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        return try channel.pop()
    }

    /// What the producer returned, once it has finished without an error.
    public var summary: Summary? { channel.summary }

    /// Stops the producer (its sink returns false from now on) and waits until it has returned.
    /// Items not taken are dropped. Safe to call more than once.
    public func close() { channel.close() }
}

/// The bounded queue between a puller's producer thread and its consumer, under one lock.
private final class Channel<Item: Sendable, Summary: Sendable>: @unchecked Sendable {
    // Safety (@unchecked): every mutable property is read and written only while holding
    // `condition`.
    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [Item] = []
    private var started = false
    private var finished = false
    private var cancelled = false
    private var failure: Error?
    private var result: Summary?

    init(capacity: Int) { self.capacity = capacity }

    /// True for the one caller that must start the producer.
    func claimStart() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !started, !cancelled else { return false }
        started = true
        return true
    }

    /// The producer's sink: waits while the queue is full; false once the consumer has closed.
    func push(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && queue.count >= capacity { condition.wait() }
        guard !cancelled else { return false }
        queue.append(item)
        condition.broadcast()
        return true
    }

    func finish(_ outcome: Result<Summary, Error>) {
        condition.lock()
        switch outcome {
        case .success(let summary): result = summary
        case .failure(let error): failure = error
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func pop() throws -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished && started && !cancelled { condition.wait() }
        if !queue.isEmpty {
            let item = queue.removeFirst()
            condition.broadcast()
            return item
        }
        if let failure { throw failure }
        return nil
    }

    var summary: Summary? {
        condition.lock()
        defer { condition.unlock() }
        return result
    }

    func close() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        while started && !finished { condition.wait() }
    }
}
