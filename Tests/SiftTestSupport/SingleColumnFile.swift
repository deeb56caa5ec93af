import SiftFormat

/// A Sift file of one column, `v` (nullable), for tests of what one column's pages hold.
public enum SingleColumnFile {
    /// Writes `column` as the file's only column, in one batch with `options`, and opens it.
    public static func write(_ column: ColumnVector, to path: String, options: WriterOptions = WriterOptions()) throws -> SiftReader {
        let schema = try Schema([Field("v", column.type)])
        let writer = try SiftWriter(path: path, schema: schema, options: options)
        try writer.write(RecordBatch(schema: schema, columns: [column]))
        try writer.close()
        return try SiftReader(path: path)
    }
}
