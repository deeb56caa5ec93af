/// Everything the footer says about a file (`spec/format.md` §10).
public struct FileMetadata: Sendable, Equatable {
    /// The file's columns.
    public var schema: Schema
    /// Rows in the file.
    public var rowCount: UInt64
    /// The row groups, in file order.
    public var rowGroups: [RowGroupMetadata]
    /// Free-form key/value pairs (e.g. the clustering a writer applied).
    public var keyValues: [(String, String)]
    /// The writer that made the file (`sift 1.0`).
    public var createdBy: String
    /// The minor version of the format the file was written with.
    public var minorVersion: UInt8

    package init(schema: Schema, rowCount: UInt64, rowGroups: [RowGroupMetadata], keyValues: [(String, String)], createdBy: String, minorVersion: UInt8) {
        self.schema = schema
        self.rowCount = rowCount
        self.rowGroups = rowGroups
        self.keyValues = keyValues
        self.createdBy = createdBy
        self.minorVersion = minorVersion
    }

    public static func == (a: FileMetadata, b: FileMetadata) -> Bool {
        a.schema == b.schema && a.rowCount == b.rowCount && a.rowGroups == b.rowGroups
            && a.keyValues.elementsEqual(b.keyValues, by: ==) && a.createdBy == b.createdBy
    }
}

/// One row group: its rows and a chunk per column (`spec/format.md` §10).
public struct RowGroupMetadata: Sendable, Equatable {
    /// Rows in the row group.
    public var rowCount: UInt64
    /// One chunk per schema column, in schema order.
    public var columns: [ColumnChunkMetadata]

    package init(rowCount: UInt64, columns: [ColumnChunkMetadata]) {
        self.rowCount = rowCount
        self.columns = columns
    }
}

/// One column of one row group: where its pages are, its statistics, bloom filter and page index.
public struct ColumnChunkMetadata: Sendable, Equatable {
    /// Absolute offset of the chunk's first page header.
    public var offset: UInt64
    /// Bytes from `offset` to the end of the last page.
    public var length: UInt64
    /// Bounds and null count of the chunk's values.
    public var statistics: Statistics
    /// The chunk's pages, when the footer lists them inline (files that have a page index list none).
    public var pages: [PageMetadata]
    /// Where the chunk's bloom filter lies, when it has one (`spec/format.md` §7.5).
    public var bloomFilter: BloomFilterLocation?
    /// Where the chunk's page index (its pages' locations and zone maps) lies (§10.5). Pages
    /// are not in the footer, so planning reads them only for the row groups and columns it
    /// needs: `pages` is empty in metadata read from a file; `SiftReader.pages(rowGroup:column:)`
    /// loads them.
    public var pageIndex: PageIndexLocation?
    /// Where the chunk's page bloom filters lie, when it has them (§7.7, version 1.1).
    public var pageBloomFilters: PageBloomLocation?

    package init(offset: UInt64, length: UInt64, statistics: Statistics, pages: [PageMetadata], bloomFilter: BloomFilterLocation? = nil,
                 pageIndex: PageIndexLocation? = nil, pageBloomFilters: PageBloomLocation? = nil) {
        self.offset = offset
        self.length = length
        self.statistics = statistics
        self.pages = pages
        self.bloomFilter = bloomFilter
        self.pageIndex = pageIndex
        self.pageBloomFilters = pageBloomFilters
    }

    /// Sum of the pages' uncompressed body sizes plus their headers, when pages are loaded.
    public var uncompressedLength: UInt64 {
        pages.reduce(0) { $0 + UInt64($1.uncompressedSize) + UInt64(PageHeader.size) }
    }
}

/// The footer's copy of a page's header fields plus its zone map (statistics), so a reader can
/// plan without reading data pages.
public struct PageMetadata: Sendable, Equatable {
    /// Byte offset of the page's header in the file.
    public var offset: UInt64
    /// Header plus stored body.
    public var length: UInt32
    /// Rows in the page.
    public var rowCount: UInt32
    /// How the page's values are encoded.
    public var encoding: Encoding
    /// How the page's body is compressed.
    public var codec: Codec
    /// Size of the page's body before compression.
    public var uncompressedSize: UInt32
    /// The page's zone map: bounds and null count of its values.
    public var statistics: Statistics

