import Dispatch
import SiftPlatform

/// Writes a Sift file: row groups of pages, then the footer and trailer (`spec/format.md` §2).
///
/// ```swift
/// let writer = try SiftWriter(path: "conn.sift", schema: schema)
/// try writer.write(batch)      // any number of batches, of any size
/// try writer.close()           // writes the footer and renames the file into place
/// ```
/// Rows are buffered until a row group is full. The file appears under `path` only after
/// `close()`; a writer dropped without closing leaves nothing behind, and says so on standard
/// error when it had rows and no error happened (rows lost to a forgotten `close()` are not
/// lost silently). ``write(to:schema:options:fileSystem:_:)`` closes for you; ``discard()`` abandons a
/// file on purpose.
public final class SiftWriter {
    /// The columns every batch must have.
    public let schema: Schema
    /// Sizes, codecs, encodings and bloom filters of the file.
    public let options: WriterOptions
    private let output: OutputFile
    private var pending: [ColumnVector]
    private var pendingRows = 0
    private var rowGroups: [RowGroupMetadata] = []
    private var totalRows: UInt64 = 0
    private var closed = false
    /// Set when the caller gave up on the file (``discard()``) or a write failed: a writer
    /// dropped then is expected to leave nothing, and says nothing.
    private var abandoned = false
    /// The keys of every bloom filter written, by column, when collecting
    /// (``collectBloomKeys()``): what the table index holds of the file.
    package private(set) var fileBloomKeys: [Int: Set<UInt64>]?

    /// Collects the keys of the bloom filters of every row group written from now on.
    package func collectBloomKeys() { if fileBloomKeys == nil { fileBloomKeys = [:] } }

    /// The file's minor version (§15): 1 when it has page bloom filters, else 0.
    private let minorVersion: UInt8

    /// The footer as written, once `close()` has succeeded (the table layer records its
    /// statistics in the log).
    public private(set) var writtenMetadata: FileMetadata?

    /// Starts a file at `path` (written under a temporary name until ``close()``).
    /// - Parameters:
    ///   - path: where the file appears once closed; an existing file there is replaced.
    ///   - schema: the columns every batch must have.
    ///   - options: row group and page sizes, codecs, encodings, bloom filters.
    ///   - fileSystem: where the bytes go (the local file system unless a test injects faults).
    /// - Throws: `FormatError` for invalid options or when the temporary file cannot be created.
    public init(path: String, schema: Schema, options: WriterOptions = WriterOptions(),
                fileSystem: any FileSystem = LocalFileSystem()) throws(FormatError) {
        try options.validate()
        for name in Array(options.columnCompression.keys) + Array(options.columnEncoding.keys) + Array(options.bloomFilterColumns ?? []) + Array(options.pageBloomFilterColumns ?? []) where schema.index(of: name) == nil {
            throw FormatError(.invalidArgument, "option names column '\(name)', which is not in the schema")
        }
        self.schema = schema
        self.options = options
        output = try OutputFile(path: path, fileSystem: fileSystem)
        pending = schema.fields.map { ColumnVector.empty($0.type) }
        // 1.1 only when a 1.1 feature is used, so files without page bloom filters stay 1.0.
        minorVersion = schema.fields.contains(where: options.wantsPageBloomFilters) ? 1 : 0
        try output.write(FileLayout.header(minorVersion: minorVersion))
    }

    /// Writes a file in one call: `body` writes batches, then the file is closed (and moved
    /// into place). If `body` throws, nothing is left under `path`.
    /// - Returns: the footer as written.
    /// - Throws: `body`'s error, or `FormatError` from writing.
    ///
    /// ```swift
    /// let metadata = try SiftWriter.write(to: "conn.sift", schema: schema) { writer in
    ///     for batch in batches { try writer.write(batch) }
    /// }
    /// ```
    @discardableResult
    public static func write(to path: String, schema: Schema, options: WriterOptions = WriterOptions(),
                             fileSystem: any FileSystem = LocalFileSystem(), _ body: (SiftWriter) throws -> Void) throws -> FileMetadata {
        let writer = try SiftWriter(path: path, schema: schema, options: options, fileSystem: fileSystem)
        do {
            try body(writer)
        } catch {
            writer.discard()
            throw error
        }
        try writer.close()
        return writer.writtenMetadata!
    }

