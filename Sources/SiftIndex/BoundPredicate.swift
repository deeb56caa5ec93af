import SiftFormat

/// A predicate typed against a schema: columns by index, literals as keys of each column's order
/// (`Key`). Networks become ranges (for min/max) plus the prefix that bloom filters index.
public indirect enum BoundPredicate: Sendable, Equatable {
    case compare(column: Int, ComparisonOperator, Key)
    case inSet(column: Int, [Key])
    /// Rows whose address lies in `low...high`, the network `base/length`.
    case network(column: Int, low: Key, high: Key, base: IPv6Address, length: Int)
    case between(column: Int, Key, Key)
    case startsWith(column: Int, [UInt8])
    case endsWith(column: Int, [UInt8])
    /// A substring or case-insensitive test (`RowPredicate.match`); for the case-insensitive
    /// kinds the text is lowercased (ASCII) already.
    case match(column: Int, [UInt8], MatchKind)
    case isNull(column: Int, negated: Bool)
    case and([BoundPredicate])
    case or([BoundPredicate])
    case not(BoundPredicate)
    /// A predicate that is the same for every row (a value outside its column's type).
    case constant(Bool)
    /// A test of a column that holds only nulls here, such as a column added to a table after
    /// the file was written: SQL's unknown for every row (neither true nor false).
    case unknown

    /// The column a single-column test reads; nil for `and`, `or`, `not` and constants.
    /// (Planning asks this of every leaf of every block: it builds no set.)
    public var leafColumn: Int? {
        switch self {
        case .compare(let c, _, _), .inSet(let c, _), .network(let c, _, _, _, _), .between(let c, _, _),
             .startsWith(let c, _), .endsWith(let c, _), .match(let c, _, _), .isNull(let c, _): c
        case .and, .or, .not, .constant, .unknown: nil
        }
    }

    /// Every column index the predicate reads.
    public var columns: Set<Int> {
        switch self {
        case .compare(let c, _, _), .inSet(let c, _), .network(let c, _, _, _, _), .between(let c, _, _),
             .startsWith(let c, _), .endsWith(let c, _), .match(let c, _, _), .isNull(let c, _): [c]
        case .and(let ps), .or(let ps): ps.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
        case .not(let p): p.columns
        case .constant, .unknown: []
        }
    }
}

/// A predicate that does not fit its schema: an unknown column or a value of the wrong type.
public struct BindError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What does not fit the schema, naming the column and the literal.
    public var message: String
    public var description: String { message }
}

extension RowPredicate {
    /// Types the predicate against `schema`.
    ///
    /// With `absentColumns`, columns of that set missing from `schema` read as all null (a
    /// table's column that a file predates): tests of them become `.unknown`, `is null` true.
    public func bind(to schema: Schema, absentColumns: [String: ColumnType] = [:]) throws(BindError) -> BoundPredicate {
        if let name = Self.absentColumn(self, schema: schema, absentColumns: absentColumns) {
            if case .isNull(_, let negated) = self { return .constant(!negated) }
            // Type-check the literal against the column's declared type all the same.
            _ = try bind(to: try! Schema([Field(name, absentColumns[name]!)]))
            return .unknown
        }
        func column(_ name: String) throws(BindError) -> (Int, Field) {
            guard let i = schema.index(of: name) else {
                throw BindError(message: "no column '\(name)'; the columns are: \(schema.fields.map(\.name).joined(separator: ", "))")
            }
            return (i, schema.fields[i])
        }
        switch self {
        case .compare(let name, let op, let literal):
            let (c, field) = try column(name)
            return .compare(column: c, op, try Self.key(literal, field))
        case .inList(let name, let literals):
            let (c, field) = try column(name)
            var keys: [Key] = []
            for l in literals { keys.append(try Self.key(l, field)) }
            return .inSet(column: c, keys)
        case .between(let name, let low, let high):
            let (c, field) = try column(name)
            return .between(column: c, try Self.key(low, field), try Self.key(high, field))
        case .inNetwork(let name, let address, let length, let isV4):
            let (c, field) = try column(name)
            switch field.type {
            case .ipv4:
                guard isV4, let v4 = address.mappedIPv4 else { throw BindError(message: "column '\(name)' is ipv4; \(TextForms.formatIP(address))/\(length) is an IPv6 network") }
                let mask: UInt32 = length == 0 ? 0 : ~((1 << UInt32(32 - length)) &- 1)
                return .network(column: c, low: .int(Int64(v4 & mask)), high: .int(Int64(v4 | ~mask)), base: IPv6Address(mapping: v4 & mask), length: length)
            case .ipv6:
                // An IPv4 network in an ipv6 column is the mapped range ::ffff:a.b.c.d/(96 + len).
                let bits = isV4 ? 96 + length : length
                let low = BloomKeys.mask(address, bits)
                let high = IPv6Address(high: low.high | (bits >= 64 ? 0 : (bits == 0 ? ~0 : (1 << UInt64(64 - bits)) &- 1)),
                                       low: low.low | (bits >= 128 ? 0 : (bits <= 64 ? ~0 : (1 << UInt64(128 - bits)) &- 1)))
                return .network(column: c, low: .ip(low), high: .ip(high), base: low, length: bits)
            default:
                throw BindError(message: "column '\(name)' is \(field.type), not an IP column; 'in a.b.c.d/len' needs ipv4 or ipv6")
            }
        case .startsWith(let name, let s), .endsWith(let name, let s):
            let (c, field) = try column(name)
            guard field.type == .string || field.type == .binary else {
                throw BindError(message: "starts_with and ends_with need a string column; '\(name)' is \(field.type)")
            }
            if case .startsWith = self { return .startsWith(column: c, Array(s.utf8)) }
            return .endsWith(column: c, Array(s.utf8))
        case .match(let name, let text, let kind):
            let (c, field) = try column(name)
            guard field.type == .string else {
                throw BindError(message: "\(kind.rawValue) needs a string column; '\(name)' is \(field.type)")
            }
            let bytes = Array(text.utf8)
            return .match(column: c, kind == .contains || kind == .regex ? bytes : bytes.map(asciiLowercased), kind)
        case .isNull(let name, let negated):
            return .isNull(column: try column(name).0, negated: negated)
        case .and(let ps):
            var out: [BoundPredicate] = []
            for p in ps { out.append(try p.bind(to: schema, absentColumns: absentColumns)) }
            return .and(out)
        case .or(let ps):
            var out: [BoundPredicate] = []
            for p in ps { out.append(try p.bind(to: schema, absentColumns: absentColumns)) }
            return .or(out)
        case .not(let p):
            return .not(try p.bind(to: schema, absentColumns: absentColumns))
        }
    }

