import SiftFormat

/// A small deterministic generator (the library's SplitMix64), so a failing random test can be
/// replayed from the seed it prints.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix

    /// The current state (the seed moves on with every value).
    public var state: UInt64 { generator.state }

    public init(seed: UInt64) { generator = SplitMix(seed) }

    public mutating func next() -> UInt64 { generator.next() }
}
