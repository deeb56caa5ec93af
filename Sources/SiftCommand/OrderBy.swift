import ArgumentParser
import SiftFormat
import SiftArrow
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

}

/// Prints rows in the order `--order-by` asks (`cat`, `query`, `hunt`): through a top-k
/// (`RowOrder`) when ordering, straight to the printer otherwise, where a `--limit` then stops
/// the scan. Columns in `hidden` (read only to order by) are not printed.
struct OrderedPrinter {
    private var printer: RowPrinter
    private var sorter: RowOrder?
    private let hidden: Set<String>

    /// The output format.
    var format: OutputFormat { printer.format }

    /// A printer of rows of `schema`, checking the order column exists.
    init(format: OutputFormat, schema: Schema, order: OrderBy?, hidden: Set<String> = [], limit: Int?, wide: Bool, ips: IPForm = .extension) throws {
        if let order {
            guard schema.index(of: order.column) != nil else {
                throw ValidationError("--order-by: no column '\(order.column)'; the rows have \(schema.fields.map(\.name).joined(separator: ", "))")
            }
            sorter = try RowOrder(by: order.column, descending: order.descending, limit: limit, schema: schema)
        }
        self.hidden = hidden
        printer = try RowPrinter(format: format, fields: schema.fields.filter { !hidden.contains($0.name) }, limit: order == nil ? limit : nil, wide: wide, ips: ips)
    }

    /// Takes a batch; false once the limit is reached (never while ordering: every row counts).
    mutating func print(_ batch: RecordBatch) throws -> Bool {
        if sorter != nil { try sorter!.add(batch); return true }
        return printer.print(try batch.dropping(hidden))
    }

    /// Prints the ordered rows, if ordering, and ends the output.
    mutating func finish() throws {
        if let sorter { _ = printer.print(try sorter.result().dropping(hidden)) }
        printer.finish()
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
