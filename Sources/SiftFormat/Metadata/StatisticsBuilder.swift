/// Computes the statistics of a page from its logical values (`spec/format.md` §7).
enum StatisticsBuilder {
    static func compute(_ column: ColumnVector) -> Statistics {
        let valid = column.validity
        func isValid(_ i: Int) -> Bool { valid?[i] ?? true }
        var stats = Statistics(nullCount: UInt64(column.nullCount))

        func minMax<T>(_ values: [T], _ less: (T, T) -> Bool, skip: (T) -> Bool = { _ in false }) -> (T, T)? {
            var result: (T, T)?
            for i in values.indices where isValid(i) && !skip(values[i]) {
                let v = values[i]
                if let (lo, hi) = result {
                    result = (less(v, lo) ? v : lo, less(hi, v) ? v : hi)
                } else {
                    result = (v, v)
                }
            }
            return result
        }
        func leBytes<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

        switch column.values {
        case .bool(let v):
            if let (lo, hi) = minMax(v, { !$0 && $1 }) { stats.min = [lo ? 1 : 0]; stats.max = [hi ? 1 : 0] }
        case .int32(let v):
            if let (lo, hi) = minMax(v, <) { stats.min = leBytes(lo); stats.max = leBytes(hi) }
        case .int64(let v), .timestamp(let v):
            if let (lo, hi) = minMax(v, <) { stats.min = leBytes(lo); stats.max = leBytes(hi) }
        case .uint16(let v):
            if let (lo, hi) = minMax(v, <) { stats.min = leBytes(lo); stats.max = leBytes(hi) }
        case .uint32(let v), .ipv4(let v):
            if let (lo, hi) = minMax(v, <) { stats.min = leBytes(lo); stats.max = leBytes(hi) }
        case .float64(let v):
            // NaN is not ordered: it never becomes a bound. Zero bounds are written as -0.0
            // (min) and +0.0 (max) so either zero compares inside them.
            if let (lo, hi) = minMax(v, <, skip: { $0.isNaN }) {
                let lo2 = lo == 0 ? -0.0 : lo
                let hi2 = hi == 0 ? 0.0 : hi
                stats.min = leBytes(lo2.bitPattern)
                stats.max = leBytes(hi2.bitPattern)
            }
        case .ipv6(let v):
            if let (lo, hi) = minMax(v, <) { stats.min = bigEndianBytes(lo); stats.max = bigEndianBytes(hi) }
        case .string(let v), .binary(let v):
            var lo: ArraySlice<UInt8>?
            var hi: ArraySlice<UInt8>?
            for i in 0..<v.count where isValid(i) {
                let s = v[i]
                if lo == nil || s.lexicographicallyPrecedes(lo!) { lo = s }
                if hi == nil || hi!.lexicographicallyPrecedes(s) { hi = s }
            }
            if let lo, let hi {
                let limit = FormatLimits.statisticsPrefixBytes
                stats.min = Array(lo.prefix(limit))
                stats.minExact = lo.count <= limit
                if hi.count <= limit {
                    stats.max = Array(hi)
                } else {
                    stats.max = incrementedPrefix(Array(hi.prefix(limit)))
                    stats.maxExact = false
                }
            }
        }
        return stats
    }

    static func bigEndianBytes(_ v: IPv6Address) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v.high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v.low >> UInt64(shift))) }
        return out
    }

    /// The shortest byte string above every string that starts with `prefix`: the prefix with
    /// trailing 0xFF bytes dropped and the last byte incremented; nil when all bytes are 0xFF.
    static func incrementedPrefix(_ prefix: [UInt8]) -> [UInt8]? {
        var p = prefix
        while let last = p.last {
            if last < 0xFF { p[p.count - 1] = last + 1; return p }
            p.removeLast()
        }
        return nil
    }
}
