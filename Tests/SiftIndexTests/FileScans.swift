import SiftFormat
import SiftIndex
import SiftScan

/// Files the index tests write and scan: one batch into one file; one predicate, every column
/// projected.
enum FileScans {
    /// Writes `batch` as the file `path` with `options`.
    static func write(_ batch: RecordBatch, to path: String, options: WriterOptions) throws {
        let writer = try SiftWriter(path: path, schema: batch.schema, options: options)
        try writer.write(batch)
        try writer.close()
    }

    /// The values of int64 column `column` in every row of `path` that `text` accepts, and what
    /// the scan skipped.
    static func int64s(_ path: String, where text: String, schema: Schema, column: Int) throws -> ([Int64], SkipLedger) {
        var rows: [Int64] = []
        let ledger = try Scanner(reader: try SiftReader(path: path), predicate: try RowPredicate.parse(text).bind(to: schema),
                                 columns: Array(schema.fields.indices)).scan { batch in
            if case .int64(let v) = batch.columns[column].values { rows += v }
            return true
        }
        return (rows, ledger)
    }
}
