/// Infers a flat schema from NDJSON lines (`README`, "Schema inference"):
///
/// | values seen (nulls ignored)                     | column type                      |
/// |-------------------------------------------------|----------------------------------|
/// | only true/false                                 | bool                             |
/// | only integers that fit in 64 bits               | int64                            |
/// | integers and other numbers                      | float64                          |
/// | only strings that are IPv4 dotted quads         | ipv4                             |
/// | only IPv4 or IPv6 strings (any RFC 4291 form)    | ipv6 (IPv4 held IPv4-mapped)     |
/// | only ISO-8601 timestamps                        | timestamp                        |
/// | only other strings                              | string                           |
/// | objects, arrays, or a mix of kinds              | string with hint json (JSON text)|
/// | only nulls                                      | string                           |
///
/// Columns appear in the order their keys are first seen. String columns whose names say they
/// hold domains (`query`, `domain`, `host`, `server_name`, ...) get the hint domain.
public struct SchemaInference {
    struct Kinds: OptionSet {
        let rawValue: UInt16
        static let bool = Kinds(rawValue: 1)
        static let integer = Kinds(rawValue: 2)
        static let float = Kinds(rawValue: 4)
        static let string = Kinds(rawValue: 8)
        static let nested = Kinds(rawValue: 16)
        static let null = Kinds(rawValue: 32)
        static let bigInteger = Kinds(rawValue: 64)
    }

    struct Column {
        var name: String
        var kinds: Kinds = []
        var allIPv4 = true
        var allIP = true
        var allTimestamp = true
    }

    private(set) var columns: [Column] = []
    private var index: [String: Int] = [:]
    public private(set) var lines = 0

    public init() {}

    /// Records one object's keys and value kinds. Throws `JSONSyntaxError` for bad JSON.
    public mutating func observe(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws {
        lines += 1
        var seen = Set<Int>()
        try JSONLineParser().parseObject(bytes, range) { keyRange, keyEscaped, value in
            let name = keyEscaped ? String(decoding: try JSONLineParser.unescape(bytes, keyRange), as: UTF8.self)
                                  : String(decoding: UnsafeBufferPointer(rebasing: bytes[keyRange]), as: UTF8.self)
            let c: Int
            if let i = index[name] { c = i } else {
                c = columns.count
                index[name] = c
                columns.append(Column(name: name))
            }
            guard seen.insert(c).inserted else { throw JSONSyntaxError(message: "duplicate key \"\(name)\"", column: 0) }
            switch value {
            case .null: columns[c].kinds.insert(.null)
            case .bool: columns[c].kinds.insert(.bool)
            case .number(let r, let integer):
                if integer { columns[c].kinds.insert(NumberParsing.int64(bytes, r) == nil ? .bigInteger : .integer) }
                else { columns[c].kinds.insert(.float) }
            case .nested: columns[c].kinds.insert(.nested)
            case .string(let r, let escaped):
                columns[c].kinds.insert(.string)
                let text = escaped ? try JSONLineParser.unescape(bytes, r) : Array(UnsafeBufferPointer(rebasing: bytes[r]))
                if columns[c].allIPv4 || columns[c].allIP {
                    if TextForms.parseIPv4(text) == nil { columns[c].allIPv4 = false }
                    if !columns[c].allIPv4 && TextForms.parseIP(text) == nil { columns[c].allIP = false }
                }
                if columns[c].allTimestamp && TextForms.parseTimestamp(text) == nil { columns[c].allTimestamp = false }
            }
        }
    }

    static let domainNames: Set<String> = ["query", "domain", "host", "hostname", "server_name", "rrname", "sni", "dns.rrname", "http.hostname", "tls.sni", "dns.query"]

    /// The inferred schema; every column is nullable.
    public func schema() throws(FormatError) -> Schema {
        let fields = columns.map { c -> Field in
            var k = c.kinds
            k.remove(.null)
            let type: ColumnType
            var hint = ColumnHint.none
            switch k {
            case []: type = .string
            case .bool: type = .bool
            case .integer: type = .int64
            case [.integer, .float], .float, [.float, .bigInteger], [.integer, .bigInteger], [.integer, .float, .bigInteger], .bigInteger: type = .float64
            case .string:
                if c.allIPv4 { type = .ipv4 } else if c.allIP { type = .ipv6 } else if c.allTimestamp { type = .timestamp } else {
                    type = .string
                    if Self.domainNames.contains(c.name.lowercased()) { hint = .domain }
                }
            default: type = .string; hint = .json
            }
            return Field(c.name, type, nullable: true, hint: hint)
        }
        return try Schema(fields)
    }
}
