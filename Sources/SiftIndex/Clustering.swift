import SiftFormat

/// Orders rows along a Morton or Hilbert curve over up to four columns, so that row groups and
/// pages hold narrow ranges of each and their statistics prune (`spec/predicates.md`,
/// "Clustering").
///
/// Each column is first mapped to an order-preserving unsigned integer, then to its rank
/// bucket: boundaries are quantiles of a sample (as Delta Lake's z-order does), so skewed data
/// (most addresses in 10.0.0.0/8, most names starting "www.") still spreads over the whole
/// key instead of sharing its high bits.
public struct Clustering: Sendable {
    /// The curve rows are ordered along.
    public var curve: SpaceFillingCurve
    /// The columns whose values are the curve's dimensions (1 to 4).
    public var columns: [String]
    /// Map through sampled quantile buckets (true) or use the raw order-preserving bits.
    public var rankBucketing = true

    /// A clustering over `columns`; `rankBucketing` maps values to sampled quantile buckets first.
    public init(curve: SpaceFillingCurve, columns: [String], rankBucketing: Bool = true) {
        self.curve = curve
        self.columns = columns
        self.rankBucketing = rankBucketing
    }

    /// Parses `zorder:a,b` or `hilbert:a,b,c`; `zorder-raw:` and `hilbert-raw:` skip rank
    /// bucketing (to compare; bucketing is better on skewed data).
    public init(parsing text: String) throws(BindError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let raw = name.hasSuffix("-raw")
        guard parts.count == 2, let curve = SpaceFillingCurve(rawValue: raw ? String(name.dropLast(4)) : name) else {
            throw BindError(message: "a clustering is zorder:COL,COL or hilbert:COL,COL (or zorder-raw:, hilbert-raw:), not '\(text)'")
        }
        let columns = parts[1].split(separator: ",").map(String.init)
        guard (1...4).contains(columns.count) else { throw BindError(message: "a clustering takes 1 to 4 columns") }
        self.init(curve: curve, columns: columns, rankBucketing: !raw)
    }

    /// The key-value pair a clustered file records in its footer.
    public var footerDescription: String { "\(curve.rawValue)\(rankBucketing ? "" : "-raw"):\(columns.joined(separator: ","))" }

    /// The permutation that orders `batch`'s rows along the curve (stable for equal keys).
    public func order(_ batch: RecordBatch) throws(BindError) -> [Int] {
        var indices: [Int] = []
        for name in columns {
            guard let i = batch.schema.index(of: name) else { throw BindError(message: "no column '\(name)' to cluster by") }
            indices.append(i)
        }
        let bits = 64 / indices.count
        let dimensions = indices.map { c -> [UInt64] in
            let raw = batch.schema.fields[c].hint == .domain ? Self.domainLocality(batch.columns[c]) : Self.orderPreserving(batch.columns[c])
            return rankBucketing ? Self.buckets(raw, bits: bits) : raw.map { $0 >> UInt64(64 - bits) }
        }
        let n = batch.rowCount
        var keys = [UInt64](repeating: 0, count: n)
        var point = [UInt64](repeating: 0, count: indices.count)
        for r in 0..<n {
            for d in 0..<indices.count { point[d] = dimensions[d][r] }
            keys[r] = curve.key(point, bits: bits)
        }
        return (0..<n).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
    }

    /// Values as unsigned integers in the column's order, nulls first (0).
    static func orderPreserving(_ column: ColumnVector) -> [UInt64] {
        let signBit: UInt64 = 1 << 63
        var out: [UInt64]
        switch column.values {
        case .bool(let v): out = v.map { $0 ? 2 : 1 }
        case .int32(let v): out = v.map { UInt64(bitPattern: Int64($0)) ^ signBit }
        case .int64(let v), .timestamp(let v): out = v.map { UInt64(bitPattern: $0) ^ signBit }
        case .uint16(let v): out = v.map { UInt64($0) << 48 }
        case .uint32(let v), .ipv4(let v): out = v.map { UInt64($0) << 32 }
        case .float64(let v): out = v.map { d in
            let b = d.bitPattern
            return b & signBit != 0 ? ~b : b | signBit
        }
        case .ipv6(let v): out = v.map { a in a.mappedIPv4.map { UInt64($0) << 32 } ?? a.high }
        case .string(let v), .binary(let v):
            out = (0..<v.count).map { i in v[i].prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(56 - 8 * $1.offset) } }
        }
        if let validity = column.validity { for i in out.indices where !validity[i] { out[i] = 0 } }
        return out
    }

    /// Keys that put names of one registered domain next to each other, and within it names of
    /// one subdomain: 32 bits from the last two labels, 16 from the third-last, 16 from the
    /// rest (hashes, so `ends_with '.evil.example'` and `= 'a.evil.example'` each fall in one
    /// stretch of the curve, which plain string order cannot give suffixes). Nulls are 0.
    static func domainLocality(_ column: ColumnVector) -> [UInt64] {
        guard case .string(let v) = column.values else { return orderPreserving(column) }
        func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 } }
        return (0..<v.count).map { i in
            if column.isNull(i) { return 0 }
            let name = ArraySlice(v[i].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
            var dots: [Int] = []
            for j in name.indices.reversed() where name[j] == 0x2E { dots.append(j); if dots.count == 3 { break } }
            let registered = dots.count >= 2 ? name[(dots[1] + 1)...] : name
            let third = dots.count >= 2 ? name[(dots.count >= 3 ? dots[2] + 1 : name.startIndex)..<dots[1]] : []
            let rest = dots.count >= 3 ? name[..<dots[2]] : []
            return (hash(registered) >> 32) << 32 | (hash(third) >> 48) << 16 | hash(rest) >> 48 | 1
        }
    }

    /// Each value's quantile bucket among 2^bits, from boundaries of a deterministic sample.
    static func buckets(_ values: [UInt64], bits: Int) -> [UInt64] {
        let bucketCount = 1 << min(bits, 20)
        let step = max(1, values.count / 200_000)
        var sample = stride(from: 0, to: values.count, by: step).map { values[$0] }
        sample.sort()
        // Distinct boundaries, so equal values share a bucket and rare values get their own.
        var boundaries: [UInt64] = []
        if !sample.isEmpty {
            for b in 1..<bucketCount {
                let v = sample[min(sample.count - 1, b * sample.count / bucketCount)]
                if boundaries.last != v { boundaries.append(v) }
            }
        }
        // Bucket i of n becomes i/n of the dimension's range. Distinct boundaries can be far
        // fewer than 2^bits (a few thousand internal hosts): numbered 0, 1, 2, … they would fill
        // only the low bits, and the curve's top levels would split rows by the other columns
        // alone, so a busy host's rows would land in every page.
        let bucketsUsed = UInt64(boundaries.count + 1)
        return values.map { v in
            // The number of boundaries <= v.
            var lo = 0, hi = boundaries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if boundaries[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            let spread = (UInt64(lo) << 20) / bucketsUsed  // < 2^20: lo < bucketsUsed <= 2^20
            return bits >= 20 ? spread << UInt64(bits - 20) : spread >> UInt64(20 - bits)
        }
    }
}
