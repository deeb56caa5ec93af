import SiftFormat
import SiftTestSupport
import Testing

/// Bulk appends (pages concatenated into row-group columns) against a value-by-value reference.
@Suite("Format: appending vectors")
struct AppendTests {
    @Test("bitmaps append a word at a time at every bit offset")
    func bitmaps() {
        var rng = SeededRandom(seed: 7)
        for first in [0, 1, 63, 64, 65, 130] {
            for second in [0, 1, 63, 64, 65, 200] {
                let a = (0..<first).map { _ in rng.next() % 3 != 0 }, b = (0..<second).map { _ in rng.next() % 2 == 0 }
                var bits = Bitmap(a)
                bits.append(contentsOf: Bitmap(b))
                #expect(bits == Bitmap(a + b), "\(first) + \(second)")
            }
        }
    }

    @Test("every type appends in place and keeps nulls", arguments: ColumnType.allCases)
    func vectors(type: ColumnType) {
        var random = RandomColumns(seed: 99 &+ UInt64(type.rawValue))
        let parts = (0..<5).map { i in random.column(type, count: [0, 1, 100, 64, 1000][i], shape: .uniform, nulls: i % 2 == 0 ? .sparse : .none) }
        var joined = ColumnVector.empty(type)
        for p in parts { joined.append(contentsOf: p) }
        var offset = 0
        for p in parts {
            #expect(joined.slice(offset..<(offset + p.count)) == p)
            offset += p.count
        }
        #expect(joined.count == offset)
        #expect(joined.nullCount == parts.reduce(0) { $0 + $1.nullCount })
    }
}
