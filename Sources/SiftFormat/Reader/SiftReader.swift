import Synchronization
import SiftPlatform

/// Reads a Sift file: the metadata with two range reads (trailer, then footer), then any column
/// of any row group without touching the others (`spec/format.md` §2, §13).
///
/// ```swift
/// let reader = try SiftReader(path: "conn.sift")
/// let ports = try reader.readColumn(rowGroup: 0, column: reader.schema.index(of: "dst_port")!)
/// ```
public final class SiftReader: Sendable {
    /// Where the file's bytes come from.
    public let source: any ByteRangeSource
    /// The footer, decoded and checked when the reader was opened.
    public let metadata: FileMetadata
    /// Bytes of the footer (for accounting what a query reads).
    public let footerLength: Int
    /// Page indexes already read and checked, by (row group, column).
    private let pageCache = PageIndexCache()
    /// Bloom filter segments already read and verified.
    private let segmentCache = ByteCache<FilterPieceKey>()
    private let pageBloomRowCache = ByteCache<FilterPieceKey>()

    /// The file's columns.
    public var schema: Schema { metadata.schema }

    /// Opens a local file.
    public convenience init(path: String, fileSystem: any FileSystem = LocalFileSystem()) throws(FormatError) {
        try self.init(source: FileSource(path: path, fileSystem: fileSystem))
    }

    /// Reads and validates the trailer and footer of `source`.
    public init(source: any ByteRangeSource) throws(FormatError) {
        self.source = source
        let name = source.name
        let size = source.size
        let minimum = UInt64(FileLayout.headerSize + FileLayout.trailerSize)
        guard size >= minimum else {
            // Too short for header and trailer: say bad_magic when even the magic is wrong.
            if size >= 4, try source.read(offset: 0, length: 4) != FileLayout.magic {
                throw FormatError(.badMagic, "not a Sift file: it does not start with \"SIFT\"", file: name, offset: 0)
            }
            throw FormatError(.truncatedFile, "file of \(size) bytes is shorter than the \(minimum)-byte minimum", file: name, offset: size)
        }
        let trailerOffset = size - UInt64(FileLayout.trailerSize)
        let trailer: [UInt8]
        do { trailer = try source.read(offset: trailerOffset, length: FileLayout.trailerSize) } catch { throw error.located(file: name) }
        guard Array(trailer[16..<20]) == FileLayout.magic else {
            let head = try source.read(offset: 0, length: 4)
            if head != FileLayout.magic {
                throw FormatError(.badMagic, "not a Sift file: it does not start with \"SIFT\"", file: name, offset: 0)
            }
            throw FormatError(.truncatedFile, "the file does not end with \"SIFT\": it was cut short or its end was overwritten", file: name, offset: size - 4)
        }
        let major = trailer[12]
        let minor = trailer[13]
        guard trailer[14] == 0, trailer[15] == 0 else {
            throw FormatError(.malformedFooter, "reserved trailer bytes are not zero", file: name, offset: trailerOffset + 14)
        }
        guard major == FileLayout.majorVersion else {
            throw FormatError(.unsupportedVersion, "format version \(major).\(minor); this reader reads major version \(FileLayout.majorVersion)", file: name, offset: trailerOffset + 12)
        }
        let footerChecksum = loadLE(UInt64.self, trailer, at: 0)
        let footerLength = UInt64(loadLE(UInt32.self, trailer, at: 8))
        guard footerLength <= UInt64(FormatLimits.maxFooterBytes) else {
            throw FormatError(.limitExceeded, "footer of \(footerLength) bytes exceeds the \(FormatLimits.maxFooterBytes)-byte limit", file: name, offset: trailerOffset + 8)
        }
        guard footerLength <= trailerOffset - UInt64(FileLayout.headerSize) else {
            throw FormatError(.footerOutOfBounds, "footer length \(footerLength) reaches before the header (file is \(size) bytes)", file: name, offset: trailerOffset + 8)
        }
        let footerStart = trailerOffset - footerLength
        let footer: [UInt8]
        do { footer = try source.read(offset: footerStart, length: Int(footerLength)) } catch { throw error.located(file: name) }
        let actual = Checksum.hash(footer, 0..<footer.count)
        guard actual == footerChecksum || !checksumsEnforced else {
            throw FormatError(.footerChecksumMismatch, "footer checksum is \(hex64(actual)), the trailer says \(hex64(footerChecksum))", file: name, offset: footerStart)
        }
        do {
            metadata = try FooterCodec.decode(footer, base: footerStart, minorVersion: minor, footerStart: footerStart)
        } catch { throw error.located(file: name) }
        self.footerLength = Int(footerLength)
        // The header is checked last: its bytes are outside the two planning reads' ranges in
        // general, but verify() and the first data read cover it.
    }

