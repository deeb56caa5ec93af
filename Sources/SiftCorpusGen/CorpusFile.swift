import Foundation
import SiftFormat
import SiftNDJSON

/// One conformance file and what a reader must make of it.
struct CorpusEntry {
    var name: String
    var description: String
    var bytes: [UInt8]
    /// For valid files: the schema and rows a reader must return.
    var schema: Schema?
    var rows: [[String]]?
    /// Encodings each column's pages must use (checks the file covers what it claims).
    var encodings: [String: [String]]?
    /// For invalid files: the error code (spec/format.md §12) a reader must report.
    var error: String?
    /// For invalid files: the first step of `spec/format.md` §13 that finds the fault: "open"
    /// (trailer and footer), "read" (a full read: every page index and page, in order) or
    /// "verify" (only verification: the header, bloom filters, statistics against values).
    var foundBy: String?
    /// Bloom filter probes: row group, column, key bytes (hex) and whether the filter must
    /// answer "may contain" (inserted keys) or "no" (keys this filter is known to reject).
    var bloomProbes: [(Int, String, String, Bool)] = []
    /// Page bloom filter probes (§7.7): row group, column, page, key bytes (hex) and whether
    /// that page's filter must answer "may contain".
    var pageBloomProbes: [(Int, String, Int, String, Bool)] = []
    /// Column -> each row group's page distinct counts, when the file records them.
    var pageDistinctCounts: [String: [[Int]]]?

    /// The expectation as JSON text. Rows are written in `sift cat`'s exact text forms, one row
    /// per line, so values such as -0.0 keep their sign (a JSON library would print 0).
    func expectation() throws -> String {
        func text(_ value: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
        }
        var parts = ["  \"file\": \(try text(name + ".sift"))", "  \"description\": \(try text(description))", "  \"valid\": \(error == nil)"]
        if let error { parts.append("  \"error\": \(try text(error))") }
        if let foundBy { parts.append("  \"found_by\": \(try text(foundBy))") }
        if let schema {
            let cols = try schema.fields.map { f -> String in
                var c: [String: Any] = ["name": f.name, "type": f.type.name, "nullable": f.nullable]
                if f.hint != .none { c["hint"] = f.hint.name }
                return "    " + (try text(c))
            }
            parts.append("  \"schema\": [\n" + cols.joined(separator: ",\n") + "\n  ]")
        }
        if let encodings { parts.append("  \"encodings\": \(try text(encodings))") }
        if let pageDistinctCounts { parts.append("  \"page_distinct_counts\": \(try text(pageDistinctCounts))") }
        if !bloomProbes.isEmpty {
            let lines = try bloomProbes.map { g, c, key, present in
                "    " + (try text(["row_group": g, "column": c, "key_hex": key, "may_contain": present] as [String: Any]))
            }
            parts.append("  \"bloom_probes\": [\n" + lines.joined(separator: ",\n") + "\n  ]")
        }
        if !pageBloomProbes.isEmpty {
            let lines = try pageBloomProbes.map { g, c, page, key, present in
                "    " + (try text(["row_group": g, "column": c, "page": page, "key_hex": key, "may_contain": present] as [String: Any]))
            }
            parts.append("  \"page_bloom_probes\": [\n" + lines.joined(separator: ",\n") + "\n  ]")
        }
        if let rows {
            parts.append("  \"row_count\": \(rows.count)")
            parts.append("  \"rows\": [" + (rows.isEmpty ? "" : "\n" + rows.map { "    [" + $0.joined(separator: ", ") + "]" }.joined(separator: ",\n") + "\n  ") + "]")
        }
        return "{\n" + parts.joined(separator: ",\n") + "\n}\n"
    }
}

/// Rows of a batch as JSON value texts in `sift cat`'s forms, with explicit nulls.
func jsonRows(_ batches: [RecordBatch]) -> [[String]] {
    var rows: [[String]] = []
    for batch in batches {
        for r in 0..<batch.rowCount {
            rows.append(batch.columns.enumerated().map { c, column -> String in
                if column.isNull(r) { return "null" }
                var out: [UInt8] = []
                RowFormatter.appendJSON(column, batch.schema.fields[c], r, to: &out)
                return String(decoding: out, as: UTF8.self)
            })
        }
    }
    return rows
}
