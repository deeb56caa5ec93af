/// SplitMix64: a small, fast generator whose sequence is the same on every platform, for data
/// that must be reproducible from a seed (`sift gen`, the conformance corpus, benchmarks).
/// Not for anything secret.
package struct SplitMix: Sendable {
    package var state: UInt64
    package init(_ seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    package mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
