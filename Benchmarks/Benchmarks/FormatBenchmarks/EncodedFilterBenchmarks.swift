import Benchmark
import Foundation
import SiftFormat
import SiftIndex
import SiftScan

/// Issue 4's encoded-page target: a filter on dictionary and frame-of-reference pages as
/// stored (`readEncodedPage` + `EncodedFilter`) against decode-then-filter (`readPage` +
/// `RowFilter.select`) on the same pages of the same file, in the same run. Each iteration
/// filters 64 pages of 8,192 rows (524,288 rows); pages are uncompressed so the comparison is
/// of decoding and filtering, not of zstd, which both paths pay alike.
func encodedFilterBenchmarks() {
    let config = Benchmark.Configuration(metrics: [.wallClock, .throughput], scalingFactor: .one, maxDuration: .seconds(2))
    var random = BenchRandom(state: 23)
    let rows = 64 * 8192
    let cases: [(name: String, type: ColumnType, encoding: Encoding, values: ColumnVector.Values, leaf: BoundPredicate)] = [
        ("dictionary ipv4 (4,000 hosts), equality", .ipv4, .dictionary,
         .ipv4((0..<rows).map { _ in 0x0A00_0000 | UInt32(random.next() % 4000) }), .compare(column: 0, .equal, .int(0x0A00_0000 | 17))),
        ("dictionary string (500 names), ends_with", .string, .dictionary,
         .string(VarBytes((0..<rows).map { _ in "host\(random.next() % 500).\(["evil", "good", "cdn"][Int(random.next() % 3)]).example" })),
         .endsWith(column: 0, Array(".evil.example".utf8))),
        ("frame-of-reference int64 (20-bit offsets), range", .int64, .frameOfReference,
         .int64((0..<rows).map { _ in 1_000_000 + Int64(random.next() % 1_000_000) }), .between(column: 0, .int(1_200_000), .int(1_300_000))),
    ]
    for c in cases {
        let path = NSTemporaryDirectory() + "sift-encoded-\(c.encoding)-\(c.type).sift"
        let schema = try! Schema([Field("v", c.type)])
        var options = WriterOptions()
        options.rowGroupRows = rows
        options.compression = .none
        options.columnEncoding = ["v": c.encoding]
        let writer = try! SiftWriter(path: path, schema: schema, options: options)
        try! writer.write(RecordBatch(schema: schema, columns: [ColumnVector(c.values)]))
        try! writer.close()
        let reader = try! SiftReader(path: path)
        let pageCount = try! reader.pages(rowGroup: 0, column: 0).count
        precondition(Set(try! reader.pages(rowGroup: 0, column: 0).map(\.encoding)) == [c.encoding])
        // Both paths must agree before they are timed.
        for p in 0..<pageCount {
            let decoded = try! reader.readPage(rowGroup: 0, column: 0, page: p)
            let a = RowFilter.select(c.leaf, columns: [0: decoded], count: decoded.count)
            let b = EncodedFilter.select(c.leaf, column: 0, type: c.type, page: try! reader.readEncodedPage(rowGroup: 0, column: 0, page: p)).indices
            precondition(a == b, "\(c.name): paths disagree on page \(p)")
        }
        Benchmark("filter \(c.name): decode then filter (64 pages)", configuration: config) { benchmark in
            for _ in benchmark.scaledIterations {
                var matched = 0
                for p in 0..<pageCount {
                    let decoded = try! reader.readPage(rowGroup: 0, column: 0, page: p)
                    matched += RowFilter.select(c.leaf, columns: [0: decoded], count: decoded.count).count
                }
                blackHole(matched)
            }
        }
        Benchmark("filter \(c.name): on the encoded page (64 pages)", configuration: config) { benchmark in
            for _ in benchmark.scaledIterations {
                var matched = 0
                for p in 0..<pageCount {
                    let page = try! reader.readEncodedPage(rowGroup: 0, column: 0, page: p)
                    matched += EncodedFilter.select(c.leaf, column: 0, type: c.type, page: page).selectedCount
                }
                blackHole(matched)
            }
        }
    }
}
