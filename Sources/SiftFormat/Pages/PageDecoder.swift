/// Reads one page back into a logical vector, checking everything `spec/format.md` §12 lists
/// for pages.
enum PageDecoder {
    /// Decodes the page at `bytes[range]` (header plus stored body), whose footer entry is
    /// `expected`. `base` is the file offset of `bytes[0]`. Errors carry the offset only; the
    /// caller adds file, row group and column.
    static func decode(_ bytes: [UInt8], _ range: Range<Int>, base: UInt64, expected: PageMetadata, field: Field, verifyChecksum: Bool = true) throws(FormatError) -> ColumnVector {
        let page = try checkedHeader(bytes, range, base: base, expected: expected, field: field, verifyChecksum: verifyChecksum)
        let header = page.header
        let rows = Int(header.rowCount)
        // Fast path: a PLAIN page of fixed-width values with no nulls is decompressed straight
        // into the result vector, with no intermediate body.
        if header.encoding == .plain, header.flags & PageHeader.hasValidity == 0, header.nullCount == 0, !page.narrow,
           let values = try plainDirect(bytes, page.body, codec: header.codec, size: Int(header.uncompressedSize), type: field.type, rows: rows, bodyBase: page.bodyBase) {
            return ColumnVector(values)
        }
        let body = try decompressedBody(bytes, page)
        var b = ByteReader(body, base: page.bodyBase)
        let validity = try readValidity(&b, page, field: field)
        let values = try decodeValues(&b, header.encoding, type: field.type, narrow: page.narrow, rows: rows)
        guard b.isAtEnd else {
            throw FormatError(.pageSizeMismatch, "\(b.remaining) bytes left over after the page's values", offset: b.fileOffset)
        }
        var column = ColumnVector(values, validity: validity)
        if validity != nil { zeroNullSlots(&column) }
        return column
    }

    /// A page whose header, checksum and agreement with the footer have been checked.
    struct CheckedPage {
        let header: PageHeader
        let headerOffset: UInt64
        let narrow: Bool
        /// The stored (maybe compressed) body within the page's bytes, and its file offset.
        let body: Range<Int>
        let bodyBase: UInt64
    }

    static func checkedHeader(_ bytes: [UInt8], _ range: Range<Int>, base: UInt64, expected: PageMetadata, field: Field, verifyChecksum: Bool) throws(FormatError) -> CheckedPage {
        var r = ByteReader(bytes, range: range, base: base)
        let headerOffset = r.fileOffset
        let header = try PageHeader.parse(&r)
        guard Int(header.storedSize) == r.remaining else {
            throw FormatError(.pageSizeMismatch, "page header declares \(header.storedSize) stored bytes; the footer gives the page \(r.remaining) after its header", offset: headerOffset + 16)
        }
        let bodyRange = try r.slice(Int(header.storedSize), "page body")
        if verifyChecksum && checksumsEnforced {
            let actual = Checksum.hash(bytes, range.lowerBound..<(range.lowerBound + 24), bytes, bodyRange)
            guard actual == header.checksum else {
                throw FormatError(.pageChecksumMismatch, "page checksum is \(hex64(actual)), header says \(hex64(header.checksum))", offset: headerOffset)
            }
        }
        guard header.rowCount == expected.rowCount, header.encoding == expected.encoding,
              header.codec == expected.codec, header.uncompressedSize == expected.uncompressedSize
        else {
            throw FormatError(.pageSizeMismatch, "page header (rows \(header.rowCount), \(header.encoding), \(header.codec), \(header.uncompressedSize) bytes) disagrees with the footer (rows \(expected.rowCount), \(expected.encoding), \(expected.codec), \(expected.uncompressedSize) bytes)", offset: headerOffset)
        }
        let narrow = header.flags & PageHeader.narrowIPv4 != 0
        if narrow && field.type != .ipv6 {
            throw FormatError(.invalidPageHeader, "narrow-IPv4 flag on a \(field.type) column", offset: headerOffset + 2)
        }
        guard Encoding.allowed(for: field.type, narrow: narrow).contains(header.encoding) else {
            throw FormatError(.encodingNotAllowed, "\(header.encoding) is not allowed for \(narrow ? "narrow " : "")\(field.type) pages", offset: headerOffset)
        }
        return CheckedPage(header: header, headerOffset: headerOffset, narrow: narrow, body: bodyRange, bodyBase: base + UInt64(bodyRange.lowerBound))
    }

