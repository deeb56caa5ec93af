/// Writes rows of a record batch as text: NDJSON, CSV or an aligned table.
///
/// NDJSON output round-trips through `sift write`: IPs as text, timestamps as ISO-8601 UTC with
/// microseconds, binary as base64, json-hinted strings as their JSON text. Null values are
/// left out of NDJSON objects (absent and null mean the same to `sift write`).
public enum RowFormatter {
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

    /// Value `row` as plain text (CSV and table cells): strings unquoted, nulls empty.
    public static func text(_ column: ColumnVector, _ field: Field, _ row: Int) -> String {
        if column.isNull(row) { return "" }
        switch column.values {
        case .string(let v): return v.string(at: row)
        case .timestamp(let v): return TextForms.formatTimestamp(v[row])
        case .ipv4(let v): return TextForms.formatIPv4(v[row])
        case .ipv6(let v): return TextForms.formatIP(v[row])
        case .float64(let v): return v[row].description
        default:
            var out: [UInt8] = []
            appendJSON(column, field, row, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
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

    /// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
    public static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
