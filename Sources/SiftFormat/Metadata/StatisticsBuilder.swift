import SiftPlatform

/// Computes the statistics of a page from its logical values (`spec/format.md` §7).
public enum StatisticsBuilder {
    /// The statistics of a column's values, as the writer records them.
    public static func compute(_ column: ColumnVector) -> Statistics {
        let valid = column.validity
        var stats = Statistics(nullCount: UInt64(column.nullCount))
        func leBytes<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

        switch column.values {
        case .bool(let v):
            var sawFalse = false, sawTrue = false
            for i in v.indices where valid?[i] ?? true { if v[i] { sawTrue = true } else { sawFalse = true } }
            if sawFalse || sawTrue { stats.min = [sawFalse ? 0 : 1]; stats.max = [sawTrue ? 1 : 0] }
        case .int32(let v):
            if let (lo, hi) = minMax(v, valid) { stats.min = leBytes(lo); stats.max = leBytes(hi) }
        case .int64(let v), .timestamp(let v):
            if let (lo, hi) = minMax(v, valid) { stats.min = leBytes(lo); stats.max = leBytes(hi) }
        case .uint16(let v):
            if let (lo, hi) = minMax(v, valid) { stats.min = leBytes(lo); stats.max = leBytes(hi) }
        case .uint32(let v), .ipv4(let v):
            if let (lo, hi) = minMax(v, valid) { stats.min = leBytes(lo); stats.max = leBytes(hi) }
        case .float64(let v):
            // NaN is not ordered: it never becomes a bound. Zero bounds are written as -0.0
            // (min) and +0.0 (max) so either zero compares inside them.
            var lo = Double.infinity, hi = -Double.infinity
            var any = false
            for i in v.indices where !v[i].isNaN && (valid?[i] ?? true) {
                any = true
                lo = Swift.min(lo, v[i])
                hi = Swift.max(hi, v[i])
            }
            if any {
                stats.min = leBytes((lo == 0 ? -0.0 : lo).bitPattern)
                stats.max = leBytes((hi == 0 ? 0.0 : hi).bitPattern)
            }
        case .ipv6(let v):
            if let (lo, hi) = minMax(v, valid) { stats.min = bigEndianBytes(lo); stats.max = bigEndianBytes(hi) }
        case .string(let v), .binary(let v):
            var lo = -1, hi = -1
            v.bytes.withUnsafeBufferPointer { bytes in
                func less(_ a: Int, _ b: Int) -> Bool {
                    let (a0, a1, b0, b1) = (Int(v.offsets[a]), Int(v.offsets[a + 1]), Int(v.offsets[b]), Int(v.offsets[b + 1]))
                    let n = Swift.min(a1 - a0, b1 - b0)
                    let c = n == 0 ? 0 : memcmp(bytes.baseAddress! + a0, bytes.baseAddress! + b0, n)
                    return c < 0 || (c == 0 && a1 - a0 < b1 - b0)
                }
                for i in 0..<v.count where valid?[i] ?? true {
                    if lo < 0 { lo = i; hi = i; continue }
                    if less(i, lo) { lo = i }
                    if less(hi, i) { hi = i }
                }
            }
            if lo >= 0 {
                let low = v[lo], high = v[hi]
                let limit = FormatLimits.statisticsPrefixBytes
                stats.min = Array(low.prefix(limit))
                stats.minExact = low.count <= limit
                if high.count <= limit {
                    stats.max = Array(high)
                } else {
                    stats.max = incrementedPrefix(Array(high.prefix(limit)))
                    stats.maxExact = false
                }
            }
        }
        return stats
    }

    /// Minimum and maximum of the valid values; a tight loop when nothing is null.
    static func minMax<T: Comparable>(_ values: [T], _ validity: Bitmap?) -> (T, T)? {
        guard !values.isEmpty else { return nil }
        if let validity {
            var result: (T, T)?
            for i in values.indices where validity[i] {
                let v = values[i]
                if let (lo, hi) = result { result = (v < lo ? v : lo, hi < v ? v : hi) } else { result = (v, v) }
            }
            return result
        }
        return values.withUnsafeBufferPointer { buf in
            var lo = buf[0], hi = buf[0]
            for v in buf {
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
            return (lo, hi)
        }
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