    /// The column a leaf tests when that column is absent from `schema` but listed as absent.
    static func absentColumn(_ p: RowPredicate, schema: Schema, absentColumns: [String: ColumnType]) -> String? {
        let name: String
        switch p {
        case .compare(let n, _, _), .inList(let n, _), .between(let n, _, _), .inNetwork(let n, _, _, _),
             .startsWith(let n, _), .endsWith(let n, _), .match(let n, _, _), .isNull(let n, _): name = n
        case .and, .or, .not: return nil
        }
        return schema.index(of: name) == nil && absentColumns[name] != nil ? name : nil
    }

    /// An epoch number as microseconds, its unit told by its magnitude (`spec/predicates.md`,
    /// Typing): seconds below 1e11 (up to the year 5138), milliseconds below 1e14, microseconds
    /// below 1e17, nanoseconds below 1e20, so a time in any of the four units telemetry uses is
    /// read as that time. Nil for anything else (not finite, too large): never a trap.
    static func epochMicros(_ text: String) -> Int64? {
        guard let value = Double(text), value.isFinite else { return nil }
        let scale: Double
        switch abs(value) {
        case ..<1e11: scale = 1_000_000
        case ..<1e14: scale = 1_000
        case ..<1e17: scale = 1
        case ..<1e20: scale = 0.001
        default: return nil
        }
        let micros = (value * scale).rounded()
        // Every value below 1e17 fits Int64 (about 9.2e18); the check keeps that true by construction.
        guard micros > -9.2e18, micros < 9.2e18 else { return nil }
        return Int64(micros)
    }

    /// A literal as a key of the field's order, or an error naming the mismatch.
    static func key(_ literal: Literal, _ field: Field) throws(BindError) -> Key {
        func mismatch(_ what: String) -> BindError {
            BindError(message: "column '\(field.name)' is \(field.type); \(literal) is \(what)")
        }
        switch (field.type, literal) {
        case (.bool, .bool(let b)): return .int(b ? 1 : 0)
        case (.int32, .number(let t)), (.int64, .number(let t)), (.uint16, .number(let t)), (.uint32, .number(let t)):
            guard let v = Int64(t) else { throw mismatch("not an integer") }
            return .int(v)
        case (.float64, .number(let t)):
            guard let v = Double(t) else { throw mismatch("not a number") }
            return .double(v)
        case (.timestamp, .string(let s)):
            guard let micros = TextForms.parseTime(s) else { throw mismatch("not an ISO-8601 date or timestamp") }
            return .int(micros)
        case (.timestamp, .number(let t)):
            guard let micros = epochMicros(t) else {
                throw BindError(message: "column '\(field.name)' is timestamp; \(literal) is not an epoch time it can hold "
                    + "(seconds below 1e11, milliseconds below 1e14, microseconds below 1e17, nanoseconds below 1e20)")
            }
            return .int(micros)
        case (.string, .string(let s)), (.binary, .string(let s)): return .bytes(Array(s.utf8))
        case (.ipv4, .ip(let a, let isV4)):
            guard isV4, let v4 = a.mappedIPv4 else { throw mismatch("an IPv6 address") }
            return .int(Int64(v4))
        case (.ipv6, .ip(let a, _)): return .ip(a)
        case (.ipv4, .string(let s)), (.ipv6, .string(let s)):
            guard let a = TextForms.parseIP(Array(s.utf8)) else { throw mismatch("not an IP address") }
            return try key(.ip(a, isV4: TextForms.parseIPv4(Array(s.utf8)) != nil), field)
        default:
            throw mismatch("of another kind")
        }
    }
}

/// An ASCII letter in lower case; other bytes unchanged (case-insensitive `match`).
@inline(__always) package func asciiLowercased(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

extension BoundPredicate {
    /// The test of a `match` leaf (`needle` as bound: lowercased for the case-insensitive
    /// kinds), made once per leaf: a regular expression is looked up (and compiled) here, not
    /// for every value.
    package static func matcher(_ needle: [UInt8], _ kind: MatchKind) -> (UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .equalsIgnoringCase:
            return { value in value.count == needle.count && zip(value, needle).allSatisfy { asciiLowercased($0) == $1 } }
        case .regex:
            guard let regex = RegexCache.shared.regex(needle) else { return { _ in false } }
            return { value in String(decoding: value, as: UTF8.self).contains(regex) }
        case .contains, .containsIgnoringCase:
            let fold = kind == .containsIgnoringCase
            return { value in
                guard !needle.isEmpty else { return true }
                guard value.count >= needle.count else { return false }
                for start in 0...(value.count - needle.count) {
                    var k = 0
                    while k < needle.count, (fold ? asciiLowercased(value[start + k]) : value[start + k]) == needle[k] { k += 1 }
                    if k == needle.count { return true }
                }
                return false
            }
        }
    }
}
