import Foundation
import SiftScan
import Testing

/// The parallel scan's scheduler: order, bounded buffering, cancellation and errors.
@Suite("Scan: ordered parallel tasks")
struct OrderedParallelTests {
    /// Counts items emitted but not yet consumed, and the most ever outstanding.
    final class Outstanding: @unchecked Sendable {
        // Safety: both counters are touched only under `lock`.
        private let lock = NSLock()
        private var now = 0
        private(set) var peak = 0
        func emitted() { lock.lock(); now += 1; peak = max(peak, now); lock.unlock() }
        func consumed() { lock.lock(); now -= 1; lock.unlock() }
    }

    @Test("items arrive in task order, then emission order, whatever the tasks' speeds", arguments: [1, 2, 3, 8])
    func order(workers: Int) throws {
        let sizes = (0..<40).map { ($0 * 7919) % 13 }  // 0 to 12 items per task, some empty
        let outstanding = Outstanding()
        var seen: [[Int]] = []
        let results = try OrderedParallel.run(count: sizes.count, workers: workers, bufferLimit: 2, window: 2 * workers, task: { i, emit in
            for k in 0..<sizes[i] {
                if (i + k) % 5 == 0 { usleep(200) }  // uneven speeds
                outstanding.emitted()
                guard emit([i, k]) else { return -1 }
            }
            return i * 10
        }, consume: { item in
            outstanding.consumed()
            seen.append(item)
            return true
        })
        let expected = sizes.enumerated().flatMap { i, n in (0..<n).map { [i, $0] } }
        #expect(seen == expected)
        #expect(results == (0..<sizes.count).map { $0 * 10 })
        // Each task in the window holds at most bufferLimit items plus the one it is pushing,
        // and the consumer one more in hand.
        #expect(outstanding.peak <= 2 * workers * (2 + 1) + 1, "peak \(outstanding.peak)")
    }

    @Test("the consumer returning false stops the run; later tasks never start")
    func cancellation() throws {
        let started = Outstanding()
        var consumed = 0
        let results = try OrderedParallel.run(count: 100, workers: 3, bufferLimit: 1, window: 4, task: { i, emit in
            started.emitted()
            for k in 0..<1000 where !emit(k) { return k }
            return 1000
        }, consume: { _ in
            consumed += 1
            return consumed < 1500
        })
        #expect(consumed == 1500)
        #expect(started.peak <= 6, "at most the window of tasks started, not 100: \(started.peak)")
        #expect(results[0] == 1000 && results[1] != nil)
        #expect(results.compactMap { $0 }.count < 10)
    }

    @Test("a task runs ahead of the consumer by the weight it has buffered, not by a count of items",
          arguments: [(1, 64), (16, 4), (100, 1)])
    func weightedBuffering(weight: Int, expectedAhead: Int) throws {
        // Task 0 holds the consumer for 0.3 s; task 1 meanwhile pushes items that weigh `weight`
        // each into room for 64: it gets 64 / weight of them ahead (at least one), then waits.
        let ahead = Outstanding()
        let results = try OrderedParallel.run(count: 2, workers: 2, bufferLimit: 64, weight: { _ in weight }, task: { i, emit in
            if i == 0 {
                usleep(300_000)
                return ahead.peak
            }
            for k in 0..<100 {
                guard emit(k) else { return -1 }
                ahead.emitted()
            }
            return 100
        }, consume: { _ in true })
        #expect(results[0] == expectedAhead, "task 1 had \(String(describing: results[0])) items ready while task 0 ran")
        #expect(results[1] == 100)
    }

    struct Boom: Error, Equatable { let task: Int }

    @Test("a task's error is rethrown after the tasks in flight finish; the consumer's too", arguments: [1, 2, 4])
    func errors(workers: Int) {
        var consumed: [Int] = []
        #expect(throws: Boom(task: 6)) {
            try OrderedParallel.run(count: 20, workers: workers, task: { i, emit in
                if i == 6 { throw Boom(task: 6) }
                _ = emit(i)
                return i
            }, consume: { consumed.append($0); return true })
        }
        #expect(consumed == Array(0..<6), "everything before the failing task was delivered, in order")
        #expect(throws: Boom(task: -1)) {
            try OrderedParallel.run(count: 20, workers: workers, task: { i, emit in _ = emit(i); return i },
                                    consume: { if $0 == 3 { throw Boom(task: -1) }; return true })
        }
    }
}
