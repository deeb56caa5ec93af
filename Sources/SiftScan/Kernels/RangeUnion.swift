import SiftFormat
import SiftIndex

/// An `or` of many equality, `in` and network tests on one integer or IP column (an indicator
/// sweep: `dst_ip in file('scanners.txt')` with a thousand networks) evaluated as one sorted
/// union of ranges, a binary search per value, instead of one pass over the block per network.
enum RangeUnion {
    /// Fewer leaves than this take the ordinary path (a pass per leaf is cheap then).
    static let minimumLeaves = 8

    /// Rows (ignoring nulls) where some leaf of `ps` holds; nil when `ps` is not such an `or`.
    static func evaluate(_ ps: [BoundPredicate], _ columns: [Int: ColumnVector], _ n: Int) -> Selection? {
        guard ps.count >= minimumLeaves, let c = ps.first?.columns.first, let column = columns[c] else { return nil }
        var ranges: [(Key, Key)] = []
        for p in ps {
            switch p {
            case .network(c, let lo, let hi, _, _), .between(c, let lo, let hi): ranges.append((lo, hi))
            case .compare(c, .equal, let k): ranges.append((k, k))
            case .inSet(c, let keys): ranges += keys.map { ($0, $0) }
            default: return nil
            }
        }
        let merged = merge(ranges)
        switch column.values {
        case .ipv4(let v), .uint32(let v): return select(v, n) { contains(merged, .int(Int64($0))) }
        case .uint16(let v): return select(v, n) { contains(merged, .int(Int64($0))) }
        case .int32(let v): return select(v, n) { contains(merged, .int(Int64($0))) }
        case .int64(let v), .timestamp(let v): return select(v, n) { contains(merged, .int($0)) }
        case .ipv6(let v): return select(v, n) { contains(merged, .ip($0)) }
        default: return nil
        }
    }

    /// Sorted, non-overlapping ranges covering the same keys.
    static func merge(_ ranges: [(Key, Key)]) -> [(Key, Key)] {
        var out: [(Key, Key)] = []
        for (lo, hi) in ranges.sorted(by: { $0.0 < $1.0 }) where !(hi < lo) {
            if let last = out.last, !(last.1 < lo) {
                if last.1 < hi { out[out.count - 1].1 = hi }
            } else {
                out.append((lo, hi))
            }
        }
        return out
    }

    /// Whether a range of `sorted` holds `key` (binary search for the last range starting at or
    /// below it).
    static func contains(_ sorted: [(Key, Key)], _ key: Key) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if key < sorted[mid].0 { high = mid } else { low = mid + 1 }
        }
        return low > 0 && !(sorted[low - 1].1 < key)
    }

    static func select<T>(_ values: [T], _ n: Int, _ test: (T) -> Bool) -> Selection {
        var s = Selection(count: n)
        for i in 0..<n where test(values[i]) { s.words[i >> 6] |= 1 << UInt64(i & 63) }
        return s
    }
}
