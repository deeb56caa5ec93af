import Foundation
import SiftScan
import Testing

/// The push-to-pull adapter under Arrow streams: order, bounded lead, early close, errors.
@Suite("Scan: pulling batches from a push-style scan")
struct BatchPullerTests {
    final class Probe: @unchecked Sendable {
        // Safety: touched only under `lock`.
        private let lock = NSLock()
        private var produced = 0
        private var stoppedEarly = false
        func add() { lock.lock(); produced += 1; lock.unlock() }
        func stop() { lock.lock(); stoppedEarly = true; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return produced }
        var stopped: Bool { lock.lock(); defer { lock.unlock() }; return stoppedEarly }
    }

    @Test("items arrive in order and the summary is the producer's result")
    func order() throws {
        let puller = BatchPuller<Int, String>(capacity: 2) { sink in
            for i in 0..<100 where !sink(i) { return "stopped" }
            return "done"
        }
        var seen: [Int] = []
        while let i = try puller.next() { seen.append(i) }
        #expect(seen == Array(0..<100))
        #expect(puller.summary == "done")
        #expect(try puller.next() == nil)
    }

    @Test("the producer runs at most `capacity` items ahead, and close stops it")
    func boundedAndClosed() throws {
        let probe = Probe()
        let puller = BatchPuller<Int, Void>(capacity: 3) { sink in
            for i in 0..<1_000_000 {
                probe.add()
                if !sink(i) { probe.stop(); return }
            }
        }
        #expect(try puller.next() == 0)
        usleep(50_000)
        #expect(probe.count <= 1 + 3 + 1, "produced \(probe.count)")
        puller.close()
        #expect(probe.stopped, "close waits for the producer to stop")
    }

    @Test("dropping an unread puller stops its producer")
    func dropped() throws {
        let probe = Probe()
        do {
            let puller = BatchPuller<Int, Void>(capacity: 1) { sink in
                for i in 0..<1_000_000 {
                    probe.add()
                    if !sink(i) { probe.stop(); return }
                }
            }
            _ = try puller.next()
        }
        #expect(probe.stopped)
    }

    @Test("items produced before an error are delivered, then the error")
    func error() throws {
        struct Boom: Error {}
        let puller = BatchPuller<Int, Void> { sink in
            _ = sink(1)
            _ = sink(2)
            throw Boom()
        }
        #expect(try puller.next() == 1)
        #expect(try puller.next() == 2)
        #expect(throws: Boom.self) { try puller.next() }
    }
}