    static func decompressedBody(_ bytes: [UInt8], _ page: CheckedPage) throws(FormatError) -> [UInt8] {
        do {
            return try Compressor.decompress(bytes, page.body, codec: page.header.codec, uncompressedSize: Int(page.header.uncompressedSize))
        } catch { throw error.located(offset: page.bodyBase) }
    }

    /// The validity bitmap at the start of a decompressed body, checked against the header.
    /// Offsets inside a decompressed body are reported relative to the body start when the
    /// body was compressed, since there is no file offset for them.
    static func readValidity(_ b: inout ByteReader, _ page: CheckedPage, field: Field) throws(FormatError) -> Bitmap? {
        let header = page.header
        let rows = Int(header.rowCount)
        if header.flags & PageHeader.hasValidity != 0 {
            guard field.nullable else {
                throw FormatError(.invalidPageHeader, "validity bitmap on a non-nullable column", offset: page.headerOffset + 2)
            }
            let wordCount = (rows + 63) / 64
            try b.need(wordCount * 8, "validity bitmap")
            var words = [UInt64]()
            words.reserveCapacity(wordCount)
            for _ in 0..<wordCount { words.append(try b.le(UInt64.self)) }
            let bitmap = Bitmap(words: words, count: rows)
            guard rows - bitmap.popcount == Int(header.nullCount) else {
                throw FormatError(.nullCountMismatch, "validity bitmap has \(rows - bitmap.popcount) nulls, header says \(header.nullCount)", offset: page.headerOffset + 8)
            }
            return bitmap
        } else if header.nullCount != 0 {
            throw FormatError(.nullCountMismatch, "header says \(header.nullCount) nulls but the page has no validity bitmap", offset: page.headerOffset + 8)
        }
        return nil
    }

    static func decodeValues(_ b: inout ByteReader, _ encoding: Encoding, type: ColumnType, narrow: Bool, rows: Int) throws(FormatError) -> ColumnVector.Values {
        switch type {
        case .bool: return .bool(try BoolCodec.decode(&b, encoding, count: rows))
        case .uint16: return .uint16(try IntegerCodec<UInt16>.decode(&b, encoding, count: rows))
        case .uint32: return .uint32(try IntegerCodec<UInt32>.decode(&b, encoding, count: rows))
        case .ipv4: return .ipv4(try IntegerCodec<UInt32>.decode(&b, encoding, count: rows))
        case .int32: return .int32(reinterpret(try IntegerCodec<UInt32>.decode(&b, encoding, count: rows)))
        case .int64: return .int64(reinterpret(try IntegerCodec<UInt64>.decode(&b, encoding, count: rows)))
        case .timestamp: return .timestamp(reinterpret(try IntegerCodec<UInt64>.decode(&b, encoding, count: rows)))
        case .float64: return .float64(reinterpret(try IntegerCodec<UInt64>.decode(&b, encoding, count: rows)))
        case .string: return .string(try BytesCodec.decode(&b, encoding, count: rows, utf8: true))
        case .binary: return .binary(try BytesCodec.decode(&b, encoding, count: rows, utf8: false))
        case .ipv6:
            if narrow {
                return .ipv6(try IntegerCodec<UInt32>.decode(&b, encoding, count: rows).map { IPv6Address(mapping: $0) })
            }
            return .ipv6(try WideAddressCodec.decode(&b, encoding, count: rows))
        }
    }

