import SiftFormat

/// Builds one refined row as a JSON object, which the table's NDJSON reader then types against
/// the refined schema (so every value a parser emits is checked the way ingest checks NDJSON).
public struct RowWriter {
    var bytes: [UInt8] = [UInt8(ascii: "{")]

    public init() {}

    mutating func key(_ name: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A string value; nil leaves the column null.
    public mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        quoted(value)
    }

    /// Appends `text` as a JSON string: in one copy when nothing needs escaping (the usual case).
    mutating func quoted(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            if utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
                bytes.append(UInt8(ascii: "\""))
                bytes.append(contentsOf: utf8)
                bytes.append(UInt8(ascii: "\""))
            } else {
                TextForms.appendJSONString(Array(utf8), to: &bytes)
            }
        }
    }

    /// A number, from its text; nil leaves the column null. Text that is not a JSON number is
    /// written as a string, so the reader rejects it with the column's name.
    public mutating func number(_ name: String, _ text: String?) {
        guard let text else { return }
        key(name)
        let isJSONNumber = Double(text) != nil && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2B || $0 == 0x2E || $0 | 0x20 == 0x65 }
        if isJSONNumber { bytes += Array(text.utf8) } else { TextForms.appendJSONString(Array(text.utf8), to: &bytes) }
    }

    public mutating func bool(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bytes += Array((value ? "true" : "false").utf8)
    }

    var line: [UInt8] { bytes + [UInt8(ascii: "}")] }
}
