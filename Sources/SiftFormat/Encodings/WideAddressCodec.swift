/// Encoders and decoders of 128-bit IPv6 values: PLAIN (16 bytes each, network byte order)
/// and DICTIONARY (`spec/format.md` §6.1, §6.6). Pages whose values are all IPv4-mapped are
/// stored narrow (32-bit) by the integer codec instead.
enum WideAddressCodec {
    static func sizes(_ values: [IPv6Address], allowed: [Encoding]) -> [(Encoding, Int)] {
        let n = values.count
        var result: [(Encoding, Int)] = []
        for e in allowed {
            if e == .plain { result.append((.plain, 16 * n)) }
            if e == .dictionary {
                var seen = Set<IPv6Address>()
                var tooMany = false
                for v in values where seen.insert(v).inserted && seen.count > n / 2 + 1 { tooMany = true; break }
                if !tooMany {
                    let k = seen.count
                    let w = BitPacking.bitsNeeded(UInt64(max(k, 1) - 1))
                    result.append((.dictionary, 4 + 16 * k + 1 + BitPacking.byteCount(count: n, width: w)))
                }
            }
        }
        return result
    }

    static func encode(_ values: [IPv6Address], _ encoding: Encoding, into out: inout ByteWriter) {
        switch encoding {
        case .plain:
            encodePlain(values, into: &out)
        case .dictionary:
            var index: [IPv6Address: UInt32] = [:]
            var entries: [IPv6Address] = []
            var codes: [UInt32] = []
            for v in values {
                if let c = index[v] { codes.append(c) } else {
                    index[v] = UInt32(entries.count)
                    codes.append(UInt32(entries.count))
                    entries.append(v)
                }
            }
            out.le(UInt32(entries.count))
            encodePlain(entries, into: &out)
            let w = BitPacking.bitsNeeded(UInt64(max(entries.count, 1) - 1))
            out.u8(UInt8(w))
            codes.withUnsafeBufferPointer { BitPacking.pack($0, width: w, into: &out) }
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
            let entryCount = Int(try r.le(UInt32.self, "dictionary size"))
            guard entryCount <= FormatLimits.maxDictionaryEntries else {
                throw r.error(.limitExceeded, "dictionary of \(entryCount) entries exceeds \(FormatLimits.maxDictionaryEntries)")
            }
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
