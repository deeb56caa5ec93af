import SiftFormat
import SiftIndex
import SiftNDJSON

/// Tables from and of NDJSON files, in one call each.
///
/// ```swift
/// let table = try Table.create(at: "conn", inferringFrom: "sample.ndjson", partitionBy: ["date(ts)"],
///                              clusterBy: try ClusteringSpec(parsing: "hilbert:src_ip,dst_ip"))
/// try table.append(ndjsonFile: "day1.ndjson")
/// ```
extension Table {
    /// Creates a table whose schema is inferred from an NDJSON sample (which is not appended).
    /// - Parameters:
    ///   - root: the table's folder; created if missing, and must not hold a table already.
    ///   - sample: an NDJSON file whose lines show every column's type.
    ///   - partitionBy: partition expressions in folder order (a column, or `date(column)`).
    ///   - clusterBy: how `optimize` orders rows, if at all.
    /// - Throws: `LineError` for a sample line that is not a JSON object; `FormatError` when
    ///   the sample cannot be read or shows no type for a column; `TableError` as ``create(at:schema:partitionBy:clusterBy:properties:store:)``.
    public static func create(at root: String, inferringFrom sample: String, partitionBy: [String] = [],
                              clusterBy: ClusteringSpec? = nil) throws -> Table {
        try create(at: root, schema: try SchemaInference.infer(ndjsonFile: sample), partitionBy: partitionBy, clusterBy: clusterBy)
    }

    /// Appends an NDJSON file's lines in one commit (all of them, or none).
    /// - Parameters:
    ///   - path: the NDJSON file (memory-mapped; gzip or zstd compressed files are recognised
    ///     by content and decompressed).
    ///   - txn: makes the append idempotent: a writer transaction already committed appends nothing.
    ///   - reject: receives each line that does not fit the schema; when nil, such a line fails
    ///     the append before anything is committed.
    /// - Returns: what was committed.
    /// - Throws: `LineError` naming the file, line and field of the first bad line (when
    ///   `reject` is nil); `FormatError` or `TableError` for I/O and commit failures.
    @discardableResult
    public func append(ndjsonFile path: String, txn: WriterTransaction? = nil, reject: ((LineError) -> Void)? = nil) throws -> AppendResult {
        do {
            return try InputFile(path: path, convertingLogs: true).withBytes { try append(ndjson: $0, txn: txn, reject: reject) }
        } catch var error as LineError {
            error.file = path
            throw error
        }
    }
}
