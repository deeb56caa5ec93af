import SiftFormat

/// What a block of rows (a row group or a page range) can hold for a predicate, from its
/// statistics: whether some row may make it true, and whether some row may make it false.
/// Null rows make a comparison neither (SQL's unknown), so `not` stays exact.
public struct Possibility: Sendable, Equatable {
    /// Some row of the block may satisfy the predicate.
    public var mayBeTrue: Bool
    /// Some row of the block may fail it (or be null).
    public var mayBeFalse: Bool

    /// Nothing is known: either may happen.
    public static let unknown = Possibility(mayBeTrue: true, mayBeFalse: true)
}

/// The statistics of one column over a block of rows, as keys of the column's order.
public struct ColumnBounds: Sendable {
    /// Rows in the block.
    public var rows: UInt64
    /// Null rows in the block.
    public var nullCount: UInt64
    /// A lower bound of the values (nil: none known).
    public var min: Key?
    /// An upper bound of the values (nil: none known).
    public var max: Key?
    /// Whether `min` is a value present, not just a bound.
    public var minExact: Bool
    /// Whether `max` is a value present, not just a bound.
    public var maxExact: Bool
    /// The column's type.
    public var type: ColumnType

    /// The bounds that statistics of a block of `rows` rows give.
    public init(_ s: Statistics, rows: UInt64, type: ColumnType) {
        self.rows = rows
        nullCount = s.nullCount
        min = s.min.flatMap { Key.fromStatistics($0, type: type) }
        max = s.max.flatMap { Key.fromStatistics($0, type: type) }
        minExact = s.minExact
        maxExact = s.maxExact
        self.type = type
    }

    /// Bounds given field by field (statistics still in a checkpoint's columns).
    public init(rows: UInt64, nullCount: UInt64, min: Key?, max: Key?, minExact: Bool, maxExact: Bool, type: ColumnType) {
        self.rows = rows
        self.nullCount = nullCount
        self.min = min
        self.max = max
        self.minExact = minExact
        self.maxExact = maxExact
        self.type = type
    }

    var nonNull: UInt64 { rows - Swift.min(nullCount, rows) }
    /// Every non-null value equals `min` (bounds exact and equal).
    var single: Key? { (minExact && maxExact && min != nil && min == max && type != .float64) ? min : nil }
}

/// Decides possibilities from what an index knows: bounds and, where given, bloom filter
/// probes (``Evidence/membership``: false means absent, nil means no filter).
extension Evidence {
    /// Whether `p` may be true, and may be false, for some row of the block (three-valued).
    public func evaluate(_ p: BoundPredicate) -> Possibility {
        switch p {
        case .constant(let v): return Possibility(mayBeTrue: v, mayBeFalse: !v)
        case .unknown: return Possibility(mayBeTrue: false, mayBeFalse: false)
        case .and(let ps):
            let parts = ps.map(evaluate)
            let mayBeTrue = parts.allSatisfy(\.mayBeTrue) && !pairAbsent(ps)
            return Possibility(mayBeTrue: mayBeTrue, mayBeFalse: parts.contains { $0.mayBeFalse })
        case .or(let ps):
            let parts = ps.map(evaluate)
            return Possibility(mayBeTrue: parts.contains { $0.mayBeTrue }, mayBeFalse: parts.allSatisfy(\.mayBeFalse))
        case .not(let inner):
            let x = evaluate(inner)
            return Possibility(mayBeTrue: x.mayBeFalse, mayBeFalse: x.mayBeTrue)
        case .isNull(let c, let negated):
            guard let b = bounds(c) else { return .unknown }
            let x = Possibility(mayBeTrue: b.nullCount > 0, mayBeFalse: b.nonNull > 0)
            return negated ? Possibility(mayBeTrue: x.mayBeFalse, mayBeFalse: x.mayBeTrue) : x
        default:
            return leaf(p)
        }
    }

