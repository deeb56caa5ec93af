/// Statistics-form bytes as readable text, for `sift inspect`.
public enum StatisticsText {
    /// A statistics bound in the text form of `type` (what `sift inspect` prints).
    public static func format(_ bytes: [UInt8], type: ColumnType) -> String {
        func le() -> UInt64 { bytes.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) } }
        switch type {
        case .bool: return bytes.first == 1 ? "true" : "false"
        case .int32: return String(Int32(truncatingIfNeeded: le()))
        case .int64: return String(Int64(bitPattern: le()))
        case .uint16, .uint32: return String(le())
        case .float64: return Double(bitPattern: le()).description
        case .timestamp: return TextForms.formatTimestamp(Int64(bitPattern: le()))
        case .ipv4: return TextForms.formatIPv4(UInt32(truncatingIfNeeded: le()))
        case .ipv6:
            guard bytes.count == 16 else { return "?" }
            let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return TextForms.formatIP(IPv6Address(high: high, low: low))
        case .string: return String(decoding: bytes, as: UTF8.self)
        case .binary: return TextForms.base64(bytes)
        }
    }
}