    deinit {
        guard !closed, !abandoned, totalRows + UInt64(pendingRows) > 0 else { return }
        let message = "sift: a SiftWriter for \(output.path) was released without close(): its \(totalRows + UInt64(pendingRows)) rows were not written\n"
        StandardStreams.writeError(message)
    }

    /// Abandons the file: nothing will appear under `path` (the partial file is removed when
    /// the writer is released), and no warning is printed.
    public func discard() { abandoned = true }

    /// Buffers a batch, writing row groups as they fill.
    public func write(_ batch: RecordBatch) throws(FormatError) {
        precondition(!closed, "write after close")
        guard batch.schema == schema else {
            throw FormatError(.invalidArgument, "batch schema differs from the writer's schema")
        }
        do { try writeRows(batch) } catch {
            abandoned = true
            throw error
        }
    }

    private func writeRows(_ batch: RecordBatch) throws(FormatError) {
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
        do { try finishFile() } catch {
            abandoned = true
            throw error
        }
    }

    private func finishFile() throws(FormatError) {
        if pendingRows > 0 { try flushRowGroup() }
        closed = true
        let metadata = FileMetadata(schema: schema, rowCount: totalRows, rowGroups: rowGroups,
                                    keyValues: options.keyValues, createdBy: options.createdBy,
                                    minorVersion: minorVersion)
        let footer = FooterCodec.encode(metadata)
        guard footer.count <= FormatLimits.maxFooterBytes else {
            throw FormatError(.limitExceeded, "footer of \(footer.count) bytes exceeds \(FormatLimits.maxFooterBytes); use larger row groups or pages", file: output.path)
        }
        try output.write(footer)
        try output.write(FileLayout.trailer(footerChecksum: Checksum.hash(footer), footerLength: UInt32(footer.count), minorVersion: minorVersion))
        try output.commit()
        writtenMetadata = metadata
    }

    /// Appends a row group encoded with ``encodeRowGroup(_:options:)``, typically on
    /// another thread. Row groups appear in the file in the order they are appended.
    public func append(_ group: EncodedRowGroup) throws(FormatError) {
        precondition(!closed, "append after close")
        precondition(pendingRows == 0, "append while rows are buffered: call write() or append(), not both")
        let base = output.offset
        try output.write(group.bytes)
        var metadata = group.metadata
        for c in metadata.columns.indices {
            metadata.columns[c].offset += base
            metadata.columns[c].pageIndex?.offset += base
            metadata.columns[c].bloomFilter?.offset += base
            metadata.columns[c].pageBloomFilters?.offset += base
        }
        rowGroups.append(metadata)
        totalRows += metadata.rowCount
        if fileBloomKeys != nil {
            for (c, keys) in group.bloomKeys { fileBloomKeys![c, default: []].formUnion(keys) }
        }
    }

    private func flushRowGroup() throws(FormatError) {
        let batch: RecordBatch
        do { batch = try RecordBatch(schema: schema, columns: pending) } catch { throw error.located(file: output.path) }
        let group: EncodedRowGroup
        do { group = try Self.encodeRowGroup(batch, options: options) } catch {
            throw error.located(file: output.path, rowGroup: rowGroups.count)
        }
        pendingRows = 0
        pending = schema.fields.map { ColumnVector.empty($0.type) }
        try append(group)
    }

