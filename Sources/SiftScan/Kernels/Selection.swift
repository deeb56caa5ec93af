import SiftFormat

/// Which rows of a block pass a filter: one bit per row, 64 rows a word, row `i` at bit
/// `i % 64` of word `i / 64`. Bits past `count` are always zero.
public struct Selection: Sendable, Equatable {
    /// The selected rows as bits, 64 to a word.
    public var words: [UInt64]
    /// Rows the selection covers.
    public let count: Int

    /// No row (or, with `all`, every row) selected.
    public init(count: Int, all: Bool = false) {
        self.count = count
        words = Array(repeating: all ? ~0 : 0, count: (count + 63) / 64)
        if all { clearTail() }
    }

    /// A selection of `count` rows from words (bits past `count` are cleared).
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) / 64)
        self.words = words
        self.count = count
        clearTail()
    }

    /// The non-null rows of a validity bitmap (same bit layout).
    public init(validity: Bitmap) {
        self.init(words: validity.words, count: validity.count)
    }

    mutating func clearTail() {
        if count % 64 != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(count % 64)) - 1 }
    }

    /// Whether `row` is selected.
    public subscript(row: Int) -> Bool { words[row >> 6] >> UInt64(row & 63) & 1 == 1 }

    /// Rows selected.
    public var selectedCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The selected rows, ascending.
    public var indices: [Int] {
        var out: [Int] = []
        out.reserveCapacity(selectedCount)
        for (w, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                out.append(w << 6 | bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return out
    }

    /// Rows selected by both.
    public static func & (a: Selection, b: Selection) -> Selection {
        precondition(a.count == b.count)
        return Selection(words: zip(a.words, b.words).map { $0 & $1 }, count: a.count)
    }

    /// Rows selected by either.
    public static func | (a: Selection, b: Selection) -> Selection {
        precondition(a.count == b.count)
        return Selection(words: zip(a.words, b.words).map { $0 | $1 }, count: a.count)
    }

    public static prefix func ~ (a: Selection) -> Selection {
        Selection(words: a.words.map { ~$0 }, count: a.count)
    }
}
