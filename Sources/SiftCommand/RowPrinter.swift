import SiftFormat

/// Prints batches of rows as NDJSON, CSV or an aligned table, up to a limit (`cat`, `query`).
struct RowPrinter {
    let format: RowFormatter.Format
    let fields: [Field]
    private var remaining: Int
    private var out = StandardOutput()
    private var tableRows: [[String]] = []

    init(format: RowFormatter.Format, fields: [Field], limit: Int?) {
        self.format = format
        self.fields = fields
        remaining = limit ?? Int.max
        if format == .csv { out.write(fields.map { RowFormatter.csvField($0.name) }.joined(separator: ",") + "\n") }
    }

    /// Prints a batch; false once the limit is reached.
    mutating func print(_ batch: RecordBatch) -> Bool {
        let rows = 0..<min(batch.rowCount, remaining)
        remaining -= rows.count
        switch format {
        case .ndjson:
            var bytes: [UInt8] = []
            RowFormatter.appendNDJSON(batch, rows: rows, to: &bytes)
            out.write(bytes)
        case .csv:
            for r in rows {
                out.write(batch.columns.indices.map { RowFormatter.csvField(RowFormatter.text(batch.columns[$0], fields[$0], r)) }.joined(separator: ",") + "\n")
            }
        case .table:
            for r in rows { tableRows.append(batch.columns.indices.map { RowFormatter.text(batch.columns[$0], fields[$0], r) }) }
        }
        return remaining > 0
    }

    mutating func finish() {
        if format == .table { out.write(renderTable(header: fields.map(\.name), rows: tableRows)) }
        out.flush()
    }
}

/// Columns padded to their widest cell, with a rule under the header.
func renderTable(header: [String], rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }.joined(separator: "  ") + "\n"
    }
    return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
}
