/// Writes a Sift file: row groups of pages, then the footer and trailer (`spec/format.md` §2).
///
/// ```swift
/// let writer = try SiftWriter(path: "conn.sift", schema: schema)
/// try writer.write(batch)      // any number of batches, of any size
/// try writer.close()           // writes the footer and renames the file into place
/// ```
/// Rows are buffered until a row group is full. The file appears under `path` only after
/// `close()`; a writer dropped without closing leaves nothing behind.
public final class SiftWriter {
    public let schema: Schema
    public let options: WriterOptions
    private let output: OutputFile
    private var pending: [ColumnVector]
    private var pendingRows = 0
    private var rowGroups: [RowGroupMetadata] = []
    private var totalRows: UInt64 = 0
    private var closed = false

    public init(path: String, schema: Schema, options: WriterOptions = WriterOptions()) throws(FormatError) {
        try options.validate()
        for name in Array(options.columnCompression.keys) + Array(options.columnEncoding.keys) where schema.index(of: name) == nil {
            throw FormatError(.invalidArgument, "option names column '\(name)', which is not in the schema")
        }
        self.schema = schema
        self.options = options
        output = try OutputFile(path: path)
        pending = schema.fields.map { ColumnVector.empty($0.type) }
        try output.write(FileLayout.header())
    }

    /// Buffers a batch, writing row groups as they fill.
    public func write(_ batch: RecordBatch) throws(FormatError) {
        precondition(!closed, "write after close")
        guard batch.schema == schema else {
            throw FormatError(.invalidArgument, "batch schema differs from the writer's schema")
        }
        var start = 0
        while start < batch.rowCount {
            let take = min(options.rowGroupRows - pendingRows, batch.rowCount - start)
            for c in pending.indices {
                let part = (start == 0 && take == batch.rowCount) ? batch.columns[c] : batch.columns[c].slice(start..<(start + take))
                if pendingRows == 0 { pending[c] = part } else { pending[c].append(contentsOf: part) }
            }
            pendingRows += take
            start += take
            if pendingRows == options.rowGroupRows { try flushRowGroup() }
        }
    }

    /// Writes the last row group, the footer and the trailer, and moves the file into place.
    public func close() throws(FormatError) {
        precondition(!closed, "close twice")
        closed = true
        if pendingRows > 0 { try flushRowGroup() }
        let metadata = FileMetadata(schema: schema, rowCount: totalRows, rowGroups: rowGroups,
                                    keyValues: options.keyValues, createdBy: options.createdBy,
                                    minorVersion: FileLayout.minorVersion)
        let footer = FooterCodec.encode(metadata)
        guard footer.count <= FormatLimits.maxFooterBytes else {
            throw FormatError(.limitExceeded, "footer of \(footer.count) bytes exceeds \(FormatLimits.maxFooterBytes); use larger row groups or pages", file: output.path)
        }
        try output.write(footer)
        try output.write(FileLayout.trailer(footerChecksum: XXHash64.hash(footer), footerLength: UInt32(footer.count)))
        try output.commit()
    }

    private func flushRowGroup() throws(FormatError) {
        var chunks: [ColumnChunkMetadata] = []
        for (c, field) in schema.fields.enumerated() {
            let column = pending[c]
            let compression = options.columnCompression[field.name] ?? options.compression
            let forced = options.columnEncoding[field.name]
            let chunkStart = output.offset
            var pages: [PageMetadata] = []
            var stats: Statistics?
            for range in pageRanges(column) {
                var encoded = PageEncoder.encode(column.slice(range), field: field, compression: compression, encoding: forced)
                guard encoded.metadata.uncompressedSize <= UInt32(FormatLimits.maxPageBytes), encoded.bytes.count - PageHeader.size <= FormatLimits.maxPageBytes else {
                    throw FormatError(.limitExceeded, "a page would exceed \(FormatLimits.maxPageBytes) bytes (a single value too large?)", file: output.path, rowGroup: rowGroups.count, column: field.name)
                }
                encoded.metadata.offset = output.offset
                try output.write(encoded.bytes)
                stats = stats.map { $0.merged(with: encoded.metadata.statistics, type: field.type) } ?? encoded.metadata.statistics
                pages.append(encoded.metadata)
            }
            chunks.append(ColumnChunkMetadata(offset: chunkStart, length: output.offset - chunkStart, statistics: stats ?? Statistics(), pages: pages))
        }
        rowGroups.append(RowGroupMetadata(rowCount: UInt64(pendingRows), columns: chunks))
        totalRows += UInt64(pendingRows)
        pendingRows = 0
        pending = schema.fields.map { ColumnVector.empty($0.type) }
    }

    /// Cuts a column into pages of `pageRows` rows, earlier for variable-width values past
    /// `pageBytes`.
    private func pageRanges(_ column: ColumnVector) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        let n = column.count
        switch column.values {
        case .string(let v), .binary(let v):
            while start < n {
                var end = start
                let limit = min(n, start + options.pageRows)
                while end < limit, end == start || Int(v.offsets[end + 1] - v.offsets[start]) <= options.pageBytes { end += 1 }
                ranges.append(start..<end)
                start = end
            }
        default:
            while start < n {
                let end = min(n, start + options.pageRows)
                ranges.append(start..<end)
                start = end
            }
        }
        return ranges
    }
}