    func leaf(_ p: BoundPredicate) -> Possibility {
        guard let c = p.leafColumn, let b = bounds(c) else { return .unknown }
        if b.nonNull == 0 { return Possibility(mayBeTrue: false, mayBeFalse: false) }
        // NaN is never a bound, so a float column may hold values outside them that make a
        // comparison false (or `!=` true): only "may be true" for in-range tests is decided.
        let floatColumn = b.type == .float64
        guard let lo = b.min, let hi = b.max else { return .unknown }
        var result: Possibility
        switch p {
        case .compare(_, let op, let v):
            switch op {
            case .equal: result = Possibility(mayBeTrue: lo <= v && v <= hi, mayBeFalse: b.single != v)
            case .notEqual: result = Possibility(mayBeTrue: floatColumn || b.single != v, mayBeFalse: lo <= v && v <= hi)
            case .less: result = Possibility(mayBeTrue: lo < v, mayBeFalse: hi >= v)
            case .lessOrEqual: result = Possibility(mayBeTrue: lo <= v, mayBeFalse: hi > v)
            case .greater: result = Possibility(mayBeTrue: hi > v, mayBeFalse: lo <= v)
            case .greaterOrEqual: result = Possibility(mayBeTrue: hi >= v, mayBeFalse: lo < v)
            }
            if op == .equal, result.mayBeTrue, probe(c, .value(v)) == false { result.mayBeTrue = false }
        case .inSet(_, let values):
            var inRange = values.filter { lo <= $0 && $0 <= hi }
            if !inRange.isEmpty, membership != nil { inRange = inRange.filter { probe(c, .value($0)) != false } }
            result = Possibility(mayBeTrue: !inRange.isEmpty, mayBeFalse: b.single.map { !values.contains($0) } ?? true)
        case .between(_, let low, let high):
            result = Possibility(mayBeTrue: hi >= low && lo <= high && low <= high, mayBeFalse: lo < low || hi > high)
        case .network(_, let low, let high, let base, let length):
            result = Possibility(mayBeTrue: hi >= low && lo <= high, mayBeFalse: lo < low || hi > high)
            if result.mayBeTrue, probe(c, .network(base, length: length)) == false { result.mayBeTrue = false }
        case .startsWith(_, let prefix):
            // Values with this prefix lie in [prefix, prefix + 0xFF...].
            guard case .bytes(let minBytes) = lo, case .bytes(let maxBytes) = hi else { return .unknown }
            let belowAll = maxBytes.lexicographicallyPrecedes(prefix) && !maxBytes.starts(with: prefix)
            let aboveAll = prefix.lexicographicallyPrecedes(minBytes) && !minBytes.starts(with: prefix)
            result = Possibility(mayBeTrue: !belowAll && !aboveAll, mayBeFalse: true)
        case .endsWith(_, let suffix):
            result = .unknown
            if suffix.first == 0x2E, probe(c, .suffix(suffix)) == false { result.mayBeTrue = false }
        case .match(_, let needle, let kind) where kind != .regex:
            // Every trigram of the needle must be in a filter that holds the column's trigrams
            // (lowercased, so one filter serves contains, icontains and ieq).
            result = .unknown
            for (a, b, d) in BloomKeys.trigrams(needle) where probe(c, .trigram(a, b, d)) == false {
                result.mayBeTrue = false
                break
            }
        default:
            result = .unknown
        }
        if floatColumn { result.mayBeFalse = true }
        // Null rows make every comparison unknown: they never make it true or false.
        return result
    }

    func probe(_ column: Int, _ key: BloomProbe) -> Bool? { membership?(column, key) }

    /// Whether two equalities of a conjunction, on different columns, name a pair of values
    /// that no row of the block holds together (``pairMembership``).
    func pairAbsent(_ conjuncts: [BoundPredicate]) -> Bool {
        guard let pairMembership else { return false }
        // Asked for every file a plan considers: the conjuncts are matched in place, nothing
        // is collected.
        for i in conjuncts.indices {
            guard case .compare(let ca, .equal, let a) = conjuncts[i] else { continue }
            for j in conjuncts.indices where j > i {
                guard case .compare(let cb, .equal, let b) = conjuncts[j], cb != ca else { continue }
                if pairMembership(ca, a, cb, b) == false { return true }
            }
        }
        return false
    }
}

/// What a predicate asks a bloom filter.
public enum BloomProbe: Sendable, Hashable {
    case value(Key)
    case network(IPv6Address, length: Int)
    /// A domain suffix starting with '.'.
    case suffix([UInt8])
    /// A 3-byte window of a string, ASCII letters lowercased.
    case trigram(UInt8, UInt8, UInt8)

    /// The key hash to probe in a filter on a column of `type` that holds `contents`
    /// (`spec/format.md` §7.6): a network probes the longest prefix length the filter indexes
    /// that fits in it. nil when the filter cannot answer (no indexed prefix length fits).
    public func hash(type: ColumnType, contents: BloomKeys.Contents = [.values, .networkPrefixes]) -> UInt64? {
        switch self {
        case .value(let key):
            switch (type, key) {
            case (.int32, .int(let v)): return BloomKeys.hash(littleEndian: Int32(truncatingIfNeeded: v))
            case (.int64, .int(let v)), (.timestamp, .int(let v)): return BloomKeys.hash(littleEndian: v)
            case (.uint16, .int(let v)): return v >= 0 && v <= 0xFFFF ? BloomKeys.hash(littleEndian: UInt16(v)) : nil
            case (.uint32, .int(let v)), (.ipv4, .int(let v)): return v >= 0 && v <= 0xFFFF_FFFF ? BloomKeys.hash(littleEndian: UInt32(v)) : nil
            case (.bool, .int(let v)): return BloomKeys.hash(littleEndian: UInt8(v != 0 ? 1 : 0))
            case (.float64, .double(let v)): return BloomKeys.hash(littleEndian: v.bitPattern)
            case (.string, .bytes(let v)), (.binary, .bytes(let v)): return BloomKeys.hash(bytes: v)
            case (.ipv6, .ip(let a)): return BloomKeys.hash(ipv6: a)
            default: return nil
            }
        case .network(let base, let length):
            if type == .ipv4, let v4 = base.mappedIPv4 {
                let ipLength = length
                guard let indexed = BloomKeys.networkLengths(contents, ipv4: true, mapped: false).last(where: { $0 <= ipLength }) else { return nil }
                return BloomKeys.hash(ipv4Network: v4, length: indexed)
            }
            if type == .ipv6 {
                let lengths = BloomKeys.networkLengths(contents, ipv4: false, mapped: base.mappedIPv4 != nil && length >= 96)
                guard let indexed = lengths.last(where: { $0 <= length }) else { return nil }
                return BloomKeys.hash(ipv6Network: base, length: indexed)
            }
            return nil
        case .suffix(let bytes):
            return type == .string ? BloomKeys.hash(bytes: bytes) : nil
        case .trigram(let a, let b, let c):
            return type == .string ? BloomKeys.hash(trigram: a, b, c) : nil
        }
    }
}
