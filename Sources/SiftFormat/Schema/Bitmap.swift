/// A fixed-length bitmap in 64-bit words, bit `i` at word `i / 64`, bit `i % 64` (LSB first),
/// the layout of validity bitmaps in pages (`spec/format.md` §5.2).
public struct Bitmap: Sendable, Equatable {
    /// The bits, 64 to a word, bit `i` at `words[i / 64] >> (i % 64)`.
    public private(set) var words: [UInt64]
    /// Number of bits.
    public private(set) var count: Int

    /// A bitmap of `count` bits, all set to `value`.
    public init(count: Int, value: Bool) {
        self.count = count
        let wordCount = (count + 63) / 64
        words = Array(repeating: value ? ~0 : 0, count: wordCount)
        if value { clearTail() }
    }

    /// A bitmap of `count` bits from words (bits past `count` are cleared).
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) / 64)
        self.words = words
        self.count = count
        clearTail()
    }

    /// A bitmap with one bit per element.
    public init(_ bits: [Bool]) {
        self.init(count: bits.count, value: false)
        for (i, bit) in bits.enumerated() where bit { self[i] = true }
    }

    /// Bit `i`.
    public subscript(i: Int) -> Bool {
        get { words[i >> 6] >> UInt64(i & 63) & 1 == 1 }
        set {
            if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    /// Number of set bits.
    public var popcount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Adds a bit at the end.
    public mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        count += 1
        if bit { self[count - 1] = true }
    }

    /// Appends every bit of `other`, a word at a time.
    public mutating func append(contentsOf other: Bitmap) {
        let shift = count & 63
        if shift == 0 {
            words.append(contentsOf: other.words)
        } else {
            // Each word of `other` fills the top of the last word and starts the next.
            for w in other.words {
                words[words.count - 1] |= w << UInt64(shift)
                words.append(w >> UInt64(64 - shift))
            }
        }
        count += other.count
        words.removeLast(words.count - (count + 63) / 64)
        clearTail()
    }

    /// Removes the last bit.
    public mutating func removeLast() {
        precondition(count > 0)
        self[count - 1] = false
        count -= 1
        if count & 63 == 0 { words.removeLast() }
    }

    /// Bits `range`, as a new bitmap starting at bit 0.
    public func slice(_ range: Range<Int>) -> Bitmap {
        var out = Bitmap(count: range.count, value: false)
        for i in range where self[i] { out[i - range.lowerBound] = true }
        return out
    }

    /// Bits `indices` (in range, any order), in that order, as a new bitmap.
    public func gathered(_ indices: [Int]) -> Bitmap {
        var out = Bitmap(count: indices.count, value: true)
        for (k, i) in indices.enumerated() where !self[i] { out[k] = false }
        return out
    }

    private mutating func clearTail() {
        let rem = count & 63
        if rem != 0 { words[words.count - 1] &= (1 << UInt64(rem)) - 1 }
    }
}
