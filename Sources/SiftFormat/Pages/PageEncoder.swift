/// Turns the rows of one column for one page into page bytes (`spec/format.md` §5).
enum PageEncoder {
    struct Output {
        var bytes: [UInt8]
        var metadata: PageMetadata  // offset filled in by the writer
    }

    /// Encodes `column` (1...maxPageRows rows) as one page. `encoding` forces an encoding where
    /// the type allows it; otherwise the smallest is chosen.
    static func encode(_ column: ColumnVector, field: Field, compression: Compression, encoding forced: Encoding?, distinctCount: Bool = true) -> Output {
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
        var statistics = StatisticsBuilder.compute(column)
        if distinctCount { statistics.distinctCount = Self.distinctCount(column, physical: physical, dictionary: dictionary) }
        let metadata = PageMetadata(
            offset: 0, length: UInt32(bytes.count), rowCount: UInt32(rows), encoding: encoding,
            codec: codec, uncompressedSize: UInt32(body.count), statistics: statistics)
        return Output(bytes: bytes, metadata: metadata)
    }

    /// The page's distinct non-null values: the dictionary's size when sizing built one (null
    /// slots hold a copy of a real value, except empty strings), else counted exactly.
    static func distinctCount(_ column: ColumnVector, physical: PhysicalValues, dictionary: PreparedDictionary?) -> UInt64 {
        let nonNull = column.count - column.nullCount
        guard nonNull > 0 else { return 0 }
        let valid = column.validity
        switch dictionary {
        case .u16(let d): return UInt64(d.entries.count)
        case .u32(let d): return UInt64(d.entries.count)
        case .u64(let d): return UInt64(d.entries.count)
        case .wide(let d): return UInt64(d.entries.count)
        case .bytes(let d):
            guard case .string(let v) = column.values, column.nullCount > 0 else {
                if case .binary(let v) = column.values, column.nullCount > 0 { return countBytes(v, valid) }
                return UInt64(d.entries.count)
            }
            return countBytes(v, valid)
        case nil:
            break
        }
        switch physical {
        case .bits(let v): return UInt64(Set(v.indices.filter { valid?[$0] ?? true }.map { v[$0] }).count)
        case .u16(let v): return countFixed(v.indices.lazy.filter { valid?[$0] ?? true }.map { UInt64(v[$0]) })
        case .u32(let v, _): return countFixed(v.indices.lazy.filter { valid?[$0] ?? true }.map { UInt64(v[$0]) })
        case .u64(let v, _): return countFixed(v.indices.lazy.filter { valid?[$0] ?? true }.map { v[$0] })
        case .wide(let v): return UInt64(Set(v.indices.filter { valid?[$0] ?? true }.map { v[$0] }).count)
        case .bytes(let v): return countBytes(v, valid)
        }
    }

    static func countFixed<S: Sequence>(_ values: S) -> UInt64 where S.Element == UInt64 {
        var set = HashSet64(capacity: 1024, mix: true)
        for v in values { set.insert(v) }
        return UInt64(set.count)
    }

    /// Distinct byte strings by their XXH3 hashes (a collision would undercount by one).
    static func countBytes(_ v: VarBytes, _ valid: Bitmap?) -> UInt64 {
        var set = HashSet64(capacity: 1024)
        for i in 0..<v.count where valid?[i] ?? true {
            set.insert(v[i].withUnsafeBytes { Checksum.hash($0) })
        }
        return UInt64(set.count)
    }
}
