/// Encoders and decoders of fixed-width unsigned integers for PLAIN, FOR, DELTA, RLE and
/// DICTIONARY (`spec/format.md` §6.3-6.7). Signed types are passed as their bit patterns with
/// `signed == true`, which only changes which value is the minimum.
enum IntegerCodec<T: FixedWidthInteger & UnsignedInteger> {
    static var width: Int { MemoryLayout<T>.size }

    /// Flips the sign bit so unsigned comparison follows the signed order.
    @inline(__always)
    static func orderKey(_ v: T, signed: Bool) -> T { signed ? v ^ (T(1) << (T.bitWidth - 1)) : v }

    // MARK: Sizes, for choosing the smallest encoding

    /// The encoded size of each allowed encoding, and the dictionary when one was built (to be
    /// passed to `encode`, so it is not built twice).
    static func sizes(_ values: [T], signed: Bool, allowed: [Encoding]) -> ([(Encoding, Int)], DictionaryBuilder<T>?) {
        var dictionary: DictionaryBuilder<T>?
        let n = values.count
        var result: [(Encoding, Int)] = []
        var minKey = T.max, maxKey = T.min
        var runs = 0
        var minDelta = T.max, maxDelta = T.min
        var previous: T = 0
        for (i, v) in values.enumerated() {
            let key = orderKey(v, signed: signed)
            if key < minKey { minKey = key }
            if key > maxKey { maxKey = key }
            if i == 0 || v != previous { runs += 1 }
            if i > 0 {
                let d = orderKey(v &- previous, signed: true)
                if d < minDelta { minDelta = d }
                if d > maxDelta { maxDelta = d }
            }
            previous = v
        }
        for encoding in allowed {
            switch encoding {
            case .plain:
                result.append((.plain, n * width))
            case .frameOfReference:
                let w = BitPacking.bitsNeeded(UInt64(maxKey &- minKey))
                result.append((.frameOfReference, width + 1 + BitPacking.byteCount(count: n, width: w)))
            case .delta:
                let w = n > 1 ? BitPacking.bitsNeeded(UInt64(maxDelta &- minDelta)) : 0
                result.append((.delta, 2 * width + 1 + BitPacking.byteCount(count: max(n - 1, 0), width: w)))
            case .runLength:
                result.append((.runLength, 4 + runs * (4 + width)))
            case .dictionary:
                // A dictionary only pays with few distinct values: give up past n/2.
                if let d = DictionaryBuilder<T>.build(values, limit: min(n / 2 + 1, FormatLimits.maxDictionaryEntries), hash: { UInt64(truncatingIfNeeded: $0) }) {
                    dictionary = d
                    result.append((.dictionary, 4 + d.entries.count * width + 1 + BitPacking.byteCount(count: n, width: d.codeWidth)))
                }
            case .lengths:
                break  // strings only
            }
        }
        return (result, dictionary)
    }

    // MARK: Encoding

    static func encode(_ values: [T], _ encoding: Encoding, signed: Bool, dictionary: DictionaryBuilder<T>? = nil, into out: inout ByteWriter) {
        switch encoding {
        case .plain:
            encodePlain(values, into: &out)
        case .frameOfReference:
            var minKey = T.max, maxKey = T.min
            for v in values {
                let key = orderKey(v, signed: signed)
                minKey = Swift.min(minKey, key)
                maxKey = Swift.max(maxKey, key)
            }
            if values.isEmpty { minKey = 0; maxKey = 0 }
            let reference = orderKey(minKey, signed: signed)
            let w = BitPacking.bitsNeeded(UInt64(maxKey &- minKey))
            out.le(reference)
            out.u8(UInt8(w))
            let offsets = values.map { $0 &- reference }
            offsets.withUnsafeBufferPointer { BitPacking.pack($0, width: w, into: &out) }
        case .delta:
            precondition(!values.isEmpty, "DELTA needs at least one value")
            var deltas = [T]()
            deltas.reserveCapacity(values.count - 1)
            var minDelta = T.max, maxDelta = T.min
            for i in 1..<values.count {
                let d = values[i] &- values[i - 1]
                deltas.append(d)
                let key = orderKey(d, signed: true)
                minDelta = Swift.min(minDelta, key)
                maxDelta = Swift.max(maxDelta, key)
            }
            if deltas.isEmpty { minDelta = orderKey(0, signed: true); maxDelta = minDelta }
            let base = orderKey(minDelta, signed: true)
            let w = BitPacking.bitsNeeded(UInt64(maxDelta &- minDelta))
            out.le(values[0])
            out.le(base)
            out.u8(UInt8(w))
            for i in deltas.indices { deltas[i] = deltas[i] &- base }
            deltas.withUnsafeBufferPointer { BitPacking.pack($0, width: w, into: &out) }
        case .runLength:
            var runs: [(UInt32, T)] = []
            for v in values {
                if let last = runs.last, last.1 == v { runs[runs.count - 1].0 += 1 } else { runs.append((1, v)) }
            }
            out.le(UInt32(runs.count))
            for (length, value) in runs {
                out.le(length)
                out.le(value)
            }
        case .dictionary:
            let d = dictionary ?? DictionaryBuilder<T>.build(values, limit: Int.max, hash: { UInt64(truncatingIfNeeded: $0) })!
            out.le(UInt32(d.entries.count))
            encodePlain(d.entries, into: &out)
            out.u8(UInt8(d.codeWidth))
            d.codes.withUnsafeBufferPointer { BitPacking.pack($0, width: d.codeWidth, into: &out) }
        case .lengths:
            preconditionFailure("LENGTHS is for strings")
        }
    }

