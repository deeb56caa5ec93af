import SiftFormat
/// Writes rows of a record batch as text: NDJSON, CSV or an aligned table.
///
/// NDJSON output round-trips through `sift write`: IPs as text, timestamps as ISO-8601 UTC with
/// microseconds, binary as base64, json-hinted strings as their JSON text. Null values are
/// left out of NDJSON objects (absent and null mean the same to `sift write`).
public enum RowFormatter {
    /// How rows are printed: NDJSON, CSV or an aligned table.
    public enum Format: String, CaseIterable, Sendable {
        case ndjson, csv, table
    }

    /// Appends value `row` of `column` as JSON text.
    public static func appendJSON(_ column: ColumnVector, _ field: Field, _ row: Int, to out: inout [UInt8]) {
        switch column.values {
        case .bool(let v): out += Array((v[row] ? "true" : "false").utf8)
        case .int32(let v): out += Array(String(v[row]).utf8)
        case .int64(let v): out += Array(String(v[row]).utf8)
        case .uint16(let v): out += Array(String(v[row]).utf8)
        case .uint32(let v): out += Array(String(v[row]).utf8)
        case .float64(let v): out += Array(TextForms.formatDouble(v[row]).utf8)
        case .timestamp(let v): TextForms.appendJSONString(Array(TextForms.formatTimestamp(v[row]).utf8), to: &out)
        case .ipv4(let v): TextForms.appendJSONString(Array(TextForms.formatIPv4(v[row]).utf8), to: &out)
        case .ipv6(let v): TextForms.appendJSONString(Array(TextForms.formatIP(v[row]).utf8), to: &out)
        case .string(let v):
            if field.hint == .json { out += v[row] } else { TextForms.appendJSONString(v[row], to: &out) }
        case .binary(let v): TextForms.appendJSONString(Array(TextForms.base64(v[row]).utf8), to: &out)
        }
    }

    /// Value `row` as plain text (CSV and table cells): the column's text form
    /// (`ColumnVector.text(at:)`), nulls empty.
    public static func text(_ column: ColumnVector, _ field: Field, _ row: Int) -> String {
        column.text(at: row) ?? ""
    }

    /// Appends rows `rows` of `batch` as NDJSON lines.
    public static func appendNDJSON(_ batch: RecordBatch, rows: Range<Int>, to out: inout [UInt8]) {
        let fields = batch.schema.fields
        let keys = fields.map { f -> [UInt8] in
            var k: [UInt8] = []
            TextForms.appendJSONString(Array(f.name.utf8), to: &k)
            k.append(0x3A)
            return k
        }
        for row in rows {
            out.append(0x7B)
            var first = true
            for (c, column) in batch.columns.enumerated() where !column.isNull(row) {
                if !first { out.append(0x2C) }
                first = false
                out += keys[c]
                appendJSON(column, fields[c], row, to: &out)
            }
            out += [0x7D, 0x0A]
        }
    }

    /// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote, a CR
    /// or LF (alone or as CRLF), or starts or ends with a space or tab (which readers trim).
    /// Checked per Unicode scalar: "\r\n" is one Swift Character, and a quote followed by a
    /// combining mark is another, so Character tests would miss them.
    public static func csvField(_ s: String) -> String {
        let scalars = s.unicodeScalars
        let special = scalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        let padded = scalars.first.map { $0 == " " || $0 == "\t" } == true || scalars.last.map { $0 == " " || $0 == "\t" } == true
        guard special || padded else { return s }
        var out = String.UnicodeScalarView()
        out.append("\"")
        for c in scalars {
            out.append(c)
            if c == "\"" { out.append("\"") }
        }
        out.append("\"")
        return String(out)
    }

    /// A cell for a terminal (`--format table`, `sift inspect`): logged text is written by
    /// attackers, so C0 controls, DEL, C1 controls and the bidirectional overrides and isolates
    /// are shown as escapes (`\x1b`, `\r`, `\n`, `\t`, `\u{202e}`) instead of reaching the
    /// terminal, a backslash is doubled so escapes stay unambiguous, and with `maxWidth` a
    /// longer cell is cut to that many characters ending in "…".
    public static func terminalCell(_ s: String, maxWidth: Int? = nil) -> String {
        var pieces: [String] = []
        for c in s {
            var piece = ""
            for u in c.unicodeScalars {
                switch u.value {
                case 0x0A: piece += "\\n"
                case 0x0D: piece += "\\r"
                case 0x09: piece += "\\t"
                case 0x5C: piece += "\\\\"
                case 0..<0x20, 0x7F: piece += "\\x" + hex2(u.value)
                case 0x80...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                    piece += "\\u{" + String(u.value, radix: 16) + "}"
                default: piece.unicodeScalars.append(u)
                }
            }
            pieces.append(piece)
        }
        let total = pieces.reduce(0) { $0 + $1.count }
        guard let maxWidth, total > maxWidth else { return pieces.joined() }
        // Whole pieces only (an escape is never cut in half), then the marker.
        var out = "", width = 0
        for piece in pieces {
            guard width + piece.count <= maxWidth - 1 else { break }
            out += piece
            width += piece.count
        }
        return out + "…"
    }

    private static func hex2(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(v >> 4)], digits[Int(v & 15)]])
    }
}
