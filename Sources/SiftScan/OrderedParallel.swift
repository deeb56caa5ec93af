import Dispatch
import SiftPlatform
import SiftFormat

/// Runs tasks on a bounded pool of threads and hands what they emit to one consumer in task
/// order (then in emission order): the parallel scan over files and row groups, with results
/// in the same order as a sequential scan.
///
/// - At most `workers` tasks run at once, claimed in order, and task `i + window` starts only
///   once the consumer has finished with task `i`: the task being consumed is always running,
///   nothing waits on a task that has not started, and quick tasks (files ruled out after a
///   footer and a few bloom probes) run ahead while a slow one is consumed. The window is 4 ×
///   `workers` by default; with it equal to `workers` a needle query over 31 files serialised
///   behind the one file holding the match.
/// - Each task buffers at most `bufferLimit` of weight ahead of the consumer (`weight` of an
///   item: 1 unless given, a scan gives a batch's rows), then waits: memory stays within
///   `window × bufferLimit` plus one item per task however large the result. Weighing by rows
///   matters for needles: a task ahead of the consumer that stopped after a few of its small
///   batches (one per candidate row range) left the second core idle a quarter of the time.
/// - When `consume` returns false, or a task or the consumer throws, the run is cancelled:
///   `emit` returns false in every running task (they should stop), no further task starts, and
///   `run` returns (or rethrows the first error) once every started task has finished.
public enum OrderedParallel {
    /// The number of workers a scan uses by default: the machine's active cores.
    public static var defaultWorkers: Int { Cores.available }

    /// Runs `task(i, emit)` for every `i` in `0..<count`; returns each task's result, in order,
    /// for the tasks that finished (nil for those cancelled before they started).
    public static func run<Item: Sendable, Result: Sendable>(
        count: Int, workers: Int = defaultWorkers, bufferLimit: Int = 4, window: Int? = nil,
        weight: @escaping @Sendable (Item) -> Int = { _ in 1 },
        task: @escaping @Sendable (_ index: Int, _ emit: (Item) -> Bool) throws -> Result,
        consume: (Item) throws -> Bool
    ) throws -> [Result?] {
        guard count > 0 else { return [] }
        precondition(workers >= 1 && bufferLimit >= 1, "at least one worker and one buffered item")
        let window = Swift.max(window ?? 4 * workers, workers)
        if workers == 1 || count == 1 {
            // No threads for one task: the same order and cancellation, on the caller's thread.
            var results: [Result?] = Array(repeating: nil, count: count)
            var stopped = false
            var failure: Error?
            for i in 0..<count where !stopped {
                results[i] = try task(i) { item in
                    guard !stopped else { return false }
                    do { stopped = try !consume(item) } catch { failure = error; stopped = true }
                    return !stopped
                }
                if let failure { throw failure }
            }
            return results
        }

        let state = SharedState<Item, Result>(count: count, bufferLimit: bufferLimit, window: window, weight: weight)
        let group = DispatchGroup()
        // A fixed set of workers, each claiming the next task once the window allows it.
        for _ in 0..<min(workers, count) {
            group.enter()
            DispatchQueue.global(qos: .userInitiated).async {
                defer { group.leave() }
                while let i = state.claim() {
                    do {
                        let result = try task(i) { item in state.push(item, slot: i) }
                        state.finish(slot: i, result: result, error: nil)
                    } catch {
                        state.finish(slot: i, result: nil, error: error)
                    }
                }
            }
        }
        var failure: Error?
        consuming: for i in 0..<count {
            while true {
                switch state.next(slot: i) {
                case .item(let item):
                    do {
                        if try !consume(item) { state.cancel(); break consuming }
                    } catch {
                        failure = error
                        state.cancel()
                        break consuming
                    }
                case .finished(let error):
                    if let error {
                        failure = error
                        state.cancel()
                        break consuming
                    }
                    state.consumed(through: i)
                    continue consuming
                }
            }
        }
        group.wait()
        if let failure { throw failure }
        return state.results
    }
}

