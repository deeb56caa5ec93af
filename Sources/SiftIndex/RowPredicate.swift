import SiftFormat

/// A literal as written in a predicate, before it is typed against a column.
public enum Literal: Sendable, Equatable, CustomStringConvertible {
    /// A number's text (typed when bound: integer or float).
    case number(String)
    case string(String)
    /// An IP address (IPv4 held IPv4-mapped); `isV4` when written as a dotted quad.
    case ip(IPv6Address, isV4: Bool)
    case bool(Bool)

    public var description: String {
        switch self {
        case .number(let t): t
        case .string(let s): "'\(s)'"
        case .ip(let a, _): TextForms.formatIP(a)
        case .bool(let b): b ? "true" : "false"
        }
    }
}

/// How `match` compares a string value with its text.
public enum MatchKind: String, Sendable, Equatable {
    /// The value holds the text (`contains`).
    case contains
    /// The value holds the text, ASCII letters compared without case (`icontains`).
    case containsIgnoringCase = "icontains"
    /// The value equals the text, ASCII letters compared without case (`ieq`).
    case equalsIgnoringCase = "ieq"
    /// The value holds a match of a regular expression (`matches`; Swift's `Regex` syntax,
    /// unanchored like grep).
    case regex = "matches"
}

/// A comparison, spelled as in the predicate language.
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// A filter over rows, as parsed from text (`spec/predicates.md`), naming columns by name.
/// (Named so it does not clash with `Foundation.Predicate` in files that import both.)
///
/// ```swift
/// let p = try RowPredicate.parse("src_ip = 10.1.2.3 and dst_ip in 198.51.100.0/24 and ts >= '2026-08-01'")
/// ```
public indirect enum RowPredicate: Sendable, Equatable {
    case compare(column: String, ComparisonOperator, Literal)
    case inList(column: String, [Literal])
    /// `column in a.b.c.d/len` (or an IPv6 network).
    case inNetwork(column: String, IPv6Address, length: Int, isV4: Bool)
    case between(column: String, Literal, Literal)
    case startsWith(column: String, String)
    case endsWith(column: String, String)
    /// `column contains 'text'` (a substring), `icontains` (ASCII case-insensitively), or
    /// `ieq` (equal, ASCII case-insensitively): tests no index can prune.
    case match(column: String, String, MatchKind)
    case isNull(column: String, negated: Bool)
    case and([RowPredicate])
    case or([RowPredicate])
    case not(RowPredicate)

    /// Every column the predicate reads.
    public var columns: Set<String> {
        switch self {
        case .compare(let c, _, _), .inList(let c, _), .inNetwork(let c, _, _, _), .between(let c, _, _),
             .startsWith(let c, _), .endsWith(let c, _), .match(let c, _, _), .isNull(let c, _): [c]
        case .and(let ps), .or(let ps): ps.reduce(into: Set<String>()) { $0.formUnion($1.columns) }
        case .not(let p): p.columns
        }
    }
}
