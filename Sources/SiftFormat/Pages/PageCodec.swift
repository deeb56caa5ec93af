/// Encodes and decodes single pages outside a file: for callers that fetch page byte ranges
/// themselves (an object store, parallel readers) and for benchmarks.
public enum PageCodec {
    /// One encoded page (header and stored body) and its footer entry (offset 0).
    public static func encode(_ column: ColumnVector, field: Field, compression: Compression, encoding: Encoding? = nil) -> (bytes: [UInt8], metadata: PageMetadata) {
        let out = PageEncoder.encode(column, field: field, compression: compression, encoding: encoding)
        return (out.bytes, out.metadata)
    }

    /// Decodes a page's bytes (header and stored body, as `metadata.length` bytes at
    /// `metadata.offset` in its file) with every check of `spec/format.md` §13.
    public static func decode(_ bytes: [UInt8], metadata: PageMetadata, field: Field) throws(FormatError) -> ColumnVector {
        try PageDecoder.decode(bytes, 0..<bytes.count, base: metadata.offset, expected: metadata, field: field)
    }
}
