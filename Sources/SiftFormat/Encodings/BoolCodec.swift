/// Encoders and decoders of bool values: PLAIN (bit-packed, width 1) and RLE with one-byte
/// values (`spec/format.md` §6.1, §6.5).
enum BoolCodec {
    static func sizes(_ values: [Bool], allowed: [Encoding]) -> [(Encoding, Int)] {
        var runs = 0
        for i in values.indices where i == 0 || values[i] != values[i - 1] { runs += 1 }
        return allowed.compactMap { e in
            switch e {
            case .plain: (.plain, (values.count + 7) / 8)
            case .runLength: (.runLength, 4 + runs * 5)
            default: nil
            }
        }
    }

    static func encode(_ values: [Bool], _ encoding: Encoding, into out: inout ByteWriter) {
        switch encoding {
        case .plain:
            let bits = values.map { UInt8($0 ? 1 : 0) }
            bits.withUnsafeBufferPointer { BitPacking.pack($0, width: 1, into: &out) }
        case .runLength:
            let bytes = values.map { UInt8($0 ? 1 : 0) }
            IntegerCodec<UInt8>.encode(bytes, .runLength, signed: false, into: &out)
        default:
            preconditionFailure("\(encoding) is not allowed for bool")
        }
    }

    static func decode(_ r: inout ByteReader, _ encoding: Encoding, count: Int) throws(FormatError) -> [Bool] {
        switch encoding {
        case .plain:
            let bits = try IntegerCodec<UInt8>.unpack(&r, count: count, width: 1, reference: 0)
            return bits.map { $0 != 0 }
        case .runLength:
            let start = r.fileOffset
            let bytes = try IntegerCodec<UInt8>.decode(&r, .runLength, count: count)
            for b in bytes where b > 1 {
                throw FormatError(.invalidValue, "bool run value \(b) is neither 0 nor 1", offset: start)
            }
            return bytes.map { $0 != 0 }
        default:
            throw r.error(.encodingNotAllowed, "\(encoding) is not allowed for bool columns")
        }
    }
}