    /// Encodes a batch as one row group in memory, its columns in parallel. Thread-safe: any
    /// number of row groups can be encoded at once and appended in order.
    public static func encodeRowGroup(_ batch: RecordBatch, options: WriterOptions) throws(FormatError) -> EncodedRowGroup {
        let fields = batch.schema.fields
        let results = ParallelResults<Result<([UInt8], [PageMetadata], Statistics), FormatError>>(count: fields.count)
        let blooms = ParallelResults<(BloomFilter, BloomFilterLocation, Int, [UInt64])>(count: fields.count)
        let pageBlooms = ParallelResults<([UInt8], PageBloomLocation)>(count: fields.count)
        SharedParallel.forEach(fields.count) { c in
            let chunk = Result { () throws(FormatError) in try encodeChunk(batch.columns[c], field: fields[c], options: options) }
            results[c] = chunk
            if options.wantsBloomFilter(fields[c]) {
                blooms[c] = buildBloomFilter(batch.columns[c], field: fields[c], fpp: options.bloomFilterFPP, contents: options.bloomContents(fields[c]))
            }
            if options.wantsPageBloomFilters(fields[c]), case .success(let (_, pages, _)) = chunk {
                pageBlooms[c] = buildPageBloomFilters(batch.columns[c], pages: pages, field: fields[c], options: options)
            }
        }
        var bytes: [UInt8] = []
        var chunks: [ColumnChunkMetadata] = []
        for c in fields.indices {
            var (chunkBytes, pages, stats) = try results[c]!.get()
            let start = UInt64(bytes.count)
            // Exact with a bloom filter (its distinct values were hashed); otherwise the largest
            // page's count, a lower bound.
            if let (_, _, distinct, _) = blooms[c] { stats.distinctCount = UInt64(distinct) }
            // Pages are not kept in the footer: they go to the chunk's page index below.
            chunks.append(ColumnChunkMetadata(offset: start, length: UInt64(chunkBytes.count), statistics: stats, pages: pages))
            bytes += chunkBytes
        }
        // Page indexes follow the column chunks (spec §10.5), offsets relative to each chunk.
        for c in fields.indices {
            let index = FooterCodec.encodePageIndex(chunks[c].pages, chunkOffset: 0)
            chunks[c].pageIndex = PageIndexLocation(offset: UInt64(bytes.count), length: UInt32(index.count), pageCount: UInt32(chunks[c].pages.count), checksum: Checksum.hash(index))
            chunks[c].pages = []
            bytes += index
        }
        // Bloom filters follow the row group's column chunks (spec §7.5).
        var bloomKeys: [Int: [UInt64]] = [:]
        for c in fields.indices {
            guard let (filter, location, _, keys) = blooms[c] else { continue }
            bloomKeys[c] = keys
            chunks[c].bloomFilter = location
            chunks[c].bloomFilter!.offset = UInt64(bytes.count)
            let filterBytes = filter.bytes
            bytes += filterBytes
            bytes += BloomFilter.segmentChecksums(filterBytes)
        }
        // Page bloom filters after those (§7.7).
        for c in fields.indices {
            guard let (filterBytes, location) = pageBlooms[c] else { continue }
            chunks[c].pageBloomFilters = location
            chunks[c].pageBloomFilters!.offset = UInt64(bytes.count)
            bytes += filterBytes
        }
        return EncodedRowGroup(bytes: bytes, metadata: RowGroupMetadata(rowCount: UInt64(batch.rowCount), columns: chunks), bloomKeys: bloomKeys)
    }

    /// The bloom filter of one column chunk holding `contents`, its footer entry (offset to be
    /// set), the number of distinct values, and the keys inserted other than trigrams: what the
    /// table index holds.
    static func buildBloomFilter(_ column: ColumnVector, field: Field, fpp: Double, contents: BloomKeys.Contents) -> (BloomFilter, BloomFilterLocation, Int, [UInt64]) {
        let (keys, distinctValues, trigramKeys) = BloomKeys.hashes(column, field: field, contents: contents)
        let all = keys + trigramKeys
        var filter = BloomFilter(distinct: all.count, fpp: fpp)
        filter.insert(hashes: all)
        let bytes = filter.bytes
        let location = BloomFilterLocation(offset: 0, length: UInt32(bytes.count), keyCount: UInt64(all.count),
                                           targetFPPPerMillion: UInt32((fpp * 1_000_000).rounded()), contents: contents,
                                           checksum: Checksum.hash(bytes))
        return (filter, location, distinctValues, keys)
    }

