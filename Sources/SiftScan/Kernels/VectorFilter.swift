import SiftFormat
import SiftIndex

/// Evaluates a bound predicate over a run of decoded rows a block at a time, with the same
/// three-valued logic as `RowFilter` (a comparison on a null is unknown; `not` of unknown stays
/// unknown): each node yields the rows where it is true and the rows where it is false as
/// `Selection`s. Comparisons, ranges, IN-sets and networks on integer, timestamp, ipv4 and ipv6
/// columns run as `CompareKernels`; string and binary tests compare bytes in place; other leaves
/// (floats, bool) take the row path.
enum VectorFilter {
    static func evaluate(_ p: BoundPredicate, _ columns: [Int: ColumnVector], _ n: Int) -> (t: Selection, f: Selection) {
        switch p {
        case .constant(let v): return (Selection(count: n, all: v), Selection(count: n, all: !v))
        case .unknown: return (Selection(count: n), Selection(count: n))
        case .and(let ps):
            var t = Selection(count: n, all: true), f = Selection(count: n)
            for q in ps { let r = evaluate(q, columns, n); t = t & r.t; f = f | r.f }
            return (t, f)
        case .or(let ps):
            if let hit = RangeUnion.evaluate(ps, columns, n), let c = ps.first?.columns.first, let column = columns[c] {
                let valid = validity(column, n)
                return (hit & valid, ~hit & valid)
            }
            var t = Selection(count: n), f = Selection(count: n, all: true)
            for q in ps { let r = evaluate(q, columns, n); t = t | r.t; f = f & r.f }
            return (t, f)
        case .not(let q):
            let r = evaluate(q, columns, n)
            return (r.f, r.t)
        case .isNull(let c, let negated):
            let valid = validity(columns[c]!, n)
            return negated ? (valid, ~valid) : (~valid, valid)
        default:
            if let c = p.columns.first, let column = columns[c], let hit = leaf(p, column, n) {
                let valid = validity(column, n)
                return (hit & valid, ~hit & valid)
            }
            let (t, f) = RowFilter.evaluate(p, columns, n)
            return (selection(t), selection(f))
        }
    }

    static func validity(_ column: ColumnVector, _ n: Int) -> Selection {
        column.validity.map { Selection(validity: $0) } ?? Selection(count: n, all: true)
    }

    static func selection(_ bits: [Bool]) -> Selection {
        var s = Selection(count: bits.count)
        for (i, b) in bits.enumerated() where b { s.words[i >> 6] |= 1 << UInt64(i & 63) }
        return s
    }

    /// Rows (ignoring nulls) where a leaf holds, by kernel; nil when the leaf has no kernel.
    static func leaf(_ p: BoundPredicate, _ column: ColumnVector, _ n: Int) -> Selection? {
        switch column.values {
        case .uint16(let v): v.withUnsafeBufferPointer { integerLeaf(p, $0, n) }
        case .uint32(let v), .ipv4(let v): v.withUnsafeBufferPointer { integerLeaf(p, $0, n) }
        case .int32(let v): v.withUnsafeBufferPointer { integerLeaf(p, $0, n) }
        case .int64(let v), .timestamp(let v): v.withUnsafeBufferPointer { integerLeaf(p, $0, n) }
        case .ipv6(let v): v.withUnsafeBufferPointer { ipv6Leaf(p, $0, n) }
        case .string(let v), .binary(let v): bytesLeaf(p, v, n)
        default: nil
        }
    }

