/// Encoders and decoders of string and binary values: PLAIN (offsets + bytes) and DICTIONARY
/// (`spec/format.md` §6.1, §6.6).
enum BytesCodec {
    /// Sizes of the allowed encodings; the dictionary, when built, is returned for reuse.
    static func sizes(_ values: VarBytes, allowed: [Encoding]) -> ([(Encoding, Int)], BytesDictionary?) {
        let n = values.count
        var result: [(Encoding, Int)] = []
        var dictionary: BytesDictionary?
        for encoding in allowed {
            switch encoding {
            case .plain:
                result.append((.plain, 4 * (n + 1) + values.bytes.count))
            case .dictionary:
                if let d = BytesDictionary(values, limit: min(n / 2 + 1, FormatLimits.maxDictionaryEntries)) {
                    dictionary = d
                    result.append((.dictionary, d.encodedSize))
                }
            case .lengths:
                let (minimum, width) = lengthFrame(values)
                _ = minimum
                result.append((.lengths, 4 + 1 + BitPacking.byteCount(count: n, width: width) + values.bytes.count))
            default:
                break
            }
        }
        return (result, dictionary)
    }

    static func encode(_ values: VarBytes, _ encoding: Encoding, dictionary: BytesDictionary? = nil, into out: inout ByteWriter) {
        switch encoding {
        case .plain:
            encodePlain(values, into: &out)
        case .dictionary:
            let d = dictionary ?? BytesDictionary(values, limit: Int.max)!
            out.le(UInt32(d.entries.count))
            encodePlain(d.entries, into: &out)
            let w = BitPacking.bitsNeeded(UInt64(max(d.entries.count, 1) - 1))
            out.u8(UInt8(w))
            d.codes.withUnsafeBufferPointer { BitPacking.pack($0, width: w, into: &out) }
        case .lengths:
            let (minimum, width) = lengthFrame(values)
            out.le(minimum)
            out.u8(UInt8(width))
            var lengths = [UInt32]()
            lengths.reserveCapacity(values.count)
            for i in 0..<values.count { lengths.append(values.offsets[i + 1] - values.offsets[i] - minimum) }
            lengths.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &out) }
            out.raw(values.bytes)
        default:
            preconditionFailure("\(encoding) is not allowed for strings")
        }
    }

    /// The shortest length and the bits needed for every length above it.
    static func lengthFrame(_ values: VarBytes) -> (UInt32, Int) {
        guard values.count > 0 else { return (0, 0) }
        var lo = UInt32.max, hi: UInt32 = 0
        for i in 0..<values.count {
            let length = values.offsets[i + 1] - values.offsets[i]
            lo = min(lo, length)
            hi = max(hi, length)
        }
        return (lo, BitPacking.bitsNeeded(UInt64(hi - lo)))
    }

    static func encodePlain(_ values: VarBytes, into out: inout ByteWriter) {
        IntegerCodec<UInt32>.encodePlain(values.offsets, into: &out)
        out.raw(values.bytes)
    }

    /// Decodes `count` values; `utf8` validates each value as UTF-8 (string columns).
    static func decode(_ r: inout ByteReader, _ encoding: Encoding, count: Int, utf8: Bool) throws(FormatError) -> VarBytes {
        switch encoding {
        case .plain:
            return try decodePlain(&r, count: count, utf8: utf8)
        case .dictionary:
            let entryCount = try DictionaryCodes.entryCount(&r)
            let entries = try decodePlain(&r, count: entryCount, utf8: utf8)
            let codes = try DictionaryCodes.decode(&r, count: count, entryCount: entryCount)
            // Materialising can expand a small page a lot (a 1 MB entry repeated): bound it.
            guard let values = VarBytes.lookUp(entries, codes: codes, rows: nil, validity: nil, limit: FormatLimits.maxPageBytes) else {
                throw r.error(.limitExceeded, "dictionary page expands past the \(FormatLimits.maxPageBytes)-byte page limit")
            }
            return values
        case .lengths:
            let minimum = try r.le(UInt32.self, "LENGTHS minimum")
            let width = try IntegerCodec<UInt32>.bitWidth(&r, max: 32)
            let lengths = try IntegerCodec<UInt32>.unpack(&r, count: count, width: width, reference: minimum)
            // Offsets are the running sum of the lengths; it must stay within the bytes left.
            var offsets = [UInt32]()
            offsets.reserveCapacity(count + 1)
            offsets.append(0)
            var total = 0
            let available = r.remaining
            for length in lengths {
                total += Int(length)
                guard total <= available else {
                    throw r.error(.stringOffsetsOutOfBounds, "string lengths add up past the \(available) bytes left in the page")
                }
                offsets.append(UInt32(total))
            }
            let dataStart = r.fileOffset
            let range = try r.slice(total, "string bytes")
            let bytes = Array(r.bytes[range])
            if utf8 { try validateUTF8(bytes, offsets, base: dataStart) }
            return VarBytes(offsets: offsets, bytes: bytes)
        default:
            throw r.error(.encodingNotAllowed, "\(encoding) is not allowed for string or binary columns")
        }
    }

    static func validateUTF8(_ bytes: [UInt8], _ offsets: [UInt32], base: UInt64) throws(FormatError) {
        // Fast path: the whole buffer is valid UTF-8 and every value starts on a character
        // boundary (not on a continuation byte 10xxxxxx), so each value is whole characters.
        let whole = bytes.withUnsafeBufferPointer { UTF8Validation.isValid(buffer: $0) }
        if whole, offsets.allSatisfy({ Int($0) >= bytes.count || bytes[Int($0)] & 0xC0 != 0x80 }) { return }
        for i in 0..<(offsets.count - 1) {
            let value = bytes[Int(offsets[i])..<Int(offsets[i + 1])]
            if !UTF8Validation.isValid(value) {
                throw FormatError(.invalidUTF8, "string value \(i) is not valid UTF-8", offset: base + UInt64(offsets[i]))
            }
        }
    }

    static func decodePlain(_ r: inout ByteReader, count: Int, utf8: Bool) throws(FormatError) -> VarBytes {
        let start = r.fileOffset
        let offsets = try IntegerCodec<UInt32>.decodePlain(&r, count: count + 1)
        guard offsets[0] == 0 else {
            throw FormatError(.stringOffsetsOutOfBounds, "first string offset is \(offsets[0]), must be 0", offset: start)
        }
        for i in 0..<count where offsets[i + 1] < offsets[i] {
            throw FormatError(.stringOffsetsOutOfBounds, "string offset \(i + 1) (\(offsets[i + 1])) is below offset \(i) (\(offsets[i]))", offset: start + UInt64(4 * (i + 1)))
        }
        let total = Int(offsets[count])
        guard total <= r.remaining else {
            throw r.error(.stringOffsetsOutOfBounds, "string offsets reach byte \(total), only \(r.remaining) bytes remain")
        }
        let dataStart = r.fileOffset
        let range = try r.slice(total, "string bytes")
        let bytes = Array(r.bytes[range])
        if utf8 { try validateUTF8(bytes, offsets, base: dataStart) }
        return VarBytes(offsets: offsets, bytes: bytes)
    }
}

/// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
public enum UTF8Validation {
    /// Whether `bytes` are valid UTF-8 (string columns hold nothing else).
    public static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ isValid(buffer: $0) }) { return result }
        return Array(bytes).withUnsafeBufferPointer { isValid(buffer: $0) }
    }

    /// Skips ASCII 8 bytes at a time (most security telemetry is ASCII), then checks each
    /// multi-byte sequence.
    static func isValid(buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = buffer.count
        guard n > 0, let base = buffer.baseAddress else { return true }
        var i = 0
        while i < n {
            while i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let b0 = buffer[i]
            if b0 < 0x80 { i += 1; continue }
            let need: Int
            var cp: UInt32
            switch b0 {
            case 0xC2...0xDF: need = 1; cp = UInt32(b0 & 0x1F)
            case 0xE0...0xEF: need = 2; cp = UInt32(b0 & 0x0F)
            case 0xF0...0xF4: need = 3; cp = UInt32(b0 & 0x07)
            default: return false
            }
            guard i + need < n else { return false }
            for k in 1...need {
                let b = buffer[i + k]
                guard b & 0xC0 == 0x80 else { return false }
                cp = cp << 6 | UInt32(b & 0x3F)
            }
            if need == 2 && (cp < 0x800 || (0xD800...0xDFFF).contains(cp)) { return false }
            if need == 3 && (cp < 0x10000 || cp > 0x10FFFF) { return false }
            i += need + 1
        }
        return true
    }
}