    package init(offset: UInt64, length: UInt32, rowCount: UInt32, encoding: Encoding, codec: Codec, uncompressedSize: UInt32, statistics: Statistics) {
        self.offset = offset
        self.length = length
        self.rowCount = rowCount
        self.encoding = encoding
        self.codec = codec
        self.uncompressedSize = uncompressedSize
        self.statistics = statistics
    }
}

/// The footer's entry for a column chunk's bloom filter: where its bytes are and what it holds.
public struct BloomFilterLocation: Sendable, Equatable {
    /// Byte offset of the bloom filter in the file.
    public var offset: UInt64
    /// A multiple of 32 bytes (one block each), at least 32.
    public var length: UInt32
    /// Distinct keys inserted (values, prefixes and suffixes).
    public var keyCount: UInt64
    /// The false-positive rate the writer sized the filter for, in parts per million.
    public var targetFPPPerMillion: UInt32
    /// Which keys the filter holds: values, network prefixes, domain suffixes.
    public var contents: BloomKeys.Contents
    /// XXH3-64 of the filter's bytes.
    public var checksum: UInt64

    /// Number of 4 KiB segments; their XXH3-64 checksums (8 bytes each) follow the blocks.
    public var segmentCount: Int { (Int(length) / 32 + BloomFilter.segmentBlocks - 1) / BloomFilter.segmentBlocks }
    /// Bytes of blocks and segment checksums together.
    public var storedLength: UInt64 { UInt64(length) + UInt64(8 * segmentCount) }

    /// The expected false-positive rate at the recorded key count.
    public var expectedFPP: Double { BloomFilter.falsePositiveRate(blocks: Int(length) / 32, distinct: Int(keyCount)) }
}

/// The footer's entry for a column chunk's page bloom filters (`spec/format.md` §7.7): one
/// split-block filter per page, each of `blocksPerPage` blocks, stored as block rows (block `r`
/// of every page, then the row's XXH3-64), so one probe reads one row for every page.
public struct PageBloomLocation: Sendable, Equatable {
    /// Byte offset of the first page's filter in the file.
    public var offset: UInt64
    /// Bytes of all the block rows: `blocksPerPage` × (32 × pages + 8).
    public var length: UInt32
    /// Blocks of every page's filter (at least 1).
    public var blocksPerPage: UInt32
    /// The most distinct keys any page's filter holds (what the writer sized them for).
    public var maxKeyCount: UInt64
    /// The false-positive rate the writer sized the filters for, in parts per million.
    public var targetFPPPerMillion: UInt32
    /// Which keys the filters hold (the reference writer: values and domain suffixes).
    public var contents: BloomKeys.Contents
    /// XXH3-64 of all `length` bytes (what verification checks; probes check their row's).
    public var checksum: UInt64

    /// A location.
    public init(offset: UInt64, length: UInt32, blocksPerPage: UInt32, maxKeyCount: UInt64, targetFPPPerMillion: UInt32,
                contents: BloomKeys.Contents, checksum: UInt64) {
        self.offset = offset
        self.length = length
        self.blocksPerPage = blocksPerPage
        self.maxKeyCount = maxKeyCount
        self.targetFPPPerMillion = targetFPPPerMillion
        self.contents = contents
        self.checksum = checksum
    }
}

/// The footer's entry for a column chunk's page index (`spec/format.md` §10.5).
public struct PageIndexLocation: Sendable, Equatable {
    /// Byte offset of the page index in the file.
    public var offset: UInt64
    /// Length of the page index in bytes.
    public var length: UInt32
    /// Number of pages the index describes.
    public var pageCount: UInt32
    /// XXH3-64 of the index's bytes.
    public var checksum: UInt64

    package init(offset: UInt64, length: UInt32, pageCount: UInt32, checksum: UInt64) {
        self.offset = offset
        self.length = length
        self.pageCount = pageCount
        self.checksum = checksum
    }
}
