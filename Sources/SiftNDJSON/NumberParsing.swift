import SiftFormat
/// Exact conversions of JSON number text.
enum NumberParsing {
    /// A JSON integer's value, or nil when it does not fit in Int64.
    static func int64(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int64? {
        var p = r.lowerBound
        let negative = b[p] == 0x2D
        if negative { p += 1 }
        var v: UInt64 = 0
        while p < r.upperBound {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b[p] - 0x30))
            if o1 || o2 { return nil }
            v = a
            p += 1
        }
        if negative { return v <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- v) : nil }
        return v <= UInt64(Int64.max) ? Int64(v) : nil
    }

    private static let powers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    /// A JSON number as the nearest double. Uses the exact fast path (mantissa < 2^53 and a
    /// power of ten up to 10^22, each exactly representable) and the C library otherwise.
    static func double(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Double {
        var p = r.lowerBound
        let negative = b[p] == 0x2D
        if negative { p += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var simple = true
        while p < r.upperBound, isDigit(b[p]) {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(b[p] - 0x30); if mantissa > 0 { digits += 1 } } else { exponent += 1; simple = false }
            p += 1
        }
        if p < r.upperBound, b[p] == 0x2E {
            p += 1
            while p < r.upperBound, isDigit(b[p]) {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(b[p] - 0x30); if mantissa > 0 { digits += 1 }; exponent -= 1 } else { simple = false }
                p += 1
            }
        }
        if p < r.upperBound, b[p] == 0x65 || b[p] == 0x45 {
            p += 1
            var sign = 1
            if b[p] == 0x2D { sign = -1; p += 1 } else if b[p] == 0x2B { p += 1 }
            var e = 0
            while p < r.upperBound { e = min(e * 10 + Int(b[p] - 0x30), 100_000); p += 1 }
            exponent += sign * e
        }
        if simple, mantissa < 1 << 53, abs(exponent) <= 22 {
            let m = Double(mantissa)
            let v = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
            return negative ? -v : v
        }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)) ?? .nan
    }
}
