/// Everything the footer says about a file (`spec/format.md` §10).
public struct FileMetadata: Sendable, Equatable {
    public var schema: Schema
    public var rowCount: UInt64
    public var rowGroups: [RowGroupMetadata]
    /// Free-form key/value pairs (e.g. the clustering a writer applied).
    public var keyValues: [(String, String)]
    public var createdBy: String
    /// The minor version of the format the file was written with.
    public var minorVersion: UInt8

    public static func == (a: FileMetadata, b: FileMetadata) -> Bool {
        a.schema == b.schema && a.rowCount == b.rowCount && a.rowGroups == b.rowGroups
            && a.keyValues.elementsEqual(b.keyValues, by: ==) && a.createdBy == b.createdBy
    }
}

public struct RowGroupMetadata: Sendable, Equatable {
    public var rowCount: UInt64
    /// One chunk per schema column, in schema order.
    public var columns: [ColumnChunkMetadata]
}

public struct ColumnChunkMetadata: Sendable, Equatable {
    /// Absolute offset of the chunk's first page header.
    public var offset: UInt64
    /// Bytes from `offset` to the end of the last page.
    public var length: UInt64
    public var statistics: Statistics
    public var pages: [PageMetadata]

    /// Sum of the pages' uncompressed body sizes plus their headers.
    public var uncompressedLength: UInt64 {
        pages.reduce(0) { $0 + UInt64($1.uncompressedSize) + UInt64(PageHeader.size) }
    }
}

/// The footer's copy of a page's header fields plus its zone map (statistics), so a reader can
/// plan without reading data pages.
public struct PageMetadata: Sendable, Equatable {
    public var offset: UInt64
    /// Header plus stored body.
    public var length: UInt32
    public var rowCount: UInt32
    public var encoding: Encoding
    public var codec: Codec
    public var uncompressedSize: UInt32
    public var statistics: Statistics
}