/// The slots tasks fill and the consumer drains.
private final class SharedState<Item: Sendable, Result: Sendable>: Sendable {
    private struct State {
        /// Items pushed per slot, with their weights; those before `taken[slot]` were handed to
        /// the consumer and are nil (not kept alive), and are dropped in bulk: no O(n) removal
        /// per item.
        var buffers: [[(item: Item, weight: Int)?]]
        var taken: [Int]
        /// Weight of a slot's items not yet taken.
        var buffered: [Int]
        var done: [Bool]
        var errors: [Error?]
        var finishedResults: [Result?]
        var cancelled = false
        var nextTask = 0
        var firstUnconsumed = 0
    }

    private let state: Guarded<State>
    private let bufferLimit: Int
    private let weight: @Sendable (Item) -> Int
    /// Tasks run at most `window` ahead of the first one the consumer has not finished.
    private let window: Int

    enum Next { case item(Item), finished(Error?) }

    init(count: Int, bufferLimit: Int, window: Int, weight: @escaping @Sendable (Item) -> Int) {
        self.window = window
        self.bufferLimit = bufferLimit
        self.weight = weight
        state = Guarded(State(buffers: Array(repeating: [], count: count), taken: Array(repeating: 0, count: count),
                              buffered: Array(repeating: 0, count: count), done: Array(repeating: false, count: count),
                              errors: Array(repeating: nil, count: count), finishedResults: Array(repeating: nil, count: count)))
    }

    /// The next task to run; waits while it is beyond the window; nil when none is left or
    /// the run is cancelled.
    func claim() -> Int? {
        let window = self.window
        return state.wait(until: { $0.cancelled || $0.nextTask >= $0.done.count || $0.nextTask < $0.firstUnconsumed + window }) { s in
            guard !s.cancelled, s.nextTask < s.done.count else { return nil }
            s.nextTask += 1
            return s.nextTask - 1
        }
    }

    /// The consumer has everything of task `slot`.
    func consumed(through slot: Int) {
        state.withLock(notify: true) { $0.firstUnconsumed = slot + 1 }
    }

    var results: [Result?] { state.withLock { $0.finishedResults } }

    /// A task's item; waits while the slot's buffer holds its limit. False once the run is
    /// cancelled.
    func push(_ item: Item, slot: Int) -> Bool {
        let limit = bufferLimit
        let w = Swift.max(1, weight(item))
        return state.wait(until: { $0.cancelled || $0.buffered[slot] < limit }, notify: true) { s in
            guard !s.cancelled else { return false }
            s.buffers[slot].append((item, w))
            s.buffered[slot] += w
            return true
        }
    }

    func finish(slot: Int, result: Result?, error: Error?) {
        state.withLock(notify: true) { s in
            s.done[slot] = true
            s.errors[slot] = error
            s.finishedResults[slot] = result
        }
    }

    /// The slot's next item, or that it finished; waits for one or the other.
    func next(slot: Int) -> Next {
        state.wait(until: { $0.taken[slot] < $0.buffers[slot].count || $0.done[slot] }, notify: true) { s in
            guard s.taken[slot] < s.buffers[slot].count else { return .finished(s.errors[slot]) }
            let (item, weight) = s.buffers[slot][s.taken[slot]]!
            s.buffers[slot][s.taken[slot]] = nil
            s.taken[slot] += 1
            s.buffered[slot] -= weight
            if s.taken[slot] == s.buffers[slot].count {
                s.buffers[slot].removeAll(keepingCapacity: true)
                s.taken[slot] = 0
            } else if s.taken[slot] >= 32, s.taken[slot] * 2 >= s.buffers[slot].count {
                s.buffers[slot].removeFirst(s.taken[slot])
                s.taken[slot] = 0
            }
            return .item(item)
        }
    }

    func cancel() {
        state.withLock(notify: true) { $0.cancelled = true }
    }
}
