/// Statistics of a page or a column chunk (`spec/format.md` §7).
///
/// `min` and `max` hold values in their *statistics form* (§7.1): fixed-width values in their
/// PLAIN bytes (ipv6 as 16 big-endian bytes, bool as one byte), strings and binary as raw bytes
/// cut to at most `FormatLimits.statisticsPrefixBytes`. A cut bound is flagged inexact: a cut
/// `min` is a prefix of the true minimum (still a lower bound); a cut `max` is the prefix with
/// its last byte incremented (still an upper bound). Both are nil when no non-null, non-NaN
/// value exists.
public struct Statistics: Sendable, Equatable {
    /// Null values in the block.
    public var nullCount: UInt64
    /// The smallest value in its physical byte form (nil: unknown or all null).
    public var min: [UInt8]?
    /// The largest value in its physical byte form (nil: unknown or all null).
    public var max: [UInt8]?
    /// Whether `min` is a value present (false: only a lower bound, e.g. a truncated string).
    public var minExact: Bool
    /// Whether `max` is a value present (false: only an upper bound).
    public var maxExact: Bool
    /// An estimate of the number of distinct non-null values, when the writer recorded one.
    public var distinctCount: UInt64?

    /// Statistics from their parts.
    public init(nullCount: UInt64 = 0, min: [UInt8]? = nil, max: [UInt8]? = nil,
                minExact: Bool = true, maxExact: Bool = true, distinctCount: UInt64? = nil) {
        self.nullCount = nullCount
        self.min = min
        self.max = max
        self.minExact = minExact
        self.maxExact = maxExact
        self.distinctCount = distinctCount
    }

    /// Combines page statistics into chunk statistics.
    public func merged(with other: Statistics, type: ColumnType) -> Statistics {
        var out = Statistics(nullCount: nullCount + other.nullCount)
        switch (min, other.min) {
        case (nil, _): (out.min, out.minExact) = (other.min, other.minExact)
        case (_, nil): (out.min, out.minExact) = (min, minExact)
        case (let a?, let b?):
            let c = ValueOrder.compare(a, b, type: type)
            if c < 0 { (out.min, out.minExact) = (a, minExact) }
            else if c > 0 { (out.min, out.minExact) = (b, other.minExact) }
            else { (out.min, out.minExact) = (a, minExact && other.minExact) }
        }
        switch (max, other.max) {
        // No max but flagged inexact: values above every bound (an all-FF cut, §7.3). The
        // merge has no upper bound either; taking the other block's max would hide them.
        case (nil, _) where !maxExact, (_, nil) where !other.maxExact: (out.max, out.maxExact) = (nil, false)
        case (nil, _): (out.max, out.maxExact) = (other.max, other.maxExact)
        case (_, nil): (out.max, out.maxExact) = (max, maxExact)
        case (let a?, let b?):
            let c = ValueOrder.compare(a, b, type: type)
            if c > 0 { (out.max, out.maxExact) = (a, maxExact) }
            else if c < 0 { (out.max, out.maxExact) = (b, other.maxExact) }
            else { (out.max, out.maxExact) = (a, maxExact && other.maxExact) }
        }
        // The larger of two blocks' distinct counts: a lower bound for both together.
        if let a = distinctCount, let b = other.distinctCount { out.distinctCount = Swift.max(a, b) }
        return out
    }
}

/// The order of each type on statistics-form bytes (`spec/format.md` §7.2).
public enum ValueOrder {
    /// Compares two statistics-form values: negative, zero or positive.
    public static func compare(_ a: [UInt8], _ b: [UInt8], type: ColumnType) -> Int {
        func le(_ x: [UInt8]) -> UInt64 {
            var v: UInt64 = 0
            for (i, byte) in x.prefix(8).enumerated() { v |= UInt64(byte) << UInt64(8 * i) }
            return v
        }
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch type {
        case .bool, .uint16, .uint32, .ipv4: return cmp(le(a), le(b))
        case .int32: return cmp(Int32(truncatingIfNeeded: le(a)), Int32(truncatingIfNeeded: le(b)))
        case .int64, .timestamp: return cmp(Int64(bitPattern: le(a)), Int64(bitPattern: le(b)))
        case .float64: return cmp(Double(bitPattern: le(a)), Double(bitPattern: le(b)))
        case .ipv6, .string, .binary:
            // Unsigned lexicographic byte order (ipv6 is stored big-endian, so this is numeric).
            for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
            return cmp(a.count, b.count)
        }
    }
}