    /// The pages of a column chunk (locations and zone maps), from its page index: read and
    /// checked on first use (one range read), then cached.
    public func pages(rowGroup: Int, column: Int) throws(FormatError) -> [PageMetadata] {
        if let cached = pageCache.get(rowGroup, column) { return cached }
        let (chunk, field) = try locate(rowGroup: rowGroup, column: column)
        guard let location = chunk.pageIndex else { return [] }
        let bytes = try readVerified(location.offset, Int(location.length), checksum: location.checksum, .pageIndexChecksumMismatch, "page index", rowGroup, field)
        let pages: [PageMetadata]
        do {
            pages = try FooterCodec.decodePageIndex(bytes, base: location.offset, chunk: chunk, rowCount: metadata.rowGroups[rowGroup].rowCount, type: field.type)
        } catch { throw error.located(file: source.name, rowGroup: rowGroup, column: field.name) }
        pageCache.set(rowGroup, column, pages)
        return pages
    }

    /// Bytes of a chunk's page index (what loading its pages reads).
    public func pageIndexLength(rowGroup: Int, column: Int) -> Int {
        Int(metadata.rowGroups[rowGroup].columns[column].pageIndex?.length ?? 0)
    }

    /// Reads one column chunk and decodes all its pages.
    public func readColumn(rowGroup: Int, column: Int) throws(FormatError) -> ColumnVector {
        var (chunk, field) = try locate(rowGroup: rowGroup, column: column)
        chunk.pages = try pages(rowGroup: rowGroup, column: column)
        let bytes: [UInt8]
        do { bytes = try source.read(offset: chunk.offset, length: Int(chunk.length)) } catch {
            throw error.located(file: source.name, rowGroup: rowGroup, column: field.name)
        }
        var result = ColumnVector.empty(field.type)
        var pageVectors: [ColumnVector] = []
        pageVectors.reserveCapacity(chunk.pages.count)
        for page in chunk.pages {
            let start = Int(page.offset - chunk.offset)
            do {
                pageVectors.append(try PageDecoder.decode(bytes, start..<(start + Int(page.length)), base: chunk.offset, expected: page, field: field))
            } catch { throw error.located(file: source.name, rowGroup: rowGroup, column: field.name) }
        }
        if pageVectors.count == 1 { return pageVectors[0] }
        for v in pageVectors { result.append(contentsOf: v) }
        return result
    }

    /// Reads several column chunks of row group `rowGroup` (all when `columns` is nil), decoding
    /// them on the cores that are free at once, largest first, so one large chunk does not
    /// leave the others waiting behind it. The result is in the order asked.
    package func readColumns(rowGroup: Int, columns: [Int]? = nil) throws(FormatError) -> [ColumnVector] {
        let wanted = columns ?? Array(schema.fields.indices)
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count else {
            return try wanted.map { c throws(FormatError) in try readColumn(rowGroup: rowGroup, column: c) }   // (its error)
        }
        let chunks = metadata.rowGroups[rowGroup].columns
        let order = wanted.indices.sorted { a, b in
            let (x, y) = (wanted[a] < chunks.count ? chunks[wanted[a]].length : 0, wanted[b] < chunks.count ? chunks[wanted[b]].length : 0)
            return x > y
        }
        let results = ParallelResults<Result<ColumnVector, FormatError>>(count: wanted.count)
        SharedParallel.forEach(order.count) { k in
            let i = order[k]
            results[i] = Result { () throws(FormatError) in try self.readColumn(rowGroup: rowGroup, column: wanted[i]) }
        }
        return try wanted.indices.map { i throws(FormatError) in try results[i]!.get() }
    }

    /// Reads one page of a column chunk.
    public func readPage(rowGroup: Int, column: Int, page: Int) throws(FormatError) -> ColumnVector {
        var (chunk, field) = try locate(rowGroup: rowGroup, column: column)
        chunk.pages = try pages(rowGroup: rowGroup, column: column)
        guard chunk.pages.indices.contains(page) else {
            throw FormatError(.invalidArgument, "page \(page) does not exist (\(chunk.pages.count) pages)", file: source.name, rowGroup: rowGroup, column: field.name)
        }
        let meta = chunk.pages[page]
        do {
            let bytes = try source.read(offset: meta.offset, length: Int(meta.length))
            return try PageDecoder.decode(bytes, 0..<bytes.count, base: meta.offset, expected: meta, field: field)
        } catch { throw error.located(file: source.name, rowGroup: rowGroup, column: field.name) }
    }

