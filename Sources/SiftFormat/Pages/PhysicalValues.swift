/// A page's values in their physical form: what the encodings operate on (`spec/format.md` §4).
enum PhysicalValues {
    case bits([Bool])
    case u16([UInt16])
    case u32([UInt32], signed: Bool)
    case u64([UInt64], signed: Bool)
    case wide([IPv6Address])
    case bytes(VarBytes)

    /// The physical form of a logical vector; ipv6 pages whose values are all IPv4-mapped become
    /// narrow (`narrow == true`, 32-bit values). Null slots take the first non-null value so they
    /// do not widen frames of reference or break runs.
    static func from(_ column: ColumnVector) -> (PhysicalValues, narrow: Bool) {
        let validity = column.validity
        func filled<T>(_ values: [T]) -> [T] {
            guard let validity, let firstValid = (0..<values.count).first(where: { validity[$0] }) else { return values }
            var out = values
            for i in out.indices where !validity[i] { out[i] = values[firstValid] }
            return out
        }
        switch column.values {
        case .bool(let v): return (.bits(filled(v)), false)
        case .uint16(let v): return (.u16(filled(v)), false)
        case .uint32(let v), .ipv4(let v): return (.u32(filled(v), signed: false), false)
        case .int32(let v): return (.u32(filled(v).map { UInt32(bitPattern: $0) }, signed: true), false)
        case .int64(let v), .timestamp(let v): return (.u64(filled(v).map { UInt64(bitPattern: $0) }, signed: true), false)
        case .float64(let v): return (.u64(filled(v).map(\.bitPattern), signed: false), false)
        case .string(let v), .binary(let v): return (.bytes(v), false)
        case .ipv6(let v):
            let f = filled(v)
            var narrow: [UInt32] = []
            narrow.reserveCapacity(f.count)
            for a in f {
                guard let v4 = a.mappedIPv4 else { return (.wide(f), false) }
                narrow.append(v4)
            }
            return (.u32(narrow, signed: false), true)
        }
    }

    /// Sizes of the allowed encodings, plus the dictionary when one was built.
    func sizes(allowed: [Encoding]) -> ([(Encoding, Int)], PreparedDictionary?) {
        switch self {
        case .bits(let v): return (BoolCodec.sizes(v, allowed: allowed), nil)
        case .u16(let v): let (r, d) = IntegerCodec<UInt16>.sizes(v, signed: false, allowed: allowed); return (r, d.map { .u16($0) })
        case .u32(let v, let s): let (r, d) = IntegerCodec<UInt32>.sizes(v, signed: s, allowed: allowed); return (r, d.map { .u32($0) })
        case .u64(let v, let s): let (r, d) = IntegerCodec<UInt64>.sizes(v, signed: s, allowed: allowed); return (r, d.map { .u64($0) })
        case .wide(let v): let (r, d) = WideAddressCodec.sizes(v, allowed: allowed); return (r, d.map { .wide($0) })
        case .bytes(let v): let (r, d) = BytesCodec.sizes(v, allowed: allowed); return (r, d.map { .bytes($0) })
        }
    }

    func encode(_ encoding: Encoding, dictionary: PreparedDictionary?, into out: inout ByteWriter) {
        switch (self, dictionary) {
        case (.bits(let v), _): BoolCodec.encode(v, encoding, into: &out)
        case (.u16(let v), .u16(let d)?): IntegerCodec<UInt16>.encode(v, encoding, signed: false, dictionary: d, into: &out)
        case (.u16(let v), _): IntegerCodec<UInt16>.encode(v, encoding, signed: false, into: &out)
        case (.u32(let v, let s), .u32(let d)?): IntegerCodec<UInt32>.encode(v, encoding, signed: s, dictionary: d, into: &out)
        case (.u32(let v, let s), _): IntegerCodec<UInt32>.encode(v, encoding, signed: s, into: &out)
        case (.u64(let v, let s), .u64(let d)?): IntegerCodec<UInt64>.encode(v, encoding, signed: s, dictionary: d, into: &out)
        case (.u64(let v, let s), _): IntegerCodec<UInt64>.encode(v, encoding, signed: s, into: &out)
        case (.wide(let v), .wide(let d)?): WideAddressCodec.encode(v, encoding, dictionary: d, into: &out)
        case (.wide(let v), _): WideAddressCodec.encode(v, encoding, into: &out)
        case (.bytes(let v), .bytes(let d)?): BytesCodec.encode(v, encoding, dictionary: d, into: &out)
        case (.bytes(let v), _): BytesCodec.encode(v, encoding, into: &out)
        }
    }
}

/// A dictionary built while sizing a page, kept for encoding it.
enum PreparedDictionary {
    case u16(DictionaryBuilder<UInt16>)
    case u32(DictionaryBuilder<UInt32>)
    case u64(DictionaryBuilder<UInt64>)
    case wide(DictionaryBuilder<IPv6Address>)
    case bytes(BytesDictionary)
}
