/// The fixed 32-byte header in front of every page body (`spec/format.md` §5.1).
///
/// ```
///  0      1      2      3      4             8             12                 16            20         24                      32
/// +------+------+------+------+-------------+-------------+------------------+-------------+----------+-----------------------+
/// | enc  |codec |flags | 0    | row_count   | null_count  | uncompressed_size| stored_size | 0 (u32)  | checksum (XXH3-64)    |
/// +------+------+------+------+-------------+-------------+------------------+-------------+----------+-----------------------+
/// ```
/// All integers little-endian. `checksum` is XXH3-64 (seed 0) of header bytes 0..<24 followed by
/// the stored body.
public struct PageHeader: Sendable, Equatable {
    /// Bytes of a page header.
    public static let size = 32

    package init(encoding: Encoding, codec: Codec, flags: UInt8, rowCount: UInt32, nullCount: UInt32, uncompressedSize: UInt32, storedSize: UInt32, checksum: UInt64) {
        self.encoding = encoding
        self.codec = codec
        self.flags = flags
        self.rowCount = rowCount
        self.nullCount = nullCount
        self.uncompressedSize = uncompressedSize
        self.storedSize = storedSize
        self.checksum = checksum
    }

    /// Flag bit 0: the body starts with a validity bitmap.
    package static let hasValidity: UInt8 = 1
    /// Flag bit 1: an ipv6 page whose values are all IPv4-mapped, stored as 32-bit IPv4 values.
    package static let narrowIPv4: UInt8 = 2

    /// How the body's values are encoded.
    public var encoding: Encoding
    /// How the body is compressed.
    public var codec: Codec
    /// Page flags as stored (`spec/format.md` §6).
    public var flags: UInt8
    /// Rows in the page.
    public var rowCount: UInt32
    /// Null rows in the page.
    public var nullCount: UInt32
    /// Size of the body before compression.
    public var uncompressedSize: UInt32
    /// Size of the body as stored.
    public var storedSize: UInt32
    /// XXH3-64 of the header's first 24 bytes and the stored body (`spec/format.md` §6).
    public var checksum: UInt64

    /// The first 24 bytes (everything the checksum covers).
    package func prefixBytes() -> [UInt8] {
        var w = ByteWriter(capacity: 24)
        w.u8(encoding.rawValue)
        w.u8(codec.rawValue)
        w.u8(flags)
        w.u8(0)
        w.le(rowCount)
        w.le(nullCount)
        w.le(uncompressedSize)
        w.le(storedSize)
        w.le(UInt32(0))
        return w.bytes
    }

    /// Parses and checks a header: known ids, zero reserved bytes and flags, sizes within limits.
    static func parse(_ r: inout ByteReader) throws(FormatError) -> PageHeader {
        let start = r.fileOffset
        try r.need(size, "page header")
        let encodingID = try r.u8()
        let codecID = try r.u8()
        let flags = try r.u8()
        let reserved = try r.u8()
        let rows = try r.le(UInt32.self)
        let nulls = try r.le(UInt32.self)
        let uncompressed = try r.le(UInt32.self)
        let stored = try r.le(UInt32.self)
        let reserved2 = try r.le(UInt32.self)
        let checksum = try r.le(UInt64.self)
        guard let encoding = Encoding(rawValue: encodingID) else {
            throw FormatError(.unknownEncoding, "unknown encoding id \(encodingID)", offset: start)
        }
        guard let codec = Codec(rawValue: codecID) else {
            throw FormatError(.unknownCodec, "unknown codec id \(codecID)", offset: start + 1)
        }
        guard flags & ~(hasValidity | narrowIPv4) == 0, reserved == 0, reserved2 == 0 else {
            throw FormatError(.invalidPageHeader, "reserved page header bits are set (flags \(flags))", offset: start + 2)
        }
        guard rows >= 1, rows <= UInt32(FormatLimits.maxPageRows), nulls <= rows else {
            throw FormatError(.invalidPageHeader, "page declares \(rows) rows and \(nulls) nulls", offset: start + 4)
        }
        guard uncompressed <= UInt32(FormatLimits.maxPageBytes) else {
            throw FormatError(.limitExceeded, "page declares \(uncompressed) uncompressed bytes; the limit is \(FormatLimits.maxPageBytes)", offset: start + 12)
        }
        guard stored <= UInt32(FormatLimits.maxPageBytes) else {
            throw FormatError(.limitExceeded, "page declares \(stored) stored bytes; the limit is \(FormatLimits.maxPageBytes)", offset: start + 16)
        }
        return PageHeader(encoding: encoding, codec: codec, flags: flags, rowCount: rows, nullCount: nulls,
                          uncompressedSize: uncompressed, storedSize: stored, checksum: checksum)
    }
}