    /// Reads and checks a column chunk's bloom filter; nil when the chunk has none.
    public func bloomFilter(rowGroup: Int, column: Int) throws(FormatError) -> BloomFilter? {
        let (chunk, field) = try locate(rowGroup: rowGroup, column: column)
        guard let location = chunk.bloomFilter else { return nil }
        return BloomFilter(bytes: try readVerified(location.offset, Int(location.length), checksum: location.checksum, .bloomChecksumMismatch, "bloom filter", rowGroup, field))
    }

    /// Reads and checks all of a column chunk's page bloom filters (§7.7: the whole checksum
    /// and every row's); nil when the chunk has none. Probes need only ``pageBloomProbe(rowGroup:column:hash:)``.
    public func pageBloomFilters(rowGroup: Int, column: Int) throws(FormatError) -> PageBloomFilters? {
        let (chunk, field) = try locate(rowGroup: rowGroup, column: column)
        guard let location = chunk.pageBloomFilters, let pageCount = chunk.pageIndex.map({ Int($0.pageCount) }) else { return nil }
        let bytes = try readVerified(location.offset, Int(location.length), checksum: location.checksum, .bloomChecksumMismatch, "page bloom filters", rowGroup, field)
        let filters = PageBloomFilters(bytes: bytes, blocksPerPage: Int(location.blocksPerPage), pageCount: pageCount, contents: location.contents)
        if let row = filters.firstDamagedRow(), checksumsEnforced {
            throw FormatError(.bloomChecksumMismatch, "page bloom filters: block row \(row)'s checksum does not match", file: source.name,
                              offset: location.offset + UInt64(row * PageBloomFilters.rowBytes(pageCount: pageCount)), rowGroup: rowGroup, column: field.name)
        }
        return filters
    }

    /// Probes a chunk's page bloom filters for a key hash (§7.7), reading and checking only the
    /// block row the key falls in (cached for later probes); nil when the chunk has none.
    /// Returns each page's answer, the row and its size with its checksum (what reading it
    /// costs), so callers can count each row once.
    public func pageBloomProbe(rowGroup: Int, column: Int, hash: UInt64) throws(FormatError) -> (mightContain: [Bool], row: Int, rowBytes: Int)? {
        let (chunk, field) = try locate(rowGroup: rowGroup, column: column)
        guard let location = chunk.pageBloomFilters, let pageCount = chunk.pageIndex.map({ Int($0.pageCount) }) else { return nil }
        let row = PageBloomFilters.row(of: hash, blocksPerPage: Int(location.blocksPerPage))
        let rowBytes = PageBloomFilters.rowBytes(pageCount: pageCount)
        let key = FilterPieceKey(rowGroup: rowGroup, column: column, index: row)
        let bytes: [UInt8]
        if let cached = pageBloomRowCache.get(key) {
            bytes = cached
        } else {
            let stored: [UInt8]
            do { stored = try source.read(offset: location.offset + UInt64(row * rowBytes), length: rowBytes) } catch {
                throw error.located(file: source.name, rowGroup: rowGroup, column: field.name)
            }
            bytes = Array(stored[0..<(rowBytes - 8)])
            if Checksum.hash(bytes) != loadLE(UInt64.self, stored, at: rowBytes - 8) && checksumsEnforced {
                throw FormatError(.bloomChecksumMismatch, "page bloom filters: block row \(row)'s checksum does not match", file: source.name,
                                  offset: location.offset + UInt64(row * rowBytes), rowGroup: rowGroup, column: field.name)
            }
            pageBloomRowCache.set(key, bytes)
        }
        return ((0..<pageCount).map { PageBloomFilters.mightContain(row: bytes, page: $0, hash: hash) }, row, rowBytes)
    }

