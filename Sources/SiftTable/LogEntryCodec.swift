import SiftPlatform
import SiftFormat

/// The bytes of a log entry (`spec/table.md` §3): one JSON action per line, then a last line
/// `{"checksum":"<16 hex digits>"}` holding the XXH3-64 (seed 0) of every byte before it. The
/// checksum turns a torn or altered entry into an error instead of a different table.
public enum LogEntryCodec {
    /// A log entry's bytes: one JSON object per action and line, then a checksum line (`spec/table.md` §3).
    public static func encode(_ actions: [Action]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out: [UInt8] = []
        for action in actions {
            out += Array(try encoder.encode(action))
            out.append(UInt8(ascii: "\n"))
        }
        out += Array("{\"checksum\":\"\(ColumnStatsJSON.hex(bigEndian: Checksum.hash(out)))\"}\n".utf8)
        return out
    }

    /// Decodes and verifies an entry; errors name the version and the line.
    public static func decode(_ bytes: [UInt8], version: Int64) throws -> [Action] {
        func corrupt(_ message: String) -> TableError { TableError(.corruptLog, message, version: version, path: LogLayout.commitName(version)) }
        // The checksum line is the last non-empty line.
        var end = bytes.count
        if end > 0, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        var start = end
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        let last = String(decoding: bytes[start..<end], as: UTF8.self)
        let prefix = "{\"checksum\":\"", suffix = "\"}"
        guard last.hasPrefix(prefix), last.hasSuffix(suffix), last.count == prefix.count + 16 + suffix.count else {
            throw corrupt("the entry does not end with its checksum line (torn or truncated write?)")
        }
        let stored = String(last.dropFirst(prefix.count).dropLast(suffix.count))
        let actual = ColumnStatsJSON.hex(bigEndian: bytes.withUnsafeBytes { Checksum.hash(UnsafeRawBufferPointer(rebasing: $0[0..<start])) })
        guard stored == actual else { throw corrupt("checksum mismatch: stored \(stored), computed \(actual)") }
        let decoder = JSONDecoder()
        var actions: [Action] = []
        var lineStart = 0, line = 1
        while lineStart < start {
            var lineEnd = lineStart
            while bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if let action = FastActionDecoder.decode(bytes[lineStart..<lineEnd]) {
                actions.append(action)
            } else {
                do {
                    actions.append(try decoder.decode(Action.self, from: Data(bytes[lineStart..<lineEnd])))
                } catch {
                    throw corrupt("line \(line): not a valid action: \(describe(error))")
                }
            }
            lineStart = lineEnd + 1
            line += 1
        }
        return actions
    }

    /// A decoding error in a sentence, with the key path.
    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String { c.codingPath.map(\.stringValue).joined(separator: ".") }
        switch e {
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)' at '\(path(c))'"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "wrong type at '\(path(c))': \(c.debugDescription)"
        case .dataCorrupted(let c): return c.debugDescription
        @unknown default: return "\(e)"
        }
    }
}

extension ColumnStatsJSON {
    /// 16 lowercase hex digits.
    static func hex(bigEndian v: UInt64) -> String { hex(withUnsafeBytes(of: v.bigEndian) { Array($0) }) }
}
