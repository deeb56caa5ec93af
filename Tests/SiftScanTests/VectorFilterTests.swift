import SiftFormat
import SiftIndex
@testable import SiftScan
import SiftTestSupport
import Testing

/// The vectorised evaluator against the row-by-row one, on random columns with nulls and random
/// predicates (every operator, keys inside and outside each type's range, and/or/not nesting).
@Suite("Vectorised predicate evaluation")
struct VectorFilterTests {
    @Test func ipv6LeavesAgreeWithTheRowPath() throws {
        var rng = SeededRandom(seed: 0x1F6)
        let n = 777
        // Few distinct values, so equality and sets hit: mapped IPv4, documentation IPv6, extremes.
        let pool: [IPv6Address] = [IPv6Address(high: 0, low: 0), IPv6Address(high: .max, low: .max), IPv6Address(mapping: 0x0A00_0001),
                                   IPv6Address(mapping: 0x0A00_0002), IPv6Address(high: 0x2001_0DB8_0000_0000, low: 1),
                                   IPv6Address(high: 0x2001_0DB8_0000_0000, low: 2), IPv6Address(high: 0x2001_0DB8_0000_0001, low: 0),
                                   IPv6Address(high: 1, low: .max), IPv6Address(high: 2, low: 0)]
        let column = ColumnVector(.ipv6((0..<n).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }),
                                  validity: Bitmap((0..<n).map { _ in rng.next() % 4 != 0 }))
        let columns = [0: column]
        func key() -> Key { .ip(pool[Int(rng.next() % UInt64(pool.count))]) }
        var checked = 0
        for round in 0..<600 {
            let p: BoundPredicate
            switch rng.next() % 4 {
            case 0: p = .compare(column: 0, ComparisonOperator.allCases[Int(rng.next() % 6)], key())
            case 1: p = .between(column: 0, key(), key())
            case 2: p = .inSet(column: 0, (0..<Int(rng.next() % 12)).map { _ in key() })
            default:
                let (a, b) = (key(), key())
                guard case .ip(let lo) = min(a, b), case .ip(let hi) = max(a, b) else { continue }
                p = .network(column: 0, low: .ip(lo), high: .ip(hi), base: lo, length: 64)
            }
            #expect(VectorFilter.leaf(p, column, n) != nil, "\(p) takes the kernel")
            let (rt, rf) = RowFilter.evaluate(p, columns, n)
            let (vt, vf) = VectorFilter.evaluate(p, columns, n)
            #expect(vt.indices == rt.indices.filter { rt[$0] }, "round \(round): true rows of \(p)")
            #expect(vf.indices == rf.indices.filter { rf[$0] }, "round \(round): false rows of \(p)")
            checked += 1
        }
        #expect(checked > 500)
    }

    @Test func stringLeavesAgreeWithTheRowPath() throws {
        var rng = SeededRandom(seed: 0x57A)
        let n = 900
        let pool = ["", "a", "ab", "abc", "b", "evil.example", "a.evil.example", "notevil.example", "é.example", "zz", "Z"]
        let column = ColumnVector(.string(VarBytes((0..<n).map { _ in pool[Int(rng.next() % UInt64(pool.count))] })),
                                  validity: Bitmap((0..<n).map { _ in rng.next() % 6 != 0 }))
        let columns = [0: column]
        func bytes() -> [UInt8] { Array(pool[Int(rng.next() % UInt64(pool.count))].utf8) }
        for round in 0..<800 {
            let p: BoundPredicate
            switch rng.next() % 5 {
            case 0, 1: p = .compare(column: 0, ComparisonOperator.allCases[Int(rng.next() % 6)], .bytes(bytes()))
            case 2: p = .between(column: 0, .bytes(bytes()), .bytes(bytes()))
            case 3: p = .inSet(column: 0, (0..<Int(rng.next() % 5)).map { _ in .bytes(bytes()) })
            default: p = rng.next() % 2 == 0 ? .startsWith(column: 0, bytes()) : .endsWith(column: 0, bytes())
            }
            #expect(VectorFilter.leaf(p, column, n) != nil, "\(p) takes the byte comparisons")
            let (rt, rf) = RowFilter.evaluate(p, columns, n)
            let (vt, vf) = VectorFilter.evaluate(p, columns, n)
            #expect(vt.indices == rt.indices.filter { rt[$0] }, "round \(round): true rows of \(p)")
            #expect(vf.indices == rf.indices.filter { rf[$0] }, "round \(round): false rows of \(p)")
        }
    }

    @Test func agreesWithTheRowPathOnRandomPredicates() throws {
        var rng = SeededRandom(seed: 0xF117)
        let n = 1000
        func valid() -> Bitmap { Bitmap((0..<n).map { _ in rng.next() % 5 != 0 }) }
        let columns: [Int: ColumnVector] = [
            0: ColumnVector(.uint16((0..<n).map { _ in [0, 1, 22, 443, 65535, UInt16(rng.next() % 100)][Int(rng.next() % 6)] }), validity: valid()),
            1: ColumnVector(.ipv4((0..<n).map { _ in 0x0A00_0000 | UInt32(rng.next() % 4096) })),
            2: ColumnVector(.int32((0..<n).map { _ in [Int32.min, -1, 0, 1, Int32.max, Int32(truncatingIfNeeded: rng.next() % 50) - 25][Int(rng.next() % 6)] }), validity: valid()),
            3: ColumnVector(.int64((0..<n).map { _ in [Int64.min, -5, 0, 7, Int64.max, Int64(rng.next() % 40) - 20][Int(rng.next() % 6)] }), validity: valid()),
            4: ColumnVector(.timestamp((0..<n).map { _ in 1_785_542_400_000_000 + Int64(rng.next() % 1000) })),
            5: ColumnVector(.uint32((0..<n).map { _ in UInt32(rng.next() % 10) }), validity: valid()),
        ]
        let interesting: [Int64] = [Int64.min, Int64(Int32.min) - 1, Int64(Int32.min), -25, -1, 0, 1, 7, 22, 100, 443, 4095, 65535, 65536,
                                    Int64(Int32.max), Int64(Int32.max) + 1, 0x0A00_0100, 1_785_542_400_000_500, Int64.max]
        func key() -> Key { .int(interesting[Int(rng.next() % UInt64(interesting.count))]) }
        func leaf() -> BoundPredicate {
            let c = Int(rng.next() % 6)
            switch rng.next() % 6 {
            case 0, 1: return .compare(column: c, ComparisonOperator.allCases[Int(rng.next() % 6)], key())
            case 2:
                let (a, b) = (key(), key())
                return .between(column: c, a, b)
            case 3: return .inSet(column: c, (0..<Int(rng.next() % 12)).map { _ in key() })
            case 4: return .isNull(column: c, negated: rng.next() % 2 == 0)
            default:
                let base = UInt32(0x0A00_0000) | UInt32(rng.next() % 4096)
                let length = [8, 20, 24, 30, 32][Int(rng.next() % 5)]
                let mask: UInt32 = ~0 << UInt32(32 - length)
                return .network(column: 1, low: .int(Int64(base & mask)), high: .int(Int64(base | ~mask)), base: IPv6Address(mapping: base & mask), length: length)
            }
        }
        func predicate(_ depth: Int) -> BoundPredicate {
            guard depth > 0, rng.next() % 3 != 0 else { return leaf() }
            switch rng.next() % 3 {
            case 0: return .and([predicate(depth - 1), predicate(depth - 1)])
            case 1: return .or([predicate(depth - 1), predicate(depth - 1)])
            default: return .not(predicate(depth - 1))
            }
        }
        for round in 0..<2000 {
            let p = predicate(3)
            let (rt, rf) = RowFilter.evaluate(p, columns, n)
            let (vt, vf) = VectorFilter.evaluate(p, columns, n)
            #expect(vt.indices == rt.indices.filter { rt[$0] }, "round \(round): true rows of \(p)")
            #expect(vf.indices == rf.indices.filter { rf[$0] }, "round \(round): false rows of \(p)")
            if vt.indices != rt.indices.filter({ rt[$0] }) { break }
        }
    }
}