    /// Decodes a PLAIN page of a fixed-width integer or float type by decompressing into the
    /// vector's storage; nil for other types, or when the sizes disagree (the general path then
    /// reports the error in the order the spec gives).
    static func plainDirect(_ bytes: [UInt8], _ range: Range<Int>, codec: Codec, size: Int, type: ColumnType, rows: Int, bodyBase: UInt64) throws(FormatError) -> ColumnVector.Values? {
        func read<T>(_: T.Type) throws(FormatError) -> [T]? {
            guard size == rows * MemoryLayout<T>.size else { return nil }
            var failure: FormatError?
            let out = [T](unsafeUninitializedCapacity: rows) { buffer, initialized in
                do throws(FormatError) {
                    try Compressor.decompress(bytes, range, codec: codec, into: UnsafeMutableRawBufferPointer(buffer))
                } catch { failure = error.located(offset: bodyBase) }
                initialized = rows
            }
            if let failure { throw failure }
            return out
        }
        #if _endian(little)
        switch type {
        case .uint16: return try read(UInt16.self).map { .uint16($0) }
        case .uint32: return try read(UInt32.self).map { .uint32($0) }
        case .ipv4: return try read(UInt32.self).map { .ipv4($0) }
        case .int32: return try read(Int32.self).map { .int32($0) }
        case .int64: return try read(Int64.self).map { .int64($0) }
        case .timestamp: return try read(Int64.self).map { .timestamp($0) }
        case .float64: return try read(Double.self).map { .float64($0) }
        default: return nil
        }
        #else
        return nil
        #endif
    }

    /// Reinterprets an array of one 4- or 8-byte type as another of the same size (bit patterns).
    static func reinterpret<A, B>(_ a: [A]) -> [B] {
        precondition(MemoryLayout<A>.stride == MemoryLayout<B>.stride)
        return [B](unsafeUninitializedCapacity: a.count) { buf, n in
            a.withUnsafeBytes { src in UnsafeMutableRawBufferPointer(buf).copyMemory(from: src) }
            n = a.count
        }
    }

    /// Null slots read back as zero (or empty), whatever filler the writer stored. A vector
    /// is rewritten only when some null slot holds filler: writers store zeros and empty
    /// strings there, so this usually only looks.
    static func zeroNullSlots(_ column: inout ColumnVector) {
        guard let validity = column.validity else { return }
        func zero<T>(_ v: [T], _ z: T, isFiller: (T) -> Bool, _ wrap: ([T]) -> ColumnVector.Values) {
            guard v.indices.contains(where: { !validity[$0] && isFiller(v[$0]) }) else { return }
            var w = v
            for i in w.indices where !validity[i] { w[i] = z }
            column.values = wrap(w)
        }
        func zero<T: Equatable>(_ v: [T], _ z: T, _ wrap: ([T]) -> ColumnVector.Values) { zero(v, z, isFiller: { $0 != z }, wrap) }
        switch column.values {
        case .bool(let v): zero(v, false, ColumnVector.Values.bool)
        case .int32(let v): zero(v, 0, ColumnVector.Values.int32)
        case .int64(let v): zero(v, 0, ColumnVector.Values.int64)
        case .timestamp(let v): zero(v, 0, ColumnVector.Values.timestamp)
        case .uint16(let v): zero(v, 0, ColumnVector.Values.uint16)
        case .uint32(let v): zero(v, 0, ColumnVector.Values.uint32)
        case .ipv4(let v): zero(v, 0, ColumnVector.Values.ipv4)
        // By bit pattern, so a stored -0.0 or NaN filler is zeroed too.
        case .float64(let v): zero(v, 0, isFiller: { $0.bitPattern != 0 }, ColumnVector.Values.float64)
        case .ipv6(let v): zero(v, IPv6Address(high: 0, low: 0), ColumnVector.Values.ipv6)
        case .string(let v), .binary(let v):
            guard (0..<v.count).contains(where: { !validity[$0] && v.offsets[$0 + 1] != v.offsets[$0] }) else { return }
            var out = VarBytes()
            for i in 0..<v.count { if validity[i] { out.append(v[i]) } else { out.append(EmptyCollection<UInt8>()) } }
            column.values = column.type == .string ? .string(out) : .binary(out)
        }
    }
}
