import Foundation
@testable import SiftFormat
import SiftNDJSON
import SiftTestSupport
import Testing

/// Rotated logs go in as they are: gzip and zstd recognised by content, damage named.
@Suite("NDJSON: compressed input files")
struct InputFileTests {
    static let text = (0..<2000).map { #"{"ts":"2026-08-01T00:00:\#(String(format: "%02d", $0 % 60))Z","n":\#($0)}"# }.joined(separator: "\n") + "\n"

    func gzip(_ path: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-kf", path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test("gzip (one member or several) and zstd (several frames) read as the plain file; damage is an error naming the file")
    func compressed() throws {
        let dir = TemporaryDirectory()
        let plain = dir.file("a.ndjson")
        try Self.text.write(toFile: plain, atomically: true, encoding: .utf8)
        try gzip(plain)
        let bytes = Array(Self.text.utf8)
        #expect(try InputFile(path: plain).compression == .none)
        let gz = try InputFile(path: plain + ".gz")
        #expect(gz.compression == .gzip && gz.withBytes { Array($0) } == bytes)
        // Two gzip members back to back (`cat a.gz b.gz`).
        let member = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        try (member + member).write(to: URL(fileURLWithPath: dir.file("two.gz")))
        #expect(try InputFile(path: dir.file("two.gz")).withBytes { Array($0) } == bytes + bytes)
        // zstd, two frames.
        let half = bytes.count / 2
        let frames = Compressor.compress(Array(bytes[..<half]), Compression(.zstd)) + Compressor.compress(Array(bytes[half...]), Compression(.zstd))
        try Data(frames).write(to: URL(fileURLWithPath: dir.file("a.zst")))
        let zst = try InputFile(path: dir.file("a.zst"))
        #expect(zst.compression == .zstd && zst.withBytes { Array($0) } == bytes)
        // Truncated and damaged.
        try Data(member.prefix(member.count / 2)).write(to: URL(fileURLWithPath: dir.file("cut.gz")))
        #expect { try InputFile(path: dir.file("cut.gz")) } throws: { e in
            (e as? FormatError).map { $0.code == .decompressionFailed && $0.file == dir.file("cut.gz") } ?? false
        }
        var broken = Array(member)
        for i in 12..<min(40, broken.count) { broken[i] ^= 0x5A }
        try Data(broken).write(to: URL(fileURLWithPath: dir.file("bad.gz")))
        #expect(throws: FormatError.self) { try InputFile(path: dir.file("bad.gz")) }
        try Data(frames.prefix(frames.count - 3)).write(to: URL(fileURLWithPath: dir.file("cut.zst")))
        #expect(throws: FormatError.self) { try InputFile(path: dir.file("cut.zst")) }
    }
}
