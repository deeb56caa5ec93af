/// Turns the rows of one column for one page into page bytes (`spec/format.md` §5).
enum PageEncoder {
    struct Output {
        var bytes: [UInt8]
        var metadata: PageMetadata  // offset filled in by the writer
    }

    /// Encodes `column` (1...maxPageRows rows) as one page. `encoding` forces an encoding where
    /// the type allows it; otherwise the smallest is chosen.
    static func encode(_ column: ColumnVector, field: Field, compression: Compression, encoding forced: Encoding?) -> Output {
        let rows = column.count
        precondition(rows >= 1 && rows <= FormatLimits.maxPageRows)
        let (physical, narrow) = PhysicalValues.from(column)
        let allowed = Encoding.allowed(for: field.type, narrow: narrow)
        let encoding: Encoding
        var dictionary: PreparedDictionary?
        if let forced, allowed.contains(forced) {
            encoding = forced
        } else {
            // Smallest wins; ties go to the earlier entry of `allowed`, which lists the
            // cheapest to scan first.
            let (sizes, built) = physical.sizes(allowed: allowed)
            encoding = sizes.min { $0.1 < $1.1 }?.0 ?? .plain
            dictionary = built
        }

        var body = ByteWriter()
        var flags: UInt8 = narrow ? PageHeader.narrowIPv4 : 0
        if let validity = column.validity, column.nullCount > 0 {
            flags |= PageHeader.hasValidity
            for word in validity.words { body.le(word) }
        }
        physical.encode(encoding, dictionary: dictionary, into: &body)

        // A page that does not shrink is stored uncompressed: same size, no decompression cost.
        var codec = compression.codec
        var stored = Compressor.compress(body.bytes, compression)
        if codec != .none, stored.count >= body.count {
            codec = .none
            stored = body.bytes
        }
        var header = PageHeader(
            encoding: encoding, codec: codec, flags: flags, rowCount: UInt32(rows),
            nullCount: UInt32(column.nullCount), uncompressedSize: UInt32(body.count),
            storedSize: UInt32(stored.count), checksum: 0)
        var bytes = header.prefixBytes()
        header.checksum = Checksum.hash(bytes, 0..<24, stored, 0..<stored.count)
        bytes.reserveCapacity(PageHeader.size + stored.count)
        var tail = ByteWriter()
        tail.le(header.checksum)
        bytes += tail.bytes
        bytes += stored
        let metadata = PageMetadata(
            offset: 0, length: UInt32(bytes.count), rowCount: UInt32(rows), encoding: encoding,
            codec: codec, uncompressedSize: UInt32(body.count),
            statistics: StatisticsBuilder.compute(column))
        return Output(bytes: bytes, metadata: metadata)
    }
}
