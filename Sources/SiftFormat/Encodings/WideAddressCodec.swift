/// Encoders and decoders of 128-bit IPv6 values: PLAIN (16 bytes each, network byte order)
/// and DICTIONARY (`spec/format.md` §6.1, §6.6). Pages whose values are all IPv4-mapped are
/// stored narrow (32-bit) by the integer codec instead.
enum WideAddressCodec {
    static func hash(_ a: IPv6Address) -> UInt64 { a.high &* 0xFF51_AFD7_ED55_8CCD ^ a.low }

    static func sizes(_ values: [IPv6Address], allowed: [Encoding]) -> ([(Encoding, Int)], DictionaryBuilder<IPv6Address>?) {
        let n = values.count
        var result: [(Encoding, Int)] = []
        var dictionary: DictionaryBuilder<IPv6Address>?
        for e in allowed {
            if e == .plain { result.append((.plain, 16 * n)) }
            if e == .dictionary, let d = DictionaryBuilder<IPv6Address>.build(values, limit: min(n / 2 + 1, FormatLimits.maxDictionaryEntries), hash: hash) {
                dictionary = d
                result.append((.dictionary, 4 + 16 * d.entries.count + 1 + BitPacking.byteCount(count: n, width: d.codeWidth)))
            }
        }
        return (result, dictionary)
    }

    static func encode(_ values: [IPv6Address], _ encoding: Encoding, dictionary: DictionaryBuilder<IPv6Address>? = nil, into out: inout ByteWriter) {
        switch encoding {
        case .plain:
            encodePlain(values, into: &out)
        case .dictionary:
            let d = dictionary ?? DictionaryBuilder<IPv6Address>.build(values, limit: Int.max, hash: hash)!
            out.le(UInt32(d.entries.count))
            encodePlain(d.entries, into: &out)
            out.u8(UInt8(d.codeWidth))
            d.codes.withUnsafeBufferPointer { BitPacking.pack($0, width: d.codeWidth, into: &out) }
        default:
            preconditionFailure("\(encoding) is not allowed for wide ipv6 pages")
        }
    }

    static func encodePlain(_ values: [IPv6Address], into out: inout ByteWriter) {
        for v in values {
            // le(x.byteSwapped) writes x's most significant byte first on any host.
            out.le(v.high.byteSwapped)
            out.le(v.low.byteSwapped)
        }
    }

    static func decode(_ r: inout ByteReader, _ encoding: Encoding, count: Int) throws(FormatError) -> [IPv6Address] {
        switch encoding {
        case .plain:
            return try decodePlain(&r, count: count)
        case .dictionary:
            let entryCount = try DictionaryCodes.entryCount(&r)
            let entries = try decodePlain(&r, count: entryCount)
            let codes = try DictionaryCodes.decode(&r, count: count, entryCount: entryCount)
            return codes.map { entries[Int($0)] }
        default:
            throw r.error(.encodingNotAllowed, "\(encoding) is not allowed for wide ipv6 pages")
        }
    }

    static func decodePlain(_ r: inout ByteReader, count: Int) throws(FormatError) -> [IPv6Address] {
        try r.need(16 * count, "ipv6 values")
        var out = [IPv6Address]()
        out.reserveCapacity(count)
        for _ in 0..<count {
            // Stored big-endian: read as little-endian and swap.
            let high = try r.le(UInt64.self).byteSwapped
            let low = try r.le(UInt64.self).byteSwapped
            out.append(IPv6Address(high: high, low: low))
        }
        return out
    }
}
