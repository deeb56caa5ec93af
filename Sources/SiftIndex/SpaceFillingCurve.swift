/// Morton (z-order) and Hilbert keys over up to four dimensions of `bits` bits each.
///
/// Morton interleaves from the most significant bit down across all dimensions: bit `b` of
/// dimension `d` lands at position `(b · k) + (k − 1 − d)` of the key, so every dimension's
/// high bits outrank every dimension's low bits. (A common implementation interleaves byte by
/// byte and lets each byte's low nibble outrank the next dimension's high nibble; the tests
/// check against a bit-by-bit reference.)
public enum SpaceFillingCurve: String, Sendable, CaseIterable, Codable {
    case morton = "zorder"
    case hilbert

    /// The key of a point whose coordinates each fit in `bits` bits (k · bits <= 64).
    public func key(_ coordinates: [UInt64], bits: Int) -> UInt64 {
        precondition(coordinates.count * bits <= 64 && !coordinates.isEmpty)
        switch self {
        case .morton: return Self.interleave(coordinates, bits: bits)
        case .hilbert: return Self.interleave(Self.hilbertTranspose(coordinates, bits: bits), bits: bits)
        }
    }

    /// Bit `b` (counting from the top, b = bits-1 ... 0) of each coordinate in turn.
    static func interleave(_ x: [UInt64], bits: Int) -> UInt64 {
        var key: UInt64 = 0
        for b in stride(from: bits - 1, through: 0, by: -1) {
            for d in 0..<x.count { key = key << 1 | (x[d] >> UInt64(b) & 1) }
        }
        return key
    }

    /// John Skilling's transform ("Programming the Hilbert curve", AIP Conf. Proc. 707, 2004):
    /// coordinates to the transposed Hilbert index, whose interleaving is the Hilbert key.
    static func hilbertTranspose(_ coordinates: [UInt64], bits: Int) -> [UInt64] {
        var x = coordinates
        let n = x.count
        let m: UInt64 = 1 << UInt64(bits - 1)
        // Inverse undo.
        var q = m
        while q > 1 {
            let p = q - 1
            for i in 0..<n {
                if x[i] & q != 0 {
                    x[0] ^= p
                } else {
                    let t = (x[0] ^ x[i]) & p
                    x[0] ^= t
                    x[i] ^= t
                }
            }
            q >>= 1
        }
        // Gray encode.
        for i in 1..<max(n, 1) where n > 1 { x[i] ^= x[i - 1] }
        var t: UInt64 = 0
        q = m
        while q > 1 {
            if x[n - 1] & q != 0 { t ^= q - 1 }
            q >>= 1
        }
        for i in 0..<n { x[i] ^= t }
        return x
    }
}
