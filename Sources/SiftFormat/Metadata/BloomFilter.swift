import SiftPlatform

/// A split-block bloom filter (`spec/format.md` §7.5), laid out and probed exactly as Parquet's
/// (parquet-format `BloomFilter.md`): 256-bit blocks of eight 32-bit words; a key's 64-bit
/// XXH64 hash picks a block with its upper 32 bits and one bit in each word with its lower 32
/// bits times a per-word salt.
///
/// ```
/// block i (32 bytes): | word 0 (u32 LE) | word 1 | ... | word 7 |
/// block  = ((hash >> 32) * block_count) >> 32
/// bit(w) = ((UInt32(hash & 0xffffffff) * SALT[w]) >> 27)        for w in 0..<8
/// ```
public struct BloomFilter: Sendable, Equatable {
    /// Parquet's salts (written out in `insert(hashes:)` too, where the loop is unrolled).
    static let salt: [UInt32] = [0x47b6_137b, 0x4497_4d91, 0x8824_ad5b, 0xa2b7_289d, 0x7054_95c7, 0x2df1_424b, 0x9efc_4947, 0x5c6b_fb31]

    /// Eight words per block.
    public private(set) var words: [UInt32]

    /// Number of 256-bit blocks.
    public var blockCount: Int { words.count / 8 }
    /// Size of the filter's bit array in bytes.
    public var byteCount: Int { words.count * 4 }

    /// An empty filter of `blocks` blocks.
    public init(blocks: Int) {
        precondition(blocks >= 1)
        words = Array(repeating: 0, count: blocks * 8)
    }

    /// A filter sized for `distinct` keys at false-positive rate `fpp` (see ``blocks(distinct:fpp:)``).
    public init(distinct: Int, fpp: Double) {
        self.init(blocks: Self.blocks(distinct: distinct, fpp: fpp))
    }

    /// Reads a filter's bytes (a multiple of 32, at least 32).
    init(bytes: [UInt8]) {
        precondition(bytes.count >= 32 && bytes.count % 32 == 0)
        words = (0..<(bytes.count / 4)).map { loadLE(UInt32.self, bytes, at: $0 * 4) }
    }

    var bytes: [UInt8] {
        var w = ByteWriter(capacity: byteCount)
        for word in words { w.le(word) }
        return w.bytes
    }

    @inline(__always)
    func block(_ hash: UInt64) -> Int { Int(((hash >> 32) &* UInt64(blockCount)) >> 32) }

    /// Adds one key's hash.
    public mutating func insert(hash: UInt64) { insert(hashes: CollectionOfOne(hash)) }

    /// Inserts many keys; one pass over the words without per-key checks of the array.
    public mutating func insert(hashes: some Sequence<UInt64>) {
        let blocks = UInt64(blockCount)
        words.withUnsafeMutableBufferPointer { w in
            for hash in hashes {
                let base = Int(((hash >> 32) &* blocks) >> 32) &* 8
                let key = UInt32(truncatingIfNeeded: hash)
                w[base] |= 1 << ((key &* 0x47b6_137b) >> 27)
                w[base &+ 1] |= 1 << ((key &* 0x4497_4d91) >> 27)
                w[base &+ 2] |= 1 << ((key &* 0x8824_ad5b) >> 27)
                w[base &+ 3] |= 1 << ((key &* 0xa2b7_289d) >> 27)
                w[base &+ 4] |= 1 << ((key &* 0x7054_95c7) >> 27)
                w[base &+ 5] |= 1 << ((key &* 0x2df1_424b) >> 27)
                w[base &+ 6] |= 1 << ((key &* 0x9efc_4947) >> 27)
                w[base &+ 7] |= 1 << ((key &* 0x5c6b_fb31) >> 27)
            }
        }
    }

    /// Blocks per checksummed segment (4 KiB): a probe reads and verifies one segment.
    public static let segmentBlocks = 128

    /// The segment holding the block `hash` maps to, in a filter of `blockCount` blocks.
    public static func segment(of hash: UInt64, blockCount: Int) -> Int {
        Int(((hash >> 32) &* UInt64(blockCount)) >> 32) / segmentBlocks
    }

    /// Probes a key against one segment's bytes (little-endian words of blocks
    /// `segment * 128 ..< ...`) of a filter of `blockCount` blocks.
    public static func mightContain(hash: UInt64, blockCount: Int, segment: Int, bytes: [UInt8]) -> Bool {
        let block = Int(((hash >> 32) &* UInt64(blockCount)) >> 32) - segment * segmentBlocks
        let key = UInt32(truncatingIfNeeded: hash)
        for i in 0..<8 {
            let word = loadLE(UInt32.self, bytes, at: (block * 8 + i) * 4)
            if word & (1 << ((key &* salt[i]) >> 27)) == 0 { return false }
        }
        return true
    }

    /// XXH3-64 of each 4 KiB segment of the filter's bytes, stored after them (§7.5).
    static func segmentChecksums(_ bytes: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + segmentBlocks * 32)
            w.le(Checksum.hash(bytes, start..<end))
            start = end
        }
        return w.bytes
    }

    /// False means no inserted key has this hash; true means one may have.
    public func mightContain(hash: UInt64) -> Bool {
        let base = block(hash) * 8
        let key = UInt32(truncatingIfNeeded: hash)
        for i in 0..<8 where words[base + i] & (1 << ((key &* Self.salt[i]) >> 27)) == 0 { return false }
        return true
    }

    /// The expected false-positive rate of `blocks` blocks holding `distinct` keys. Keys land in
    /// blocks unevenly (a Poisson number per block), and an overfull block answers "maybe" far
    /// more often, so the rate is averaged over block loads rather than taken at the mean load:
    /// `Σ_L P(L) · (1 − (31/32)^L)^8` with `L ~ Poisson(distinct / blocks)`.
    public static func falsePositiveRate(blocks: Int, distinct: Int) -> Double {
        let lambda = Double(distinct) / Double(blocks)
        if lambda == 0 { return 0 }
        var p = exp(-lambda)  // P(L = 0)
        var total = 0.0
        let last = Int(lambda + 12 * lambda.squareRoot() + 40)
        for load in 0...last {
            if load > 0 { p *= lambda / Double(load) }
            total += p * pow(1 - pow(31.0 / 32.0, Double(load)), 8)
        }
        return total
    }

    /// The fewest blocks whose expected false-positive rate (``falsePositiveRate(blocks:distinct:)``)
    /// is at most `fpp`. The textbook formula, `-n·ln(p)/ln(2)²` bits, assumes independent bits
    /// and under-sizes split-block filters (at 1% it gives 9.6 bits a key where 10.6 are needed).
    public static func blocks(distinct: Int, fpp: Double) -> Int {
        guard distinct > 0 else { return 1 }
        var low = 1, high = max(1, distinct)
        while falsePositiveRate(blocks: high, distinct: distinct) > fpp { high *= 2 }
        while low < high {
            let mid = (low + high) / 2
            if falsePositiveRate(blocks: mid, distinct: distinct) <= fpp { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
