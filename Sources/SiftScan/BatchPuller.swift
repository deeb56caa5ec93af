import SiftFormat

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
            startDetachedThread(stackSize: 8 << 20) {
                let outcome = Result { try produce { channel.push($0) } }
                channel.finish(outcome)
            }
        }
        return try channel.pop()
    }

    /// What the producer returned, once it has finished without an error.
    public var summary: Summary? { channel.summary }

    /// Stops the producer (its sink returns false from now on) and waits until it has returned.
    /// Items not taken are dropped. Safe to call more than once.
    public func close() { channel.close() }
}

/// The bounded queue between a puller's producer thread and its consumer.
private final class Channel<Item: Sendable, Summary: Sendable>: Sendable {
    private struct State {
        var queue: [Item] = []
        var started = false
        var finished = false
        var cancelled = false
        var failure: Error?
        var result: Summary?
    }

    private let capacity: Int
    private let state = Guarded(State())

    init(capacity: Int) { self.capacity = capacity }

    /// True for the one caller that must start the producer.
    func claimStart() -> Bool {
        state.withLock { s in
            guard !s.started, !s.cancelled else { return false }
            s.started = true
            return true
        }
    }

    /// The producer's sink: waits while the queue is full; false once the consumer has closed.
    func push(_ item: Item) -> Bool {
        state.wait(until: { $0.cancelled || $0.queue.count < capacity }, notify: true) { s in
            guard !s.cancelled else { return false }
            s.queue.append(item)
            return true
        }
    }

    func finish(_ outcome: Result<Summary, Error>) {
        state.withLock(notify: true) { s in
            switch outcome {
            case .success(let summary): s.result = summary
            case .failure(let error): s.failure = error
            }
            s.finished = true
        }
    }

    func pop() throws -> Item? {
        try state.wait(until: { !$0.queue.isEmpty || $0.finished || !$0.started || $0.cancelled }, notify: true) { s in
            if !s.queue.isEmpty { return s.queue.removeFirst() }
            if let failure = s.failure { throw failure }
            return nil
        }
    }

    var summary: Summary? { state.withLock { $0.result } }

    /// Stops the producer and waits until it has returned.
    func close() {
        state.withLock(notify: true) { s in
            s.cancelled = true
            s.queue.removeAll()
        }
        state.wait(until: { !$0.started || $0.finished }) { _ in }
    }
}
