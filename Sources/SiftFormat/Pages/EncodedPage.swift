/// A page's values as stored, checked but not decoded, so a filter can work on the encoding
/// instead of on materialised values: on a dictionary page, a predicate is evaluated once per
/// entry and rows are selected by code; on a frame-of-reference page, ranges are compared
/// against the offsets (`SiftScan.EncodedFilter`).
///
/// Everything `SiftReader.readPage` checks is checked here too (checksum, header against the
/// footer, sizes, validity, dictionary codes in range), so a filter never sees a corrupt page.
public struct EncodedPage: Sendable {
    /// The page's values as stored, by encoding.
    public enum Values: Sendable {
        /// Any other encoding, decoded as usual.
        case decoded(ColumnVector)
        /// The dictionary's entries (a vector of the column's type, no nulls) and each row's
        /// code, unpacked and checked to be below `entries.count`.
        case dictionary(entries: ColumnVector, codes: [UInt32])
        /// Integer, timestamp and ipv4 values stored as offsets from a reference: row `i` is
        /// `reference &+ offsets[i]` in the column's width (bit patterns for signed types).
        /// `width` is the offsets' bit width; they are unpacked to 32 bits when they fit.
        case frameOfReference(reference: UInt64, width: Int, offsets: PackedOffsets)
    }

    /// Offsets of a frame-of-reference page, unpacked to the narrowest width that holds them.
    public enum PackedOffsets: Sendable {
        case bits32([UInt32])
        case bits64([UInt64])
    }

    /// Rows in the page.
    public let rowCount: Int
    /// nil when every row is valid.
    public let validity: Bitmap?
    /// The values, still encoded.
    public let values: Values
}

extension PageDecoder {
    /// Checks and decompresses a page, then decodes dictionary and frame-of-reference pages of
    /// the supported types only as far as their codes or offsets; other pages are decoded.
    static func decodeEncoded(_ bytes: [UInt8], _ range: Range<Int>, base: UInt64, expected: PageMetadata, field: Field) throws(FormatError) -> EncodedPage {
        let page = try checkedHeader(bytes, range, base: base, expected: expected, field: field, verifyChecksum: true)
        let rows = Int(page.header.rowCount)
        let encoding = page.header.encoding
        let integerLike: Set<ColumnType> = [.uint16, .uint32, .ipv4, .int32, .int64, .timestamp]
        let dictionaryTypes = integerLike.union([.string, .binary, .ipv6])
        guard (encoding == .dictionary && dictionaryTypes.contains(field.type)) || (encoding == .frameOfReference && integerLike.contains(field.type)) else {
            let column = try decode(bytes, range, base: base, expected: expected, field: field, verifyChecksum: false)
            return EncodedPage(rowCount: rows, validity: column.validity, values: .decoded(column))
        }
        let body = try decompressedBody(bytes, page)
        var b = ByteReader(body, base: page.bodyBase)
        let validity = try readValidity(&b, page, field: field)
        let values: EncodedPage.Values
        if encoding == .dictionary {
            let entryCount = try DictionaryCodes.entryCount(&b)
            let entries: ColumnVector.Values
            switch field.type {
            case .string: entries = .string(try BytesCodec.decodePlain(&b, count: entryCount, utf8: true))
            case .binary: entries = .binary(try BytesCodec.decodePlain(&b, count: entryCount, utf8: false))
            case .ipv6:
                entries = page.narrow
                    ? .ipv6(try IntegerCodec<UInt32>.decodePlain(&b, count: entryCount).map { IPv6Address(mapping: $0) })
                    : .ipv6(try WideAddressCodec.decodePlain(&b, count: entryCount))
            default: entries = try integerEntries(&b, type: field.type, count: entryCount)
            }
            let codes = try DictionaryCodes.decode(&b, count: rows, entryCount: entryCount)
            values = .dictionary(entries: ColumnVector(entries), codes: codes)
        } else {
            let width = field.type == .uint16 ? 16 : [.int64, .timestamp].contains(field.type) ? 64 : 32
            let reference: UInt64
            switch width {
            case 16: reference = UInt64(try b.le(UInt16.self, "FOR reference"))
            case 32: reference = UInt64(try b.le(UInt32.self, "FOR reference"))
            default: reference = try b.le(UInt64.self, "FOR reference")
            }
            let w = try IntegerCodec<UInt64>.bitWidth(&b, max: width)
            values = .frameOfReference(reference: reference, width: w, offsets: w <= 32
                ? .bits32(try IntegerCodec<UInt32>.unpack(&b, count: rows, width: w, reference: 0))
                : .bits64(try IntegerCodec<UInt64>.unpack(&b, count: rows, width: w, reference: 0)))
        }
        guard b.isAtEnd else {
            throw FormatError(.pageSizeMismatch, "\(b.remaining) bytes left over after the page's values", offset: b.fileOffset)
        }
        return EncodedPage(rowCount: rows, validity: validity, values: values)
    }

    /// A dictionary's entries of an integer-like type.
    static func integerEntries(_ b: inout ByteReader, type: ColumnType, count: Int) throws(FormatError) -> ColumnVector.Values {
        switch type {
        case .uint16: .uint16(try IntegerCodec<UInt16>.decodePlain(&b, count: count))
        case .uint32: .uint32(try IntegerCodec<UInt32>.decodePlain(&b, count: count))
        case .ipv4: .ipv4(try IntegerCodec<UInt32>.decodePlain(&b, count: count))
        case .int32: .int32(reinterpret(try IntegerCodec<UInt32>.decodePlain(&b, count: count)))
        case .int64: .int64(reinterpret(try IntegerCodec<UInt64>.decodePlain(&b, count: count)))
        default: .timestamp(reinterpret(try IntegerCodec<UInt64>.decodePlain(&b, count: count)))
        }
    }
}

extension SiftReader {
    /// A page checked and decompressed but, where its encoding allows, not decoded
    /// (`EncodedPage`); the same checks and errors as `readPage`.
    public func readEncodedPage(rowGroup: Int, column: Int, page: Int) throws(FormatError) -> EncodedPage {
        let (_, field) = try locate(rowGroup: rowGroup, column: column)
        let pages = try self.pages(rowGroup: rowGroup, column: column)
        guard pages.indices.contains(page) else {
            throw FormatError(.invalidArgument, "page \(page) does not exist (\(pages.count) pages)", file: source.name, rowGroup: rowGroup, column: field.name)
        }
        let meta = pages[page]
        do {
            let bytes = try source.read(offset: meta.offset, length: Int(meta.length))
            return try PageDecoder.decodeEncoded(bytes, 0..<bytes.count, base: meta.offset, expected: meta, field: field)
        } catch { throw error.located(file: source.name, rowGroup: rowGroup, column: field.name) }
    }
}
