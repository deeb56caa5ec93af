/// The logical types of Sift columns (`spec/format.md` §3). Raw values are the type ids stored
/// in the footer.
public enum ColumnType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case bool = 1
    case int32 = 2
    case int64 = 3
    case uint16 = 4
    case uint32 = 5
    case float64 = 6
    /// Microseconds since 1970-01-01T00:00:00Z, as a signed 64-bit integer.
    case timestamp = 7
    /// UTF-8 text, validated on write and on read.
    case string = 8
    case binary = 9
    /// An IPv4 address as a 32-bit unsigned integer (a.b.c.d = a<<24 | b<<16 | c<<8 | d).
    case ipv4 = 10
    /// An IPv6 address; IPv4 addresses are held as IPv4-mapped (::ffff:a.b.c.d), so one column
    /// can hold both. Pages whose values are all IPv4 are stored 32 bits wide.
    case ipv6 = 11

    /// The name used in schema files and by `sift inspect`.
    public var name: String {
        switch self {
        case .bool: "bool"
        case .int32: "int32"
        case .int64: "int64"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .float64: "float64"
        case .timestamp: "timestamp"
        case .string: "string"
        case .binary: "binary"
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        }
    }

    public var description: String { name }

    /// Parses a type name as written in schema files.
    public init?(name: String) {
        guard let match = ColumnType.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// Bytes per value in the PLAIN encoding for fixed-width types; nil for variable-width ones
    /// (string, binary) and for bool (bit-packed).
    public var fixedWidth: Int? {
        switch self {
        case .uint16: 2
        case .int32, .uint32, .ipv4: 4
        case .int64, .float64, .timestamp: 8
        case .ipv6: 16
        case .bool, .string, .binary: nil
        }
    }

    /// Whether the type is stored as an integer that FOR, DELTA and RLE can encode.
    var isIntegerLike: Bool {
        switch self {
        case .int32, .int64, .uint16, .uint32, .timestamp, .ipv4: true
        default: false
        }
    }

    var isSigned: Bool { self == .int32 || self == .int64 || self == .timestamp }
    var isVariableWidth: Bool { self == .string || self == .binary }
}

/// A hint that tells higher layers how a string column is used (`spec/format.md` §3.3).
/// It never changes how bytes are stored.
public enum ColumnHint: UInt8, Sendable, CaseIterable {
    case none = 0
    /// Each value is a JSON text (an object or array kept whole); `sift cat` emits it unquoted.
    case json = 1
    /// Each value is a domain name or host name.
    case domain = 2

    /// The hint's name in schema files and the CLI (`none`, `json`, `domain`).
    public var name: String {
        switch self {
        case .none: "none"
        case .json: "json"
        case .domain: "domain"
        }
    }

    /// The hint named `name`; nil for an unknown name.
    public init?(name: String) {
        guard let match = ColumnHint.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}
