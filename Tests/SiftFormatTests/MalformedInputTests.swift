import Foundation
import SiftFormat
import SiftTestSupport
import Testing

@Suite("Malformed input")
struct MalformedInputTests {
    /// A small file with several row groups, columns, codecs and nulls.
    static func sampleFile() throws -> [UInt8] {
        let dir = TemporaryDirectory()
        var gen = RandomColumns(seed: 99)
        let schema = try Schema([Field("ip", .ipv4), Field("name", .string), Field("n", .int64, nullable: false), Field("addr", .ipv6)])
        let batch = try RecordBatch(schema: schema, columns: [
            gen.column(.ipv4, count: 300, shape: .narrowRange, nulls: .sparse),
            gen.column(.string, count: 300, shape: .lowCardinality, nulls: .runs),
            gen.column(.int64, count: 300, shape: .sorted, nulls: .none),
            gen.column(.ipv6, count: 300, shape: .uniform, nulls: .alternating),
        ])
        var options = WriterOptions()
        options.rowGroupRows = 120
        options.pageRows = 64
        options.columnCompression = ["name": .lz4, "n": .none]
        let writer = try SiftWriter(path: dir.file("s.sift"), schema: schema, options: options)
        try writer.write(batch)
        try writer.close()
        return Array(FileManager.default.contents(atPath: dir.file("s.sift"))!)
    }

    static func check(_ bytes: [UInt8]) throws {
        let reader = try SiftReader(source: MemorySource(bytes, name: "mutated.sift"))
        _ = try reader.verify()
        _ = try reader.readBatches()
    }

    @Test("verify rejects every single flipped bit, naming row group and column inside pages")
    func everyFlippedByte() throws {
        let original = try Self.sampleFile()
        let reader = try SiftReader(source: MemorySource(original))
        // Which chunk holds each byte, to check the error names it.
        var owner: [Int: (Int, String)] = [:]
        for (g, group) in reader.metadata.rowGroups.enumerated() {
            for (c, chunk) in group.columns.enumerated() {
                for i in Int(chunk.offset)..<Int(chunk.offset + chunk.length) { owner[i] = (g, reader.schema.fields[c].name) }
            }
        }
        var rng = SeededRandom(seed: 2024)
        for position in 0..<original.count {
            var bytes = original
            bytes[position] ^= UInt8(1) << UInt8(rng.next() % 8)
            do {
                try Self.check(bytes)
                Issue.record("a flipped bit at byte \(position) of \(original.count) went unnoticed")
            } catch let error as FormatError {
                if let (g, name) = owner[position] {
                    #expect(error.rowGroup == g && error.column == name, "byte \(position): \(error)")
                }
                #expect(error.file == "mutated.sift")
            }
        }
    }

    @Test("random corruption and truncation never crash: each read ends in a FormatError or success")
    func randomCorruption() throws {
        let original = try Self.sampleFile()
        var corpusFiles: [[UInt8]] = [original]
        let valid = RepositoryPaths.corpus + "/v1/valid"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: valid)) ?? [] where name.hasSuffix(".sift") {
            corpusFiles.append(Array(FileManager.default.contents(atPath: valid + "/" + name)!))
        }
        var rng = SeededRandom(seed: 77)
        for _ in 0..<3000 {
            var bytes = corpusFiles[Int(rng.next() % UInt64(corpusFiles.count))]
            switch rng.next() % 4 {
            case 0: bytes.removeLast(Int(rng.next() % UInt64(bytes.count)))
            case 1: for _ in 0..<(1 + rng.next() % 8) { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            case 2:
                // Plausible lies: large little-endian integers written over random places.
                let at = Int(rng.next() % UInt64(max(bytes.count - 4, 1)))
                for i in 0..<min(4, bytes.count - at) { bytes[at + i] = [0xFF, 0x7F, 0x00, 0x10][i] }
            default: bytes.insert(contentsOf: (0..<Int(rng.next() % 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: Int(rng.next() % UInt64(bytes.count)))
            }
            do { try Self.check(bytes) } catch is FormatError {}
        }
    }

    @Test("a footer length past the file, a tiny file and an empty file are clear errors")
    func tinyFiles() throws {
        for (bytes, code) in [([UInt8](), FormatError.Code.truncatedFile), (Array("SIFT".utf8), .truncatedFile), (Array("hello world, this is not sift".utf8), .badMagic)] {
            #expect(throws: FormatError.self) { try Self.check(bytes) }
            do { try Self.check(bytes) } catch let e as FormatError { #expect(e.code == code, "\(e)") }
        }
    }
}