    /// The page bloom filters of one column chunk (§7.7): each page's distinct values and domain
    /// suffixes (no trigrams: a page's filter is for equality and suffix needles), page by page
    /// as ``encodeChunk(_:field:options:)`` cut them (`pages`); the footer entry's offset is set
    /// by the caller.
    static func buildPageBloomFilters(_ column: ColumnVector, pages: [PageMetadata], field: Field, options: WriterOptions) -> ([UInt8], PageBloomLocation) {
        let contents = options.bloomContents(field, trigrams: false)
        var start = 0
        let pageKeys = pages.map { page in
            let range = start..<(start + Int(page.rowCount))
            start = range.upperBound
            return BloomKeys.hashes(range.count == column.count ? column : column.slice(range), field: field, contents: contents).keys
        }
        let (bytes, blocks, maxKeys) = PageBloomFilters.build(pageKeys: pageKeys, fpp: options.bloomFilterFPP)
        let location = PageBloomLocation(offset: 0, length: UInt32(bytes.count), blocksPerPage: UInt32(blocks), maxKeyCount: UInt64(maxKeys),
                                         targetFPPPerMillion: UInt32((options.bloomFilterFPP * 1_000_000).rounded()), contents: contents,
                                         checksum: Checksum.hash(bytes))
        return (bytes, location)
    }

    /// One column chunk: its bytes, its pages (offsets relative to the chunk) and statistics.
    static func encodeChunk(_ column: ColumnVector, field: Field, options: WriterOptions) throws(FormatError) -> ([UInt8], [PageMetadata], Statistics) {
        let compression = options.columnCompression[field.name] ?? options.compression
        let forced = options.columnEncoding[field.name]
        var bytes: [UInt8] = []
        var pages: [PageMetadata] = []
        var stats: Statistics?
        for range in pageRanges(column, options: options) {
            var encoded = PageEncoder.encode(range.count == column.count ? column : column.slice(range), field: field, compression: compression, encoding: forced,
                                             distinctCount: options.pageDistinctCounts)
            guard encoded.metadata.uncompressedSize <= UInt32(FormatLimits.maxPageBytes), encoded.bytes.count - PageHeader.size <= FormatLimits.maxPageBytes else {
                throw FormatError(.limitExceeded, "a page would exceed \(FormatLimits.maxPageBytes) bytes (a single value too large?)", column: field.name)
            }
            encoded.metadata.offset = UInt64(bytes.count)
            bytes += encoded.bytes
            stats = stats.map { $0.merged(with: encoded.metadata.statistics, type: field.type) } ?? encoded.metadata.statistics
            pages.append(encoded.metadata)
        }
        return (bytes, pages, stats ?? Statistics())
    }

    /// Cuts a column into pages of `pageRows` rows, earlier for variable-width values past
    /// `pageBytes`.
    static func pageRanges(_ column: ColumnVector, options: WriterOptions) -> [Range<Int>] {
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

/// A row group encoded in memory, not yet placed in a file: offsets are relative to `bytes`.
public struct EncodedRowGroup: Sendable {
    /// The row group's pages (and bloom filters and page index), as they go into the file.
    public var bytes: [UInt8]
    /// The row group's footer entry (offsets relative to its start until appended).
    public var metadata: RowGroupMetadata
    /// The keys each bloom filter holds, by column (for the table index: they are hashed once).
    package var bloomKeys: [Int: [UInt64]] = [:]
}