    /// Probes a chunk's bloom filter for a key hash, reading and verifying only the 4 KiB
    /// segment the key maps to (§7.5), cached for later probes; nil when the chunk has no
    /// filter. Returns the answer, the segment probed and its size with its checksum (what
    /// reading it costs), so callers can count each segment once.
    public func bloomProbe(rowGroup: Int, column: Int, hash: UInt64) throws(FormatError) -> (mightContain: Bool, segment: Int, segmentBytes: Int)? {
        let (chunk, field) = try locate(rowGroup: rowGroup, column: column)
        guard let location = chunk.bloomFilter else { return nil }
        let blocks = Int(location.length) / 32
        let segment = BloomFilter.segment(of: hash, blockCount: blocks)
        let key = FilterPieceKey(rowGroup: rowGroup, column: column, index: segment)
        let start = segment * BloomFilter.segmentBlocks * 32
        let length = min(Int(location.length) - start, BloomFilter.segmentBlocks * 32)
        let bytes: [UInt8]
        if let cached = segmentCache.get(key) {
            bytes = cached
        } else {
            let sumBytes: [UInt8]
            do { sumBytes = try source.read(offset: location.offset + UInt64(location.length) + UInt64(8 * segment), length: 8) } catch {
                throw error.located(file: source.name, rowGroup: rowGroup, column: field.name)
            }
            bytes = try readVerified(location.offset + UInt64(start), length, checksum: loadLE(UInt64.self, sumBytes, at: 0),
                                     .bloomChecksumMismatch, "bloom filter segment \(segment)", rowGroup, field)
            segmentCache.set(key, bytes)
        }
        return (BloomFilter.mightContain(hash: hash, blockCount: blocks, segment: segment, bytes: bytes), segment, length + 8)
    }

    /// Reads a checksummed region (page index, bloom filter) and checks its XXH3-64.
    private func readVerified(_ offset: UInt64, _ length: Int, checksum: UInt64, _ code: FormatError.Code, _ what: String,
                              _ rowGroup: Int, _ field: Field) throws(FormatError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try source.read(offset: offset, length: length) } catch {
            throw error.located(file: source.name, rowGroup: rowGroup, column: field.name)
        }
        let actual = Checksum.hash(bytes)
        guard actual == checksum || !checksumsEnforced else {
            throw FormatError(code, "\(what) checksum is \(hex64(actual)), the footer says \(hex64(checksum))",
                              file: source.name, offset: offset, rowGroup: rowGroup, column: field.name)
        }
        return bytes
    }

    /// Reads every row group of the chosen columns (all when nil) as batches, one per row group.
    public func readBatches(columns: [Int]? = nil) throws(FormatError) -> [RecordBatch] {
        let indices = columns ?? Array(schema.fields.indices)
        let projected: Schema
        do { projected = try Schema(indices.map { schema.fields[$0] }) } catch { throw error.located(file: source.name) }
        var batches: [RecordBatch] = []
        for g in metadata.rowGroups.indices {
            var cols: [ColumnVector] = []
            for c in indices { cols.append(try readColumn(rowGroup: g, column: c)) }
            batches.append(try RecordBatch(schema: projected, columns: cols))
        }
        return batches
    }

    func locate(rowGroup: Int, column: Int) throws(FormatError) -> (ColumnChunkMetadata, Field) {
        guard metadata.rowGroups.indices.contains(rowGroup), schema.fields.indices.contains(column) else {
            throw FormatError(.invalidArgument, "row group \(rowGroup) / column \(column) does not exist", file: source.name)
        }
        return (metadata.rowGroups[rowGroup].columns[column], schema.fields[column])
    }
}

/// A cache of page indexes, so a shared reader loads each at most once.
final class PageIndexCache: Sendable {
    private let entries = Mutex<[Int: [PageMetadata]]>([:])

    private func key(_ g: Int, _ c: Int) -> Int { g << 20 | c }

    func get(_ g: Int, _ c: Int) -> [PageMetadata]? { entries.withLock { $0[key(g, c)] } }

    func set(_ g: Int, _ c: Int, _ pages: [PageMetadata]) { entries.withLock { $0[key(g, c)] = pages } }
}

/// A cache of verified byte regions.
final class ByteCache<Key: Hashable & Sendable>: Sendable {
    private let entries = Mutex<[Key: [UInt8]]>([:])

    func get(_ key: Key) -> [UInt8]? { entries.withLock { $0[key] } }

    func set(_ key: Key, _ bytes: [UInt8]) { entries.withLock { $0[key] = bytes } }
}

/// A piece of one column chunk's filters: a bloom filter segment or a page bloom block row.
/// Whole numbers, not bits packed into one integer, so no file can make two pieces collide.
struct FilterPieceKey: Hashable, Sendable {
    var rowGroup: Int
    var column: Int
    var index: Int
}
