import SiftFormat
import SiftScan
import SiftTestSupport
import Testing

/// `RowOrder`: a full sort, and a top-k that keeps bounded memory, agree with a sort of
/// everything; nulls and NaN come last; equal keys keep arrival order.
@Suite("Scan: ordering rows")
struct RowOrderTests {
    @Test("top-k over many batches equals the first k of a full stable sort, both directions")
    func topK() throws {
        var rng = SeededRandom(seed: 5)
        let schema = try Schema([Field("v", .int64), Field("id", .int64, nullable: false), Field("f", .float64)])
        var all: [(Int64?, Int64, Double)] = []
        var order = [false: try RowOrder(by: "v", descending: false, limit: 25, schema: schema),
                     true: try RowOrder(by: "v", descending: true, limit: 25, schema: schema)]
        var floats = try RowOrder(by: "f", limit: nil, schema: schema)
        for b in 0..<200 {
            let n = 700
            var v: [Int64?] = [], ids: [Int64] = [], f: [Double] = []
            for i in 0..<n {
                v.append(rng.next() % 11 == 0 ? nil : Int64(rng.next() % 500) - 250)
                ids.append(Int64(b * n + i))
                f.append(rng.next() % 9 == 0 ? .nan : Double(rng.next() % 100))
            }
            all += zip(zip(v, ids), f).map { ($0.0, $0.1, $1) }
            let batch = try RecordBatch(schema: schema, columns: [.int64s(v), ColumnVector(.int64(ids)), ColumnVector(.float64(f))])
            try order[false]!.add(batch)
            try order[true]!.add(batch)
            if b < 3 { try floats.add(batch) }
        }
        for descending in [false, true] {
            // Nulls last; ties by arrival (id).
            let expected = all.sorted { a, b in
                switch (a.0, b.0) {
                case (nil, nil): return a.1 < b.1
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?): return x == y ? a.1 < b.1 : (descending ? x > y : x < y)
                }
            }.prefix(25).map(\.1)
            let result = try order[descending]!.result()
            #expect(result["id"]!.integers!.compactMap { $0 } == Array(expected), "descending \(descending)")
        }
        let sortedFloats = try floats.result()["f"]!.doubles!.compactMap { $0 }
        let firstNaN = sortedFloats.firstIndex { $0.isNaN } ?? sortedFloats.count
        #expect(sortedFloats[..<firstNaN] == sortedFloats[..<firstNaN].sorted()[...], "numbers ascending before every NaN")
        #expect(sortedFloats[firstNaN...].allSatisfy { $0.isNaN })
        #expect(throws: FormatError.self) { try RowOrder(by: "nope", schema: schema) }
    }
}
