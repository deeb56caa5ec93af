import Benchmark
import Foundation
import SiftFormat
import SiftIndex
import SiftTable

/// Issue 5's targets: small commits per second, and planning over a table of 10,000 files
/// behind 1,000 commits and a checkpoint.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(10), maxIterations: 1000)

    let schema = try! Schema([Field("ts", .timestamp, nullable: false), Field("src_ip", .ipv4), Field("dst_ip", .ipv4), Field("bytes", .int64)])
    let day: Int64 = 86_400_000_000
    let start: Int64 = 1_785_542_400_000_000   // 2026-08-01T00:00:00Z

    /// `rows` rows, one per day from `firstDay`, so a partitioned append writes one file per row.
    func batch(rows: Int, seed: Int) -> RecordBatch {
        try! RecordBatch(schema: schema, columns: [
            ColumnVector(.timestamp((0..<rows).map { start + Int64($0) * day + Int64(seed % 86_400) * 1_000_000 })),
            ColumnVector(.ipv4((0..<rows).map { 0x0A00_0000 | UInt32((seed * 7 + $0) % 65_536) })),
            ColumnVector(.ipv4((0..<rows).map { 0xC000_0000 | UInt32((seed * 131 + $0 * 17) % 1_000_000) })),
            ColumnVector(.int64((0..<rows).map { Int64(seed * 1000 + $0) })),
        ])
    }
    var small = WriterOptions()
    small.bloomFilterColumns = []

    let appendRoot = NSTemporaryDirectory() + "sift-bench-append-\(getpid())"
    Benchmark("table: small append commit (10 rows, 1 file)", configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5))) { benchmark in
        let table = try Table(root: appendRoot)
        for i in benchmark.scaledIterations {
            let rows = batch(rows: 1, seed: i)
            _ = try table.append(options: small) { sink in try sink(rows); return 0 }
        }
    } setup: {
        try? FileManager.default.removeItem(atPath: appendRoot)
        _ = try Table.create(at: appendRoot, schema: schema)
    } teardown: {
        try? FileManager.default.removeItem(atPath: appendRoot)
    }

    // Built once and kept between runs (building writes 10,000 files).
    let planRoot = NSTemporaryDirectory() + "sift-bench-plan-10k"
    Benchmark("table: snapshot + plan, 10,000 files / 1,000 commits", configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10))) { benchmark in
        let predicate = try RowPredicate.parse("src_ip = 10.0.3.7 and dst_ip = 192.3.2.1 and ts >= '2026-08-05'")
        for _ in benchmark.scaledIterations {
            // A fresh reader each time: a Table value remembers the snapshots it has built.
            let table = try Table(root: planRoot)
            let snapshot = try table.snapshot()
            let scan = try TableScan(table: table, snapshot: snapshot, predicate: predicate)
            blackHole(scan.plan())
        }
    } setup: {
        if (try? Table(root: planRoot).snapshot().files.count) == 10_000 { return }
        try? FileManager.default.removeItem(atPath: planRoot)
        let table = try Table.create(at: planRoot, schema: schema, partitionBy: ["date(ts)"])
        for c in 1...1000 {
            let rows = batch(rows: 10, seed: c)
            _ = try table.append(options: small) { sink in try sink(rows); return 0 }
        }
    }
}
