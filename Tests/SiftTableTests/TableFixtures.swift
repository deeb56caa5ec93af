import Foundation
import SiftFormat
import SiftNDJSON
import SiftIndex
import SiftScan
import SiftTable
import SiftTestSupport

/// Small connection-like batches with a date partition, an event type, IPs and domains.
enum TableFixtures {
    static let schema = try! Schema([
        Field("ts", .timestamp, nullable: false), Field("event_type", .string), Field("src_ip", .ipv4),
        Field("dst_ip", .ipv4), Field("bytes", .int64), Field("domain", .string, hint: .domain),
    ])
    static let day: Int64 = 86_400_000_000
    static let start = TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8))!

    /// `n` rows over `days` days, deterministic from `seed`.
    static func batch(rows n: Int, days: Int = 3, seed: UInt64) -> RecordBatch {
        var rng = SeededRandom(seed: seed)
        var ts: [Int64] = [], src: [UInt32] = [], dst: [UInt32] = [], bytes: [Int64] = []
        var types: [String] = [], domains: [String] = []
        var valid = Bitmap(count: n, value: true)
        for i in 0..<n {
            ts.append(start + Int64(rng.next() % UInt64(days)) * day + Int64(rng.next() % UInt64(day)))
            types.append(["conn", "dns", "http"][Int(rng.next() % 3)])
            src.append(0x0A00_0000 | UInt32(rng.next() % 200))
            dst.append(0xCB00_7100 | UInt32(rng.next() % 5000))
            bytes.append(Int64(rng.next() % 100_000))
            domains.append(["a.evil.example", "cdn.good.example", "x.test", "evil.example"][Int(rng.next() % 4)])
            if rng.next() % 11 == 0 { valid[i] = false }
        }
        return try! RecordBatch(schema: schema, columns: [
            ColumnVector(.timestamp(ts)), ColumnVector(.string(VarBytes(types))), ColumnVector(.ipv4(src)),
            ColumnVector(.ipv4(dst)), ColumnVector(.int64(bytes), validity: valid), ColumnVector(.string(VarBytes(domains)), validity: valid),
        ])
    }

    static func create(_ dir: TemporaryDirectory, name: String = "t", partitionBy: [String] = ["date(ts)", "event_type"],
                       store: (any LogStore)? = nil) throws -> Table {
        try Table.create(at: dir.file(name), schema: schema, partitionBy: partitionBy,
                         clusterBy: ClusteringSpec(curve: .hilbert, columns: ["src_ip", "dst_ip"]), store: store)
    }

    /// Small row groups and pages so pruning inside files has something to do.
    static var options: WriterOptions {
        var o = WriterOptions()
        o.rowGroupRows = 512
        o.pageRows = 128
        return o
    }

    @discardableResult
    static func append(_ table: Table, _ batch: RecordBatch, txn: WriterTransaction? = nil) throws -> AppendResult {
        try table.append(txn: txn, options: options) { sink in try sink(batch); return 0 }
    }

    /// Every row a scan returns, as sortable text lines.
    static func rows(_ table: Table, where text: String? = nil, asOf: TimeTravel? = nil) throws -> (rows: [String], report: SkipLedger) {
        let snapshot = try table.snapshot(asOf: asOf)
        let scan = try TableScan(table: table, snapshot: snapshot, predicate: try text.map { try RowPredicate.parse($0) })
        var lines: [String] = []
        let report = try scan.run { batch in
            var bytes: [UInt8] = []
            RowFormatter.appendNDJSON(batch, rows: 0..<batch.rowCount, to: &bytes)
            lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            return true
        }
        return (lines.sorted(), report)
    }

    /// The rows of `batches` a predicate accepts, by brute force.
    static func expected(_ batches: [RecordBatch], where text: String?) throws -> [String] {
        var lines: [String] = []
        for batch in batches {
            var selected = Array(0..<batch.rowCount)
            if let text {
                let bound = try RowPredicate.parse(text).bind(to: batch.schema)
                selected = RowFilter.select(bound, columns: Dictionary(uniqueKeysWithValues: batch.columns.enumerated().map { ($0.offset, $0.element) }), count: batch.rowCount)
            }
            let picked = try RecordBatch(schema: batch.schema, columns: batch.columns.map { $0.gather(selected) })
            var bytes: [UInt8] = []
            RowFormatter.appendNDJSON(picked, rows: 0..<picked.rowCount, to: &bytes)
            lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        return lines.sorted()
    }
}
