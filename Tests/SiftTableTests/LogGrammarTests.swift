import Foundation
import SiftFormat
import SiftTable
import Testing

/// The exact grammar of a log entry (`spec/table.md` §3): what a second writer must produce
/// and a reader must refuse.
@Suite("Tables: the log entry grammar")
struct LogGrammarTests {
    static let info = "{\"commit_info\":{\"engine\":\"t\",\"is_blind_append\":true,\"metrics\":{},\"operation\":\"append\",\"parameters\":{},\"timestamp\":5}}"

    /// An entry of `lines` with a checksum line in `hex` form (lowercase by default).
    static func entry(_ lines: [String], uppercase: Bool = false, finalNewline: Bool = true) -> [UInt8] {
        let body = Array(lines.map { $0 + "\n" }.joined().utf8)
        var hex = String(Checksum.hash(body), radix: 16)
        hex = String(repeating: "0", count: 16 - hex.count) + hex
        if uppercase { hex = hex.uppercased() }
        return body + Array("{\"checksum\":\"\(hex)\"}\(finalNewline ? "\n" : "")".utf8)
    }

    @Test("a well-formed entry decodes, with or without its final newline")
    func wellFormed() throws {
        #expect(try LogEntryCodec.decode(Self.entry([Self.info]), version: 1).count == 1)
        #expect(try LogEntryCodec.decode(Self.entry([Self.info], finalNewline: false), version: 1).count == 1)
    }

    @Test("refused: bytes after an action, an empty line, a missing field", arguments: [
        [info + " x"], [info, ""], ["{\"txn\":{\"app_id\":\"a\",\"version\":1}}", info],
    ])
    func refused(_ lines: [String]) {
        #expect(throws: TableError.self) { try LogEntryCodec.decode(Self.entry(lines), version: 1) }
    }

    @Test("an upper-case checksum is refused")
    func upperCase() {
        let hex = Self.entry([Self.info], uppercase: true)
        // The checksum of this entry has letters among its digits, so the case differs.
        #expect(hex != Self.entry([Self.info]))
        #expect(throws: TableError.self) { try LogEntryCodec.decode(hex, version: 1) }
    }
}
