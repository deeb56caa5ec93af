import SiftFormat

/// Filter kernels over blocks of plain fixed-width values: each turns a run of values into a
/// `Selection`, 64 values per output word. Each word is one branch-free loop of 64
/// compare-and-shift steps, which LLVM vectorises (compare, then pack the lane masks), as a C
/// compiler does the same loop at -O3. Written with `SIMD8` lanes, blends and `wrappedSum`
/// instead, the kernel measured 20x slower on the baseline x86-64 target (the mask-to-bits
/// step has no cheap lowering there), so the plain loop it is; `BENCHMARKS.md` §6 has both
/// against C. The kernels take signed and unsigned integers alike (the range test is one
/// wrapping subtraction compared as unsigned, which holds in either).
public enum CompareKernels {
    /// Rows whose value equals `x`.
    @inline(__always)
    static func equalKernel<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, _ x: T) -> Selection {
        select(values) { $0 == x }
    }

    /// Rows whose value is in `low...high`.
    @inline(__always)
    static func betweenKernel<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, _ low: T, _ high: T) -> Selection {
        guard low <= high else { return Selection(count: values.count) }
        // One unsigned comparison: v - low <= high - low, both wrapping, in two's complement.
        let width = T.Magnitude(truncatingIfNeeded: high &- low)
        return select(values) { T.Magnitude(truncatingIfNeeded: $0 &- low) <= width }
    }

    /// Rows whose value is one of `set`: a chain of comparisons for small sets, a sorted
    /// search behind a bit filter for large ones.
    @inline(__always)
    static func inSetKernel<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, _ set: [T]) -> Selection {
        let members = Array(Set(set)).sorted()
        guard members.count > 8 else {
            guard !members.isEmpty else { return Selection(count: values.count) }
            // A short chain of comparisons, unrolled by the compiler for each value.
            let m = members + Array(repeating: members.first ?? 0, count: 8 - members.count)
            return select(values) { v in v == m[0] || v == m[1] || v == m[2] || v == m[3] || v == m[4] || v == m[5] || v == m[6] || v == m[7] }
        }
        // A large set (indicator lists): a 65,536-bit filter on a hash of the value rules out
        // nearly every non-member with one load; only its hits pay the binary search.
        var filter = [UInt64](repeating: 0, count: 1024)
        for m in members { let h = filterSlot(m); filter[h >> 6] |= 1 << UInt64(h & 63) }
        var out = Selection(count: values.count)
        filter.withUnsafeBufferPointer { f in
            for i in 0..<values.count {
                let v = values[i], h = filterSlot(v)
                if f[h >> 6] & (1 << UInt64(h & 63)) != 0, Self.contains(members, v) { out.words[i >> 6] |= 1 << UInt64(i & 63) }
            }
        }
        return out
    }

    /// A value's bit in the large-set filter: the top 16 bits of a multiplicative hash.
    @inline(__always)
    static func filterSlot<T: FixedWidthInteger>(_ v: T) -> Int {
        Int((UInt64(truncatingIfNeeded: v) &* 0x9E37_79B9_7F4A_7C15) >> 48)
    }

    // Concrete entry points: generic code called across a module boundary is not specialised
    // (it ran ~300x slower), so each width gets its own specialised copy here.
    /// Rows of `v` equal to `x` (SIMD over 8-bit lanes).
    public static func equal(_ v: UnsafeBufferPointer<UInt8>, _ x: UInt8) -> Selection { equalKernel(v, x) }
    /// Rows of `v` equal to `x` (SIMD over 16-bit lanes).
    public static func equal(_ v: UnsafeBufferPointer<UInt16>, _ x: UInt16) -> Selection { equalKernel(v, x) }
    /// Rows of `v` equal to `x` (SIMD over 32-bit lanes).
    public static func equal(_ v: UnsafeBufferPointer<UInt32>, _ x: UInt32) -> Selection { equalKernel(v, x) }
    /// Rows of `v` equal to `x` (SIMD over 64-bit lanes).
    public static func equal(_ v: UnsafeBufferPointer<UInt64>, _ x: UInt64) -> Selection { equalKernel(v, x) }
    /// Rows of `v` in `l...h` (one unsigned compare per lane).
    public static func between(_ v: UnsafeBufferPointer<UInt8>, _ l: UInt8, _ h: UInt8) -> Selection { betweenKernel(v, l, h) }
    /// Rows of `v` in `l...h`.
    public static func between(_ v: UnsafeBufferPointer<UInt16>, _ l: UInt16, _ h: UInt16) -> Selection { betweenKernel(v, l, h) }
    /// Rows of `v` in `l...h`.
    public static func between(_ v: UnsafeBufferPointer<UInt32>, _ l: UInt32, _ h: UInt32) -> Selection { betweenKernel(v, l, h) }
    /// Rows of `v` in `l...h`.
    public static func between(_ v: UnsafeBufferPointer<UInt64>, _ l: UInt64, _ h: UInt64) -> Selection { betweenKernel(v, l, h) }
    /// Rows of `v` equal to any value of `s`.
    public static func inSet(_ v: UnsafeBufferPointer<UInt8>, _ s: [UInt8]) -> Selection { inSetKernel(v, s) }
    /// Rows of `v` equal to any value of `s`.
    public static func inSet(_ v: UnsafeBufferPointer<UInt16>, _ s: [UInt16]) -> Selection { inSetKernel(v, s) }
    /// Rows of `v` equal to any value of `s`.
    public static func inSet(_ v: UnsafeBufferPointer<UInt32>, _ s: [UInt32]) -> Selection { inSetKernel(v, s) }
    /// Rows of `v` equal to any value of `s`.
    public static func inSet(_ v: UnsafeBufferPointer<UInt64>, _ s: [UInt64]) -> Selection { inSetKernel(v, s) }

    /// Rows whose address lies in the network `base/length` of 32-bit addresses (IPv4, or the
    /// narrow pages of an ipv6 column): `(v ^ base) & mask == 0`.
    public static func network(_ values: UnsafeBufferPointer<UInt32>, base: UInt32, length: Int) -> Selection {
        let mask: UInt32 = length == 0 ? 0 : ~0 << UInt32(32 - length)
        let b = base & mask
        return select(values) { $0 & mask == b }
    }

    /// Rows of an ipv6 column (128-bit values, compared as numbers: high word, then low)
    /// within `low...high`: equality, ranges and networks all reduce to this.
    public static func between(_ values: UnsafeBufferPointer<IPv6Address>, _ low: IPv6Address, _ high: IPv6Address) -> Selection {
        if low == high { return select(values) { $0.high == low.high && $0.low == low.low } }
        return select(values) { !($0 < low) && !(high < $0) }
    }

    /// Rows of an ipv6 column whose value is one of `set`.
    public static func inSet(_ values: UnsafeBufferPointer<IPv6Address>, _ set: [IPv6Address]) -> Selection {
        let sorted = set.sorted()
        if sorted.count <= 8 { return select(values) { v in sorted.contains { $0.high == v.high && $0.low == v.low } } }
        return select(values) { contains(sorted, $0) }
    }

    static func contains<T: Comparable>(_ sorted: [T], _ x: T) -> Bool {
        var lo = 0, hi = sorted.count
        while lo < hi { let mid = (lo + hi) / 2; if sorted[mid] < x { lo = mid + 1 } else { hi = mid } }
        return lo < sorted.count && sorted[lo] == x
    }

    /// Runs `test` over every value: full groups of 64 as one branch-free word each, then the tail.
    @inline(__always)
    static func select<T>(_ values: UnsafeBufferPointer<T>, _ test: (T) -> Bool) -> Selection {
        let n = values.count
        guard let base = values.baseAddress, n > 0 else { return Selection(count: n) }
        var words = [UInt64](repeating: 0, count: (n + 63) / 64)
        let full = n / 64
        words.withUnsafeMutableBufferPointer { out in
            for g in 0..<full {
                var word: UInt64 = 0
                let p = base + g * 64
                for j in 0..<64 { word |= UInt64(test(p[j]) ? 1 : 0) << UInt64(j) }
                out[g] = word
            }
            if full * 64 < n {
                var word: UInt64 = 0
                for i in (full * 64)..<n where test(base[i]) { word |= 1 << UInt64(i - full * 64) }
                out[full] = word
            }
        }
        return Selection(words: words, count: n)
    }
}
