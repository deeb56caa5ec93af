import Foundation
import SiftFormat
import SiftTestSupport
import Testing

/// Issue 18's corruption matrix: every single-byte flip (two patterns: all bits, the low bit)
/// and every truncation of each small conformance file is reported by `verify`, and a plain
/// read never returns rows different from the original's (it may fail, or, where the damage is
/// in a part only `verify` reads, return the same rows).
@Suite("Format: the corruption matrix over the conformance corpus")
struct CorruptionMatrixTests {
    static let files: [String] = {
        let folder = RepositoryPaths.corpus + "/v1/valid"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".sift") }.sorted()
            .map { folder + "/" + $0 }
            .filter { ((try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0) <= 6000 }
    }()

    static func rows(_ bytes: [UInt8]) throws -> [RecordBatch] {
        try SiftReader(source: MemorySource(bytes, name: "m.sift")).readBatches()
    }

    @Test("every flip and truncation of every small corpus file is detected; reads never differ")
    func matrix() throws {
        #expect(Self.files.count >= 15)
        var flips = 0, truncations = 0, undetected: [String] = [], wrongRows: [String] = []
        for path in Self.files {
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let name = (path as NSString).lastPathComponent
            let expected = try Self.rows(original)
            for position in original.indices {
                for pattern: UInt8 in [0xFF, 0x01] {
                    var bytes = original
                    bytes[position] ^= pattern
                    flips += 1
                    if (try? SiftReader(source: MemorySource(bytes, name: name)).verify()) != nil {
                        undetected.append("\(name) byte \(position) ^ \(pattern)")
                    }
                    if let read = try? Self.rows(bytes), read != expected { wrongRows.append("\(name) byte \(position) ^ \(pattern)") }
                }
            }
            for length in 0..<original.count {
                truncations += 1
                let bytes = Array(original.prefix(length))
                if (try? SiftReader(source: MemorySource(bytes, name: name)).verify()) != nil { undetected.append("\(name) cut to \(length)") }
                if let read = try? Self.rows(bytes), read != expected { wrongRows.append("\(name) cut to \(length)") }
            }
        }
        print("corruption matrix: \(Self.files.count) files, \(flips) flips, \(truncations) truncations; \(undetected.count) undetected, \(wrongRows.count) read as different rows")
        #expect(undetected.isEmpty, "\(undetected.count) undetected, e.g. \(undetected.prefix(8))")
        #expect(wrongRows.isEmpty, "\(wrongRows.count) different rows, e.g. \(wrongRows.prefix(8))")
    }
}
