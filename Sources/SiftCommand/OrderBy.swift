import ArgumentParser
import SiftFormat
import SiftScan

/// `--order-by`: the column rows are printed in order of, and the direction (`cat`, `query`,
/// `hunt`). Ordering reads every matching row before printing (keeping only `--limit` of them
/// when one is given); `none` prints rows as the scan finds them, and a `--limit` then stops
/// the scan early.
struct OrderBy: Equatable {
    let column: String
    let descending: Bool

    /// The help text of `--order-by`.
    static func help(default text: String) -> ArgumentHelp {
        ArgumentHelp("Print rows in order of this column: COL, 'COL desc', or none (as found, stopping early at --limit). Nulls come last. Default: \(text).", valueName: "COL [desc]")
    }

    /// Parses `--order-by` ("COL", "COL asc", "COL desc", "none"); nil text takes `fallback`.
    static func parse(_ text: String?, fallback: String?) throws -> OrderBy? {
        guard let text = text ?? fallback else { return nil }
        let words = text.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init)
        if words.count == 1, words[0].lowercased() == "none" { return nil }
        guard let column = words.first, words.count <= 2 else { throw ValidationError("--order-by takes COL, 'COL desc' or none, not '\(text)'") }
        let direction = words.count == 2 ? words[1].lowercased() : "asc"
        guard direction == "asc" || direction == "desc" else { throw ValidationError("--order-by: '\(words[1])' is not asc or desc") }
        return OrderBy(column: column, descending: direction == "desc")
    }

    /// The time column rows default to being ordered by: `ts` if it is a timestamp, else the
    /// first timestamp column; nil when there is none.
    static func timeColumn(of schema: Schema) -> String? {
        if let i = schema.index(of: "ts"), schema.fields[i].type == .timestamp { return "ts" }
        return schema.fields.first { $0.type == .timestamp }?.name
    }

    /// A top-k (or full) ordering of rows of `schema`, checking the column exists.
    func sorter(schema: Schema, limit: Int?) throws -> RowOrder {
        guard schema.index(of: column) != nil else {
            throw ValidationError("--order-by: no column '\(column)'; the rows have \(schema.fields.map(\.name).joined(separator: ", "))")
        }
        return try RowOrder(by: column, descending: descending, limit: limit, schema: schema)
    }
}

extension RecordBatch {
    /// The batch without the columns named in `names` (a sort column the user did not ask for).
    func dropping(_ names: Set<String>) throws -> RecordBatch {
        guard !names.isEmpty else { return self }
        let keep = schema.fields.indices.filter { !names.contains(schema.fields[$0].name) }
        return try RecordBatch(schema: try Schema(keep.map { schema.fields[$0] }), columns: keep.map { columns[$0] })
    }
}
