import ArgumentParser
import SiftArrow
import SiftFormat
import SiftNDJSON

/// How `cat`, `query` and `hunt` print rows: text for people and scripts, or an Arrow IPC
/// stream for pyarrow, DuckDB and Polars (`spec/arrow.md` §6).
enum OutputFormat: String, CaseIterable {
    case ndjson, csv, table, arrow

    /// Parses `--format`, naming the choices when it is not one of them.
    init(option text: String) throws {
        guard let format = OutputFormat(rawValue: text) else {
            throw ValidationError("--format must be \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
        }
        self = format
    }

    /// The help text of `--format`.
    static let help = "ndjson, csv, table, or arrow (an Arrow IPC stream on standard output)."
    /// The help text of `--wide`.
    static let wideHelp: ArgumentHelp = "With --format table: show whole cells (they are cut at \(RowPrinter.defaultCellWidth) characters with '…' otherwise; control characters are always shown as escapes)."
}

/// Prints batches of rows as NDJSON, CSV, an aligned table or an Arrow IPC stream, up to a
/// limit (`cat`, `query`, `hunt`).
struct RowPrinter {
    let format: OutputFormat
    let fields: [Field]
    private var remaining: Int
    private var out = StandardOutput()
    private var tableRows: [[String]] = []
    private var ipc: ArrowIPCStreamWriter?

    /// Widest table cell (`--format table`); nil with `--wide`.
    var maxCellWidth: Int? = RowPrinter.defaultCellWidth
    static let defaultCellWidth = 64

    init(format: OutputFormat, fields: [Field], limit: Int?, wide: Bool = false, ips: IPForm = .extension) throws {
        self.format = format
        if wide { maxCellWidth = nil }
        self.fields = fields
        remaining = limit ?? Int.max
        if format == .csv { out.write(fields.map { RowFormatter.csvField($0.name) }.joined(separator: ",") + "\n") }
        if format == .arrow {
            let writer = ArrowIPCStreamWriter(schema: try Schema(fields), ips: ips)
            out.write(writer.schemaMessage())
            ipc = writer
        }
    }

    /// Prints a batch; false once the limit is reached.
    mutating func print(_ batch: RecordBatch) -> Bool {
        let rows = 0..<min(batch.rowCount, remaining)
        remaining -= rows.count
        switch format {
        case .arrow:
            let part = rows.count == batch.rowCount ? batch : (try? RecordBatch(schema: batch.schema, columns: batch.columns.map { $0.slice(rows) })) ?? batch
            for piece in ArrowBatchSplitter.pieces(part) where piece.rowCount > 0 { out.write(ipc!.batchMessage(piece)) }
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
        if format == .table { out.write(renderTable(header: fields.map(\.name), rows: tableRows, maxCellWidth: maxCellWidth)) }
        if format == .arrow { out.write(ArrowIPCStreamWriter.endOfStream) }
        out.flush()
    }
}

/// Columns padded to their widest cell, with a rule under the header. Every cell and name is
/// made safe for a terminal first (`RowFormatter.terminalCell`: control characters and
/// bidirectional overrides as visible escapes) and, with `maxCellWidth`, cut with "…".
func renderTable(header: [String], rows: [[String]], maxCellWidth: Int? = nil) -> String {
    let header = header.map { RowFormatter.terminalCell($0, maxWidth: maxCellWidth) }
    let rows = rows.map { $0.map { RowFormatter.terminalCell($0, maxWidth: maxCellWidth) } }
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }.joined(separator: "  ") + "\n"
    }
    return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
}
