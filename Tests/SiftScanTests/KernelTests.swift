import SiftFormat
import SiftScan
import SiftTestSupport
import Testing

/// Every kernel against a scalar reference: random values, every tail length up to two words,
/// unaligned starts, and null patterns combined through the validity bitmap.
@Suite("Filter kernels")
struct KernelTests {
    static func check<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, seed: UInt64,
                                                                         equal: (UnsafeBufferPointer<T>, T) -> Selection,
                                                                         between: (UnsafeBufferPointer<T>, T, T) -> Selection,
                                                                         inSet: (UnsafeBufferPointer<T>, [T]) -> Selection) {
        var rng = SeededRandom(seed: seed)
        for n in Array(0...130) + [1000, 1024, 4097] {
            for offset in 0..<3 {
                // Few distinct values, so equality and sets hit often; edges included.
                let pool: [T] = [0, 1, 2, T.max, T.max - 1, T(truncatingIfNeeded: rng.next()), 7, 100]
                let storage = (0..<(n + offset)).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }
                storage.withUnsafeBufferPointer { all in
                    let values = UnsafeBufferPointer(rebasing: all[offset...])
                    func reference(_ test: (T) -> Bool) -> Selection {
                        var s = Selection(count: values.count)
                        for (i, v) in values.enumerated() where test(v) { s.words[i >> 6] |= 1 << UInt64(i & 63) }
                        return s
                    }
                    let x = pool[Int(rng.next() % UInt64(pool.count))]
                    #expect(equal(values, x) == reference { $0 == x }, "equal \(T.self) n=\(n) offset=\(offset)")
                    let (a, b) = (pool[Int(rng.next() % 8)], pool[Int(rng.next() % 8)])
                    #expect(between(values, a, b) == reference { a <= $0 && $0 <= b }, "between \(T.self) n=\(n)")
                    let small = Array(pool.prefix(3)), large = pool + (0..<20).map { _ in T(truncatingIfNeeded: rng.next()) }
                    #expect(inSet(values, small) == reference { small.contains($0) })
                    #expect(inSet(values, []) == Selection(count: values.count))
                    #expect(inSet(values, [x]) == reference { $0 == x })
                    #expect(inSet(values, large) == reference { large.contains($0) })
                    // Nulls: the validity bitmap removes rows, whatever their placeholder value.
                    let validity = Bitmap((0..<values.count).map { _ in rng.next() % 3 != 0 })
                    let withNulls = equal(values, x) & Selection(validity: validity)
                    #expect(withNulls == reference { _ in true } & Selection(validity: validity) & reference { $0 == x })
                }
            }
        }
    }

    @Test func everyWidthMatchesTheScalarReference() {
        Self.check(UInt8.self, seed: 1, equal: CompareKernels.equal, between: CompareKernels.between, inSet: CompareKernels.inSet)
        Self.check(UInt16.self, seed: 2, equal: CompareKernels.equal, between: CompareKernels.between, inSet: CompareKernels.inSet)
        Self.check(UInt32.self, seed: 3, equal: CompareKernels.equal, between: CompareKernels.between, inSet: CompareKernels.inSet)
        Self.check(UInt64.self, seed: 4, equal: CompareKernels.equal, between: CompareKernels.between, inSet: CompareKernels.inSet)
    }

    @Test func networksMatchMaskAndCompare() {
        var rng = SeededRandom(seed: 9)
        let values = (0..<777).map { _ in UInt32(0x0A00_0000) | UInt32(truncatingIfNeeded: rng.next() % 0x0002_0000) }
        for length in [0, 8, 15, 16, 24, 31, 32] {
            let base = values[Int(rng.next() % 777)]
            let mask: UInt32 = length == 0 ? 0 : ~0 << UInt32(32 - length)
            let got = values.withUnsafeBufferPointer { CompareKernels.network($0, base: base, length: length) }
            #expect(got.indices == values.indices.filter { values[$0] & mask == base & mask }, "/\(length)")
        }
    }

    @Test func selectionsCombine() {
        let a = Selection(words: [0b1010], count: 4), b = Selection(words: [0b0110], count: 4)
        #expect((a & b).indices == [1])
        #expect((a | b).indices == [1, 2, 3])
        #expect((~a).indices == [0, 2])
        #expect(Selection(count: 70, all: true).selectedCount == 70)
        #expect((~Selection(count: 70)).selectedCount == 70, "bits past the count stay clear")
    }
}
