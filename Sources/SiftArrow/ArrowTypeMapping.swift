import SiftFormat

/// How Sift's column types appear in Arrow (`spec/arrow.md` §2), both ways.
///
/// | Sift | Arrow format | Arrow type |
/// |---|---|---|
/// | bool | `b` | bool |
/// | int32, int64 | `i`, `l` | int32, int64 |
/// | uint16, uint32 | `S`, `I` | uint16, uint32 |
/// | float64 | `g` | float64 |
/// | timestamp | `tsu:UTC` | timestamp[us, tz=UTC] |
/// | string | `u` | utf8 (field metadata `sift.hint` = `domain` or `json` for hints) |
/// | binary | `z` | binary |
/// | ipv4 | `I` | extension `sift.ipv4` on uint32 (a.b.c.d = a<<24 \| b<<16 \| c<<8 \| d) |
/// | ipv6 | `w:16` | extension `sift.ipv6` on fixed_size_binary(16), network byte order |
///
/// With ``IPForm/plain`` (storage types) or ``IPForm/text`` (utf8) the IP columns carry field
/// metadata `sift.type` = `ipv4` / `ipv6` instead of the extension name.
public enum ArrowTypeMapping {
    public static let extensionNameKey = "ARROW:extension:name"
    public static let extensionMetadataKey = "ARROW:extension:metadata"
    public static let hintKey = "sift.hint"
    public static let plainTypeKey = "sift.type"
    public static let ipv4Extension = "sift.ipv4"
    public static let ipv6Extension = "sift.ipv6"

    /// The Arrow format string of a Sift type (IP columns as `ips` asks).
    public static func format(_ type: ColumnType, ips: IPForm = .extension) -> String {
        if ips == .text, type == .ipv4 || type == .ipv6 { return "u" }
        return switch type {
        case .bool: "b"
        case .int32: "i"
        case .int64: "l"
        case .uint16: "S"
        case .uint32, .ipv4: "I"
        case .float64: "g"
        case .timestamp: "tsu:UTC"
        case .string: "u"
        case .binary: "z"
        case .ipv6: "w:16"
        }
    }

    /// The field metadata that goes with a Sift field: the IP extension (or plain marker) and
    /// the hint.
    public static func metadata(_ field: Field, ips: IPForm = .extension) -> [(String, String)] {
        var pairs: [(String, String)] = []
        if field.type == .ipv4 || field.type == .ipv6 {
            let name = field.type == .ipv4 ? ipv4Extension : ipv6Extension
            if ips == .extension {
                pairs.append((extensionNameKey, name))
                pairs.append((extensionMetadataKey, ""))
            } else {
                pairs.append((plainTypeKey, field.type.name))
            }
        }
        if field.hint != .none { pairs.append((hintKey, field.hint.name)) }
        return pairs
    }

    /// The Sift field for an Arrow field, when a new file or table takes its schema from Arrow
    /// data. `override` (from the caller) wins: e.g. utf8 addresses stored as ipv4.
    public static func field(_ arrow: ArrowField, override: (ColumnType, ColumnHint)? = nil) throws(ArrowInteropError) -> Field {
        if let (type, hint) = override {
            guard ArrowColumnImport.accepts(arrow.format, into: type) else {
                throw ArrowInteropError(.unsupportedType, "Arrow type '\(arrow.format)' cannot be stored as \(type.name)", column: arrow.name)
            }
            return Field(arrow.name, type, nullable: arrow.nullable, hint: hint)
        }
        let ext = arrow.metadata[extensionNameKey] ?? arrow.metadata[plainTypeKey].map { "sift." + $0 }
        let hint = arrow.metadata[hintKey].flatMap(ColumnHint.init(name:)) ?? .none
        let type: ColumnType
        switch arrow.format {
        case "b": type = .bool
        case "i": type = .int32
        case "l": type = .int64
        case "S": type = .uint16
        case "I": type = ext == ipv4Extension ? .ipv4 : .uint32
        case "g": type = .float64
        case "u", "U":
            // Text marked as addresses (IPForm.text) goes back to its IP type.
            type = ext == ipv4Extension ? .ipv4 : ext == ipv6Extension ? .ipv6 : .string
        case "z", "Z": type = .binary
        case "w:16" where ext == ipv6Extension: type = .ipv6
        case let f where f.hasPrefix("ts"): type = .timestamp
        default:
            throw ArrowInteropError(.unsupportedType, "Arrow type '\(arrow.format)' has no Sift column type (Sift stores bool, int32, int64, "
                + "uint16, uint32, float64, timestamp, utf8, binary, and IP addresses as sift.ipv4/sift.ipv6); cast the column first", column: arrow.name)
        }
        return Field(arrow.name, type, nullable: arrow.nullable, hint: type == .string ? hint : .none)
    }
}

extension ArrowTypeMapping {
    /// An IP column as text (``IPForm/text``); other columns unchanged. IPv4 addresses (and
    /// IPv4-mapped ones) are written digit by digit straight into the byte buffer: this runs
    /// for every row of every scan an engine asks for as text.
    static func ipText(_ column: ColumnVector) -> ColumnVector {
        let n = column.count
        var offsets = [UInt32](repeating: 0, count: n + 1)
        var bytes = [UInt8](repeating: 0, count: n * 15)
        var at = 0
        func dotted(_ a: UInt32) {
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = Int(a >> UInt32(shift) & 0xFF)
                if octet >= 100 { bytes[at] = UInt8(48 + octet / 100); at += 1 }
                if octet >= 10 { bytes[at] = UInt8(48 + octet / 10 % 10); at += 1 }
                bytes[at] = UInt8(48 + octet % 10)
                at += 1
                if shift > 0 { bytes[at] = UInt8(ascii: "."); at += 1 }
            }
        }
        switch column.values {
        case .ipv4(let v):
            for i in 0..<n {
                if !column.isNull(i) { dotted(v[i]) }
                offsets[i + 1] = UInt32(at)
            }
        case .ipv6(let v):
            for i in 0..<n {
                if !column.isNull(i) {
                    if let mapped = v[i].mappedIPv4 {
                        dotted(mapped)
                    } else {
                        let text = Array(TextForms.formatIPv6(v[i]).utf8)
                        if at + text.count > bytes.count { bytes += [UInt8](repeating: 0, count: max(text.count, bytes.count / 2)) }
                        for b in text { bytes[at] = b; at += 1 }
                    }
                }
                offsets[i + 1] = UInt32(at)
                // Keep room for the next address's 15 dotted bytes (IPv6 text is up to 39).
                if bytes.count - at < 39 { bytes += [UInt8](repeating: 0, count: max(64, bytes.count / 2)) }
            }
        default:
            return column
        }
        bytes.removeSubrange(at...)
        return ColumnVector(.string(VarBytes(offsets: offsets, bytes: bytes)), validity: column.validity)
    }
}

/// An Arrow field as the C data interface describes it (the parts Sift uses).
public struct ArrowField: Sendable, Equatable {
    public var name: String
    public var format: String
    public var metadata: [String: String]
    public var nullable: Bool
    /// Whether the field is dictionary-encoded (Sift takes decoded values only).
    public var dictionaryEncoded: Bool

    public init(name: String, format: String, metadata: [String: String] = [:], nullable: Bool = true, dictionaryEncoded: Bool = false) {
        self.name = name
        self.format = format
        self.metadata = metadata
        self.nullable = nullable
        self.dictionaryEncoded = dictionaryEncoded
    }
}
