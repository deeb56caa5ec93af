import SiftFormat

/// A value of any column, hashable, for grouping and counting.
enum ValueKey: Hashable, Sendable {
    case null
    case int(Int64)
    case double(Double)
    case ip(IPv6Address)
    case bytes([UInt8])
}

extension ColumnVector {
    func valueKey(_ r: Int) -> ValueKey {
        if isNull(r) { return .null }
        switch values {
        case .bool(let v): return .int(v[r] ? 1 : 0)
        case .int32(let v): return .int(Int64(v[r]))
        case .int64(let v), .timestamp(let v): return .int(v[r])
        case .uint16(let v): return .int(Int64(v[r]))
        case .uint32(let v), .ipv4(let v): return .ip(IPv6Address(mapping: v[r]))
        case .float64(let v): return .double(v[r])
        case .string(let v), .binary(let v): return .bytes(Array(v[r]))
        case .ipv6(let v): return .ip(v[r])
        }
    }
}

extension ValueKey {
    /// The value as text, for alert keys.
    var text: String {
        switch self {
        case .null: "null"
        case .int(let v): String(v)
        case .double(let v): String(v)
        case .ip(let a): TextForms.formatIP(a)
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        }
    }
}

/// `a / b` rounded toward negative infinity (times before 1970 fall in the right window).
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let (q, r) = a.quotientAndRemainder(dividingBy: b)
    return r < 0 ? q - 1 : q
}
