import Dispatch
@testable import SiftNDJSON
@testable import SiftFormat
import SiftTestSupport
import Synchronization
import Testing

/// How an import divides its work: chunk boundaries found in parallel pieces, and row-group
/// encoding shared with free threads.
@Suite("Import scheduling")
struct ImportSchedulingTests {
    /// The boundaries as one serial scan finds them (the definition the pieces must agree with).
    static func serialStarts(_ bytes: [UInt8], every: Int) -> [Int] {
        var starts: [Int] = []
        var lines = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            lines += 1
            if lines % every == 0 { starts.append(i + 1) }
        }
        return starts
    }

    @Test("chunk boundaries from parallel pieces equal those of one serial scan")
    func parallelChunkStarts() {
        var random = SeededRandom(seed: 31)
        for round in 0..<40 {
            var bytes: [UInt8] = []
            let lineCount = Int(random.next() % 5000)
            for _ in 0..<lineCount {
                // Blank lines, short and long lines.
                let length = random.next() % 4 == 0 ? 0 : Int(random.next() % 300)
                bytes += [UInt8](repeating: 0x61, count: length) + [0x0A]
            }
            if random.next() % 2 == 0 { bytes += Array("tail without newline".utf8) }
            let every = [1, 7, 100, 1024, 1025, 3000][round % 6]
            let pieces = 2 + round % 4
            let expected = Self.serialStarts(bytes, every: every)
            let found = bytes.withUnsafeBufferPointer { lineChunkStarts($0, linesPerChunk: every, minPieceBytes: 1, pieces: pieces) }
            #expect(found == expected, "round \(round): \(lineCount) lines, every \(every), \(pieces) pieces")
        }
    }

    @Test("shared parallel work runs every index once, also from inside concurrentPerform")
    func sharedParallel() {
        let outer = 6, inner = 37
        let counts = Mutex([Int](repeating: 0, count: outer * inner))
        DispatchQueue.concurrentPerform(iterations: outer) { o in
            SharedParallel.forEach(inner) { i in counts.withLock { $0[o * inner + i] += 1 } }
        }
        #expect(counts.withLock { $0 } == [Int](repeating: 1, count: outer * inner))
        let one = Mutex(0)
        SharedParallel.forEach(1) { _ in one.withLock { $0 += 1 } }
        SharedParallel.forEach(0) { _ in one.withLock { $0 += 100 } }
        #expect(one.withLock { $0 } == 1)
    }
}