    static func encodePlain(_ values: [T], into out: inout ByteWriter) {
        #if _endian(little)
        values.withUnsafeBytes { out.raw($0) }
        #else
        for v in values { out.le(v) }
        #endif
    }

    // MARK: Decoding

    /// Decodes `count` values; the reader must end exactly at the end of the values section.
    static func decode(_ r: inout ByteReader, _ encoding: Encoding, count: Int) throws(FormatError) -> [T] {
        switch encoding {
        case .plain:
            return try decodePlain(&r, count: count)
        case .frameOfReference:
            let reference = try r.le(T.self, "FOR reference")
            let w = try bitWidth(&r, max: T.bitWidth)
            return try unpack(&r, count: count, width: w, reference: reference)
        case .delta:
            guard count > 0 else { throw r.error(.invalidPageHeader, "DELTA page with no rows") }
            let first = try r.le(T.self, "DELTA first value")
            let base = try r.le(T.self, "DELTA minimum delta")
            let w = try bitWidth(&r, max: T.bitWidth)
            var out = try unpack(&r, count: count - 1, width: w, reference: base)
            // Prefix sum: value[i] = value[i-1] + delta[i-1].
            out.insert(first, at: 0)
            out.withUnsafeMutableBufferPointer { buf in
                var acc = first
                for i in 1..<buf.count {
                    acc = acc &+ buf[i]
                    buf[i] = acc
                }
            }
            return out
        case .runLength:
            let runCount = Int(try r.le(UInt32.self, "RLE run count"))
            guard runCount <= count else {
                throw r.error(.pageSizeMismatch, "RLE declares \(runCount) runs for \(count) rows")
            }
            try r.need(runCount * (4 + width), "RLE runs")
            var out = [T]()
            out.reserveCapacity(count)
            for _ in 0..<runCount {
                let length = Int(try r.le(UInt32.self))
                let value = try r.le(T.self)
                guard length >= 1, length <= count - out.count else {
                    throw r.error(.pageSizeMismatch, "RLE run of \(length) overruns the page's \(count) rows")
                }
                out.append(contentsOf: repeatElement(value, count: length))
            }
            guard out.count == count else {
                throw r.error(.pageSizeMismatch, "RLE runs cover \(out.count) rows, page has \(count)")
            }
            return out
        case .dictionary:
            let entryCount = try DictionaryCodes.entryCount(&r)
            let entries = try decodePlain(&r, count: entryCount)
            let codes = try DictionaryCodes.decode(&r, count: count, entryCount: entryCount)
            return codes.map { entries[Int($0)] }
        case .lengths:
            throw r.error(.encodingNotAllowed, "LENGTHS is only allowed for string and binary columns")
        }
    }

    static func decodePlain(_ r: inout ByteReader, count: Int) throws(FormatError) -> [T] {
        let range = try r.slice(count * width, "PLAIN values")
        return [T](unsafeUninitializedCapacity: count) { buf, initialized in
            r.bytes.withUnsafeBytes { src in
                // Safety: range was bounds-checked by slice().
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[range]))
            }
            #if _endian(big)
            for i in 0..<count { buf[i] = T(littleEndian: buf[i]) }
            #endif
            initialized = count
        }
    }

    static func bitWidth(_ r: inout ByteReader, max: Int) throws(FormatError) -> Int {
        let w = Int(try r.u8("bit width"))
        guard w <= max else { throw r.error(.invalidBitWidth, "bit width \(w) exceeds \(max)") }
        return w
    }

    static func unpack(_ r: inout ByteReader, count: Int, width: Int, reference: T) throws(FormatError) -> [T] {
        let range = try r.slice(BitPacking.byteCount(count: count, width: width), "bit-packed values")
        return [T](unsafeUninitializedCapacity: count) { buf, initialized in
            BitPacking.unpack(r.bytes, range, count: count, width: width, adding: reference, into: buf)
            initialized = count
        }
    }
}

/// Bit-packed dictionary codes, shared by every dictionary-encoded type (§6.6).
enum DictionaryCodes {
    /// A dictionary's entry count, checked against the limit.
    static func entryCount(_ r: inout ByteReader) throws(FormatError) -> Int {
        let entryCount = Int(try r.le(UInt32.self, "dictionary size"))
        guard entryCount <= FormatLimits.maxDictionaryEntries else {
            throw r.error(.limitExceeded, "dictionary of \(entryCount) entries exceeds \(FormatLimits.maxDictionaryEntries)")
        }
        return entryCount
    }

    static func decode(_ r: inout ByteReader, count: Int, entryCount: Int) throws(FormatError) -> [UInt32] {
        let w = try IntegerCodec<UInt32>.bitWidth(&r, max: 32)
        let codes = try IntegerCodec<UInt32>.unpack(&r, count: count, width: w, reference: 0)
        var largest: UInt32 = 0
        for c in codes { largest = max(largest, c) }
        if count > 0, Int(largest) >= entryCount {
            throw r.error(.dictionaryIndexOutOfRange, "dictionary code \(largest) but only \(entryCount) entries")
        }
        return codes
    }
}