    /// A leaf on strings or binary whose keys are `.bytes`: equality, order, IN-sets, prefixes
    /// and suffixes, comparing each value's bytes where they lie (no per-row key is built).
    static func bytesLeaf(_ p: BoundPredicate, _ v: VarBytes, _ n: Int) -> Selection? {
        func test(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Selection {
            var out = Selection(count: n)
            v.offsets.withUnsafeBufferPointer { offsets in
                v.bytes.withUnsafeBufferPointer { bytes in
                    for i in 0..<n {
                        let value = UnsafeBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])
                        if body(value) { out.words[i >> 6] |= 1 << UInt64(i & 63) }
                    }
                }
            }
            return out
        }
        func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
            a.count == b.count && b.withUnsafeBufferPointer { a.elementsEqual($0) }
        }
        func less(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
        switch p {
        case .compare(_, let op, .bytes(let k)):
            switch op {
            case .equal: return test { equal($0, k) }
            case .notEqual: return test { !equal($0, k) }
            case .less: return test { less($0, k) }
            case .lessOrEqual: return test { !k.lexicographicallyPrecedes($0) }
            case .greater: return test { k.lexicographicallyPrecedes($0) }
            case .greaterOrEqual: return test { !less($0, k) }
            }
        case .between(_, .bytes(let lo), .bytes(let hi)):
            return test { !less($0, lo) && !hi.lexicographicallyPrecedes($0) }
        case .inSet(_, let keys):
            var set = Set<[UInt8]>()
            for key in keys {
                guard case .bytes(let b) = key else { return nil }
                set.insert(b)
            }
            let lengths = Set(set.map(\.count))
            return test { lengths.contains($0.count) && set.contains(Array($0)) }
        case .startsWith(_, let prefix):
            return test { value in value.count >= prefix.count && prefix.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: value[0..<$0.count]).elementsEqual($0) } }
        case .endsWith(_, let suffix):
            return test { value in value.count >= suffix.count && suffix.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: value[(value.count - $0.count)...]).elementsEqual($0) } }
        case .match(_, let needle, let kind):
            return test(BoundPredicate.matcher(needle, kind))
        default:
            return nil
        }
    }

    /// A leaf on an ipv6 column whose keys are `.ip`: comparisons, ranges, networks, IN-sets.
    static func ipv6Leaf(_ p: BoundPredicate, _ values: UnsafeBufferPointer<IPv6Address>, _ n: Int) -> Selection? {
        let lowest = IPv6Address(high: 0, low: 0), highest = IPv6Address(high: .max, low: .max)
        switch p {
        case .compare(_, let op, .ip(let k)):
            switch op {
            case .equal: return CompareKernels.between(values, k, k)
            case .notEqual: return ~CompareKernels.between(values, k, k)
            case .lessOrEqual: return CompareKernels.between(values, lowest, k)
            case .greaterOrEqual: return CompareKernels.between(values, k, highest)
            case .less: return ~CompareKernels.between(values, k, highest)
            case .greater: return ~CompareKernels.between(values, lowest, k)
            }
        case .between(_, .ip(let lo), .ip(let hi)), .network(_, .ip(let lo), .ip(let hi), _, _):
            return lo <= hi ? CompareKernels.between(values, lo, hi) : Selection(count: n)
        case .inSet(_, let keys):
            var set: [IPv6Address] = []
            for key in keys {
                guard case .ip(let a) = key else { return nil }
                set.append(a)
            }
            return CompareKernels.inSet(values, set)
        default:
            return nil
        }
    }

    /// A leaf on integers whose keys are `.int`, clamped to the type's range.
    static func integerLeaf<T: FixedWidthInteger>(_ p: BoundPredicate, _ values: UnsafeBufferPointer<T>, _ n: Int) -> Selection? {
        rangeLeaf(p, n, lowest: Int64(T.min), highest: Int64(T.max)) { lo, hi in
            CompareKernels.betweenKernel(values, T(lo), T(hi))
        } inSet: { keys in
            CompareKernels.inSetKernel(values, keys.map { T($0) })
        }
    }

    /// Turns a leaf into one range test (`lo...hi`, within `lowest...highest`) or one set test.
    static func rangeLeaf(_ p: BoundPredicate, _ n: Int, lowest: Int64, highest: Int64,
                          range: (Int64, Int64) -> Selection, inSet: ([Int64]) -> Selection) -> Selection? {
        func within(_ lo: Int64, _ hi: Int64) -> Selection {
            let l = Swift.max(lo, lowest), h = Swift.min(hi, highest)
            return l > h ? Selection(count: n) : range(l, h)
        }
        switch p {
        case .compare(_, let op, .int(let k)):
            switch op {
            case .equal: return within(k, k)
            case .notEqual: return ~within(k, k)
            case .less: return k == Int64.min ? Selection(count: n) : within(lowest, k - 1)
            case .lessOrEqual: return within(lowest, k)
            case .greater: return k == Int64.max ? Selection(count: n) : within(k + 1, highest)
            case .greaterOrEqual: return within(k, highest)
            }
        case .between(_, .int(let lo), .int(let hi)): return within(lo, hi)
        case .network(_, .int(let lo), .int(let hi), _, _): return within(lo, hi)
        case .inSet(_, let keys):
            var ints: [Int64] = []
            for key in keys {
                guard case .int(let k) = key else { return nil }
                if k >= lowest && k <= highest { ints.append(k) }
            }
            return inSet(ints)
        default:
            return nil
        }
    }
}
