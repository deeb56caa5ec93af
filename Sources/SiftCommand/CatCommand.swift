import ArgumentParser
import SiftFormat

struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the rows of a Sift file as NDJSON, CSV or a table.",
        discussion: """
        NDJSON output round-trips through `sift write`: IPs as text, timestamps as ISO-8601 UTC
        with microseconds, binary as base64, JSON columns as JSON. Nulls are left out of NDJSON.

        Example:
          sift cat conn.sift --columns ts,src_ip,dst_ip --limit 10 --format table
        """
    )

    @Argument(help: "The Sift file.")
    var file: String

    @Option(name: .long, help: "Comma-separated columns to print (default: all).")
    var columns: String?

    @Option(name: .long, help: "Print at most this many rows.")
    var limit: Int?

    @Option(name: .long, help: "ndjson, csv or table.")
    var format: String = "ndjson"

    func run() throws {
        guard let format = RowFormatter.Format(rawValue: format) else {
            throw ValidationError("--format must be ndjson, csv or table")
        }
        let reader = try SiftReader(path: file)
        var indices = Array(reader.schema.fields.indices)
        if let columns {
            indices = try columns.split(separator: ",").map { name in
                guard let i = reader.schema.index(of: String(name)) else {
                    throw ValidationError("no column '\(name)' in \(file); it has: \(reader.schema.fields.map(\.name).joined(separator: ", "))")
                }
                return i
            }
        }
        let fields = indices.map { reader.schema.fields[$0] }
        let projected = try Schema(fields)
        var remaining = limit ?? Int.max
        var out = StandardOutput()
        var tableRows: [[String]] = []
        if format == .csv { out.write(fields.map { RowFormatter.csvField($0.name) }.joined(separator: ",") + "\n") }
        for g in reader.metadata.rowGroups.indices where remaining > 0 {
            let batch = try RecordBatch(schema: projected, columns: indices.map { try reader.readColumn(rowGroup: g, column: $0) })
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
        }
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
