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

    /// The page's distinct non-null values: exact when sizing built a dictionary (null slots
    /// hold a copy of a real value, except empty strings, which are counted exactly); when none
    /// fitted (more than half the rows are distinct), estimated from about 512 sampled values,
    /// so high-cardinality columns cost little at ingest.
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
            if column.nullCount > 0, case .string(let v) = column.values { return countBytes(v, valid, step: 1) }
            if column.nullCount > 0, case .binary(let v) = column.values { return countBytes(v, valid, step: 1) }
            return UInt64(d.entries.count)
        case nil:
            break
        }
        let step = max(1, column.count / 512)
        let sampled = stride(from: 0, to: column.count, by: step).filter { valid?[$0] ?? true }
        let distinct: UInt64
        switch physical {
        case .bits(let v): return UInt64(Set(v.indices.filter { valid?[$0] ?? true }.map { v[$0] }).count)
        case .u16(let v): distinct = countFixed(sampled.lazy.map { UInt64(v[$0]) })
        case .u32(let v, _): distinct = countFixed(sampled.lazy.map { UInt64(v[$0]) })
        case .u64(let v, _): distinct = countFixed(sampled.lazy.map { v[$0] })
        case .wide(let v): distinct = UInt64(Set(sampled.map { v[$0] }).count)
        case .bytes(let v): distinct = countBytes(v, valid, step: step)
        }
        guard step > 1 else { return distinct }
        // Every sampled value distinct: take every value as distinct. Otherwise scale up, but
        // not below what the failed dictionary proves (more than half the rows).
        if distinct == UInt64(sampled.count) { return UInt64(nonNull) }
        return min(UInt64(nonNull), max(UInt64(column.count / 2 + 1), distinct * UInt64(step)))
    }

    static func countFixed<S: Sequence>(_ values: S) -> UInt64 where S.Element == UInt64 {
        var set = HashSet64(capacity: 1024, mix: true)
        for v in values { set.insert(v) }
        return UInt64(set.count)
    }

    /// Distinct byte strings by their XXH3 hashes (a collision would undercount by one).
    static func countBytes(_ v: VarBytes, _ valid: Bitmap?, step: Int) -> UInt64 {
        var set = HashSet64(capacity: 1024)
        for i in stride(from: 0, to: v.count, by: step) where valid?[i] ?? true {
            set.insert(v[i].withUnsafeBytes { Checksum.hash($0) })
        }
        return UInt64(set.count)
    }
}
