import SiftFormat

/// A value in the order a column compares in: every integer-like type (bool, ints, timestamps,
/// ipv4) as Int64, float64 as Double, strings and binary as bytes, ipv6 as an address.
public enum Key: Sendable, Hashable, Comparable, CustomStringConvertible {
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case ip(IPv6Address)

    public static func < (a: Key, b: Key) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): x < y
        case (.double(let x), .double(let y)): x < y
        case (.bytes(let x), .bytes(let y)): x.lexicographicallyPrecedes(y)
        case (.ip(let x), .ip(let y)): x < y
        default: false
        }
    }

    public var description: String {
        switch self {
        case .int(let v): "\(v)"
        case .double(let v): "\(v)"
        case .bytes(let v): "'\(String(decoding: v, as: UTF8.self))'"
        case .ip(let a): TextForms.formatIP(a)
        }
    }

    /// A statistics-form value (`spec/format.md` §7.1) as a key of its column's order: from an
    /// array, or read in place from part of a larger buffer (a checkpoint's column) without
    /// copying it out first unless the key is bytes.
    @inlinable
    public static func fromStatistics<C: Collection>(_ bytes: C, type: ColumnType) -> Key? where C.Element == UInt8 {
        func le() -> UInt64 {
            var value: UInt64 = 0
            for (k, byte) in bytes.prefix(8).enumerated() { value |= UInt64(byte) << UInt64(8 * k) }
            return value
        }
        switch type {
        case .bool, .uint16, .uint32, .ipv4: return .int(Int64(le()))
        case .int32: return .int(Int64(Int32(truncatingIfNeeded: le())))
        case .int64, .timestamp: return .int(Int64(bitPattern: le()))
        case .float64: return .double(Double(bitPattern: le()))
        case .string, .binary: return .bytes(Array(bytes))
        case .ipv6:
            guard bytes.count == 16 else { return nil }
            let all = Array(bytes)
            return .ip(IPv6Address(high: all[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, low: all[8..<16].reduce(0) { $0 << 8 | UInt64($1) }))
        }
    }
}
