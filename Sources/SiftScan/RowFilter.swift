import SiftFormat
import SiftIndex

/// Evaluates a bound predicate row by row over decoded columns, with SQL's three-valued logic:
/// a comparison on a null is unknown, `not` of unknown stays unknown, and only rows whose result
/// is true are selected. `select` runs the kernels of `VectorFilter` and falls back to this
/// row path for leaves they do not cover.
public enum RowFilter {
    /// Rows `0..<count` for which `predicate` is true; `columns` holds every column it reads.
    /// Integer, timestamp and ipv4 leaves run as vector kernels (`VectorFilter`).
    public static func select(_ predicate: BoundPredicate, columns: [Int: ColumnVector], count: Int) -> [Int] {
        VectorFilter.evaluate(predicate, columns, count).t.indices
    }

    /// (true, false) per row; a row with neither is unknown.
    static func evaluate(_ p: BoundPredicate, _ columns: [Int: ColumnVector], _ n: Int) -> ([Bool], [Bool]) {
        switch p {
        case .constant(let v): return (Array(repeating: v, count: n), Array(repeating: !v, count: n))
        case .unknown: return (Array(repeating: false, count: n), Array(repeating: false, count: n))
        case .and(let ps):
            var t = Array(repeating: true, count: n), f = Array(repeating: false, count: n)
            for q in ps {
                let (qt, qf) = evaluate(q, columns, n)
                for i in 0..<n { t[i] = t[i] && qt[i]; f[i] = f[i] || qf[i] }
            }
            return (t, f)
        case .or(let ps):
            var t = Array(repeating: false, count: n), f = Array(repeating: true, count: n)
            for q in ps {
                let (qt, qf) = evaluate(q, columns, n)
                for i in 0..<n { t[i] = t[i] || qt[i]; f[i] = f[i] && qf[i] }
            }
            return (t, f)
        case .not(let q):
            let (qt, qf) = evaluate(q, columns, n)
            return (qf, qt)
        case .isNull(let c, let negated):
            let column = columns[c]!
            let isNull = (0..<n).map { column.isNull($0) }
            let t = negated ? isNull.map { !$0 } : isNull
            return (t, t.map { !$0 })
        default:
            let c = p.columns.first!
            let column = columns[c]!
            let test = leafTest(p)
            var t = Array(repeating: false, count: n), f = Array(repeating: false, count: n)
            for i in 0..<n where !column.isNull(i) {
                let r = test(key(column, i))
                t[i] = r
                f[i] = !r
            }
            return (t, f)
        }
    }

    /// The test of a comparison leaf on one value.
    static func leafTest(_ p: BoundPredicate) -> (Key) -> Bool {
        switch p {
        case .compare(_, let op, let v):
            switch op {
            case .equal: return { $0 == v }
            case .notEqual: return { $0 != v }
            case .less: return { $0 < v }
            case .lessOrEqual: return { $0 < v || $0 == v }
            case .greater: return { v < $0 }
            case .greaterOrEqual: return { v < $0 || $0 == v }
            }
        case .inSet(_, let values):
            let set = Set(values)
            return { set.contains($0) }
        case .between(_, let low, let high):
            return { !($0 < low) && !(high < $0) }
        case .network(_, let low, let high, _, _):
            return { !($0 < low) && !(high < $0) }
        case .startsWith(_, let prefix):
            return { if case .bytes(let b) = $0 { b.starts(with: prefix) } else { false } }
        case .endsWith(_, let suffix):
            return { if case .bytes(let b) = $0 { b.count >= suffix.count && b.suffix(suffix.count).elementsEqual(suffix) } else { false } }
        case .match(_, let needle, let kind):
            let test = BoundPredicate.matcher(needle, kind)
            return { if case .bytes(let b) = $0 { b.withUnsafeBufferPointer(test) } else { false } }
        default:
            return { _ in false }
        }
    }

    /// Row `i` of a column as a key of the column's order. NaN compares false to everything,
    /// as `Double` does.
    static func key(_ column: ColumnVector, _ i: Int) -> Key {
        switch column.values {
        case .bool(let v): .int(v[i] ? 1 : 0)
        case .int32(let v): .int(Int64(v[i]))
        case .int64(let v), .timestamp(let v): .int(v[i])
        case .uint16(let v): .int(Int64(v[i]))
        case .uint32(let v), .ipv4(let v): .int(Int64(v[i]))
        case .float64(let v): .double(v[i])
        case .string(let v), .binary(let v): .bytes(Array(v[i]))
        case .ipv6(let v): .ip(v[i])
        }
    }
}
