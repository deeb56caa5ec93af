import Dispatch
import Foundation

/// Runs `body(0..<count)` on the calling thread and on whatever pool threads are free, each
/// index once, and returns when every index is done.
///
/// Why not `DispatchQueue.concurrentPerform`: called from inside another `concurrentPerform`
/// (a row group encoded by an import worker), libdispatch runs the inner loop on the calling
/// thread alone, so the last row group of an import was encoded on one core while the other
/// waited. Here the caller works through the indices itself and helpers join as threads free
/// up; a helper that starts after the work is gone returns without calling `body`.
enum SharedParallel {
    static func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let work = SharedWork(count: count)
        let helpers = min(count, ProcessInfo.processInfo.activeProcessorCount) - 1
        for _ in 0..<helpers { DispatchQueue.global().async { work.run(body) } }
        work.run(body)
        work.waitUntilDone()
    }
}

/// The indices left and the ones being worked on, under one lock.
private final class SharedWork: @unchecked Sendable {
    // Safety: every field is read and written under `condition`'s lock.
    private let condition = NSCondition()
    private var next = 0
    private var running = 0
    private let count: Int

    init(count: Int) { self.count = count }

    /// Takes indices and runs them until none are left.
    func run(_ body: (Int) -> Void) {
        while let i = take() {
            body(i)
            condition.lock()
            running -= 1
            if running == 0 && next >= count { condition.broadcast() }
            condition.unlock()
        }
    }

    private func take() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard next < count else { return nil }
        next += 1
        running += 1
        return next - 1
    }

    /// Blocks until every index has been taken and finished.
    func waitUntilDone() {
        condition.lock()
        while next < count || running > 0 { condition.wait() }
        condition.unlock()
    }
}
