import Dispatch
import SiftPlatform

/// Runs `body(0..<count)` on the calling thread and on whatever pool threads are free, each
/// index once, and returns when every index is done.
///
/// Why not `DispatchQueue.concurrentPerform`: called from inside another `concurrentPerform`
/// (a row group encoded by an import worker), libdispatch runs the inner loop on the calling
/// thread alone, so the last row group of an import was encoded on one core while the other
/// waited. Here the caller works through the indices itself and helpers join as threads free
/// up; a helper that starts after the work is gone returns without calling `body`.
package enum SharedParallel {
    package static func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let work = SharedWork(count: count, body: body)
        let helpers = min(count, Cores.available) - 1
        for _ in 0..<helpers { DispatchQueue.global().async { work.run() } }
        work.run()
        work.waitUntilDone()
    }
}

/// The cores this process may use, asked once: Foundation's `activeProcessorCount` reads the
/// cgroup's CPU files on every call (~1 ms, 5% of a needle query that asked it twice).
package enum Cores {
    package static let available = max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// The indices left, the ones being worked on, and the body while any is left. The body (and
/// whatever it holds: a reader's decoded columns) is let go as the last index finishes, not
/// when a helper that arrives late runs: until then a queued helper would keep it alive.
private final class SharedWork: Sendable {
    private struct State {
        var next = 0
        var running = 0
        var body: (@Sendable (Int) -> Void)?
    }

    private let state: Guarded<State>
    private let count: Int

    init(count: Int, body: @escaping @Sendable (Int) -> Void) {
        self.count = count
        state = Guarded(State(body: body))
    }

    /// Takes indices and runs them until none are left.
    func run() {
        while let (i, body) = take() {
            body(i)
            // The waiter re-checks its condition; a wake-up per index is cheap next to `body`.
            state.withLock(notify: true) { s in
                s.running -= 1
                if s.next >= count && s.running == 0 { s.body = nil }
            }
        }
    }

    private func take() -> (Int, @Sendable (Int) -> Void)? {
        let count = self.count
        return state.withLock { s in
            guard s.next < count, let body = s.body else { return nil }
            s.next += 1
            s.running += 1
            return (s.next - 1, body)
        }
    }

    /// Blocks until every index has been taken and finished.
    func waitUntilDone() {
        let count = self.count
        state.wait(until: { $0.next >= count && $0.running == 0 }) { _ in }
    }
}
