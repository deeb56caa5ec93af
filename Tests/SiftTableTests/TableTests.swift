import Foundation
import SiftFormat
import SiftIndex
import SiftTable
import SiftTestSupport
import Testing

@Suite("Tables: commits, snapshots, partitions, optimize, time travel")
struct TableTests {
    static let predicates = [
        nil, "event_type = 'dns'", "ts >= '2026-08-02' and ts < '2026-08-03'", "src_ip = 10.0.0.7",
        "src_ip = 10.0.0.7 and dst_ip = 203.0.113.9", "domain ends_with '.evil.example'", "bytes is null",
        "not (event_type = 'conn') and bytes > 50000", "dst_ip in 203.0.112.0/24",
    ]

    @Test func appendedRowsComeBackForEveryPredicate() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir)
        let batches = (0..<3).map { TableFixtures.batch(rows: 2000, seed: UInt64($0)) }
        for b in batches { try TableFixtures.append(table, b) }
        let snapshot = try table.snapshot()
        #expect(snapshot.version == 3)
        #expect(snapshot.rowCount == 6000)
        // 3 days x 3 event types per append.
        #expect(snapshot.files.count == 27)
        for p in Self.predicates {
            let (rows, _) = try TableFixtures.rows(table, where: p)
            #expect(rows == (try TableFixtures.expected(batches, where: p)), "predicate \(p ?? "none")")
        }
    }

    @Test("a parallel scan delivers exactly the sequential scan's batches, in the same order; stopping early works")
    func parallelScanMatchesSequential() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir)
        for k in 0..<3 { try TableFixtures.append(table, TableFixtures.batch(rows: 3000, seed: UInt64(k + 20))) }
        let snapshot = try table.snapshot()
        for text in [nil, "bytes > 50000", "domain ends_with '.example' and src_ip in 10.0.0.0/26"] as [String?] {
            var results: [[RecordBatch]] = []
            var reports: [SkipLedger] = []
            for workers in [1, 2, 5] {
                var scan = try TableScan(table: table, snapshot: snapshot, predicate: try text.map { try RowPredicate.parse($0) })
                scan.workers = workers
                var batches: [RecordBatch] = []
                reports.append(try scan.run { batches.append($0); return true })
                results.append(batches)
            }
            #expect(results[1] == results[0] && results[2] == results[0], "\(text ?? "no predicate")")
            #expect(Set(reports.map(\.bytesRead)).count == 1 && Set(reports.map(\.rowsMatched)).count == 1)
            #expect(reports[0].filesRead == 27)
        }
        // Stop after the first batch: one batch delivered, and the scan still returns.
        var scan = try TableScan(table: table, snapshot: snapshot, predicate: nil)
        scan.workers = 4
        var delivered = 0
        _ = try scan.run { _ in delivered += 1; return false }
        #expect(delivered == 1)
    }

    @Test func partitionsAndFileStatisticsPruneBeforeOpeningFiles() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir)
        try TableFixtures.append(table, TableFixtures.batch(rows: 3000, seed: 9))
        let (_, byType) = try TableFixtures.rows(table, where: "event_type = 'dns'")
        #expect(byType.skipped[.partition]!.files == 6)
        #expect(byType.filesRead == 3)
        let (_, byDay) = try TableFixtures.rows(table, where: "ts >= '2026-08-03'")
        #expect(byDay.skipped[.partition]!.files == 6)
        // No file holds an address outside 10.0.0.0/24: file statistics rule every file out.
        let (none, byStats) = try TableFixtures.rows(table, where: "src_ip = 10.9.9.9")
        #expect(none.isEmpty)
        #expect(byStats.skipped[.fileStats]!.files == 9)
        #expect(byStats.filesRead == 0)
        #expect(byStats.bytesRead == 0)
    }

    @Test func timeTravelByVersionAndTimestamp() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir, partitionBy: [])
        var counts: [Int64] = [0]
        for k in 0..<3 {
            try TableFixtures.append(table, TableFixtures.batch(rows: 100 * (k + 1), seed: UInt64(k)))
            counts.append(counts.last! + Int64(100 * (k + 1)))
        }
        for v in 0...3 { #expect(try table.snapshot(asOf: .version(Int64(v))).rowCount == counts[v]) }
        let history = try table.history()
        #expect(history.map(\.version) == [0, 1, 2, 3])
        let times = history.map { $0.info!.timestamp }
        #expect(times == times.sorted() && Set(times).count == times.count, "commit timestamps strictly increase")
        for v in 0...3 { #expect(try table.snapshot(asOf: .timestamp(times[v])).version == Int64(v)) }
        #expect(throws: TableError.self) { try table.snapshot(asOf: .timestamp(times[0] - 1)) }
        #expect(throws: TableError.self) { try table.snapshot(asOf: .version(4)) }
    }

    @Test func idempotentAppendIsAppliedOnce() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir)
        let batch = TableFixtures.batch(rows: 300, seed: 1)
        let first = try TableFixtures.append(table, batch, txn: WriterTransaction(appId: "loader", version: 5))
        let again = try TableFixtures.append(table, batch, txn: WriterTransaction(appId: "loader", version: 5))
        let older = try TableFixtures.append(table, batch, txn: WriterTransaction(appId: "loader", version: 4))
        #expect(first.version == 1 && !first.alreadyApplied)
        #expect(again.alreadyApplied && again.version == nil)
        #expect(older.alreadyApplied)
        #expect(try table.snapshot().rowCount == 300)
        #expect(try table.snapshot().txns["loader"]?.version == 5)
    }

    @Test func optimizeKeepsEveryRowClustersAndIsIncremental() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
        let batches = (0..<4).map { TableFixtures.batch(rows: 1500, seed: UInt64(10 + $0)) }
        for b in batches { try TableFixtures.append(table, b) }
        let before = try TableFixtures.rows(table).rows
        let result = try table.optimize(options: TableFixtures.options)
        #expect(result.filesRemoved == 12)
        #expect(result.partitionsRewritten == 3)
        let snapshot = try table.snapshot()
        #expect(snapshot.files.values.allSatisfy { $0.clustering == ClusteringSpec(curve: .hilbert, columns: ["src_ip", "dst_ip"]) })
        #expect(snapshot.files.values.allSatisfy { !$0.dataChange })
        #expect(try TableFixtures.rows(table).rows == before)
        for p in Self.predicates { #expect(try TableFixtures.rows(table, where: p).rows == (try TableFixtures.expected(batches, where: p))) }
        // Nothing small or unclustered is left: a second optimize does nothing.
        #expect(try table.optimize(options: TableFixtures.options).version == nil)
        // A new append makes one partition's set small again; only that one is rewritten.
        try TableFixtures.append(table, TableFixtures.batch(rows: 100, days: 1, seed: 99))
        #expect(try table.optimize(options: TableFixtures.options).partitionsRewritten == 1)
        // Time travel still reads the files optimize removed (not yet vacuumed).
        #expect(try TableFixtures.rows(table, asOf: .version(4)).rows == before)
    }

    @Test func optimizeSplitsTowardTheTargetSize() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir, partitionBy: [])
        try TableFixtures.append(table, TableFixtures.batch(rows: 20000, seed: 3))
        let size = try table.snapshot().byteCount
        let result = try table.optimize(targetFileBytes: size / 4, full: true, options: TableFixtures.options)
        #expect((3...6).contains(result.filesAdded), "about four files, got \(result.filesAdded)")
        #expect(try table.snapshot().rowCount == 20000)
    }

    @Test func addedColumnReadsAsNullInOlderFiles() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir, partitionBy: [])
        try TableFixtures.append(table, TableFixtures.batch(rows: 200, seed: 1))
        try table.addColumn(Field("score", .int64))
        #expect(throws: TableError.self) { try table.addColumn(Field("score", .int64)) }
        #expect(throws: TableError.self) { try table.addColumn(Field("strict", .int64, nullable: false)) }
        let schema = try table.snapshot().schema
        let old = TableFixtures.batch(rows: 50, seed: 2)
        let newBatch = try RecordBatch(schema: schema, columns: old.columns + [ColumnVector(.int64(Array(0..<50)))])
        try table.append(options: TableFixtures.options) { sink in try sink(newBatch); return 0 }
        #expect(try TableFixtures.rows(table, where: "score is null").rows.count == 200)
        #expect(try TableFixtures.rows(table, where: "score is not null").rows.count == 50)
        #expect(try TableFixtures.rows(table, where: "score >= 10").rows.count == 40)
        #expect(try TableFixtures.rows(table, where: "not (score >= 10)").rows.count == 10)
        #expect(try TableFixtures.rows(table, where: "score >= 10 or src_ip = 10.0.0.1").rows.count
                == 40 + (try TableFixtures.expected([old, TableFixtures.batch(rows: 200, seed: 1)], where: "src_ip = 10.0.0.1")).count
                - (try TableFixtures.rows(table, where: "score >= 10 and src_ip = 10.0.0.1").rows.count))
        // Optimize rewrites old files with the column, as nulls.
        try table.optimize(full: true, options: TableFixtures.options)
        #expect(try TableFixtures.rows(table, where: "score is null").rows.count == 200)
    }

    @Test func checkpointsGiveTheSameSnapshotAsReplay() throws {
        let dir = TemporaryDirectory()
        var table = try TableFixtures.create(dir)
        table.checkpointInterval = 4
        for k in 0..<9 { try TableFixtures.append(table, TableFixtures.batch(rows: 50, seed: UInt64(k)), txn: WriterTransaction(appId: "a", version: Int64(k))) }
        try table.optimize(options: TableFixtures.options)   // version 10: removes as well as adds
        try table.addColumn(Field("extra", .string))
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: dir.file("t/" + LogLayout.checkpointName(8))))
        let fromCheckpoint = try Table(root: dir.file("t")).snapshot()   // a fresh reader: from checkpoint 8, then 9 to 11
        let oldCheckpoint = try table.snapshot(asOf: .version(5))
        // Without checkpoints, replaying every commit must give the same state.
        for v in [4, 8] { try fm.removeItem(atPath: dir.file("t/" + LogLayout.checkpointName(Int64(v)))) }
        try fm.removeItem(atPath: dir.file("t/" + LogLayout.lastCheckpoint))
        let replayed = try Table(root: dir.file("t")).snapshot()   // a fresh reader: nothing cached
        #expect(fromCheckpoint.version == replayed.version)
        #expect(fromCheckpoint.files == replayed.files)
        // The sorted list merged from the checkpoint's and the commits' since (optimize removed
        // checkpoint files and added others) is the replay's, by path.
        #expect(fromCheckpoint.sortedFiles == replayed.sortedFiles)
        #expect(fromCheckpoint.sortedFiles.map(\.path) == fromCheckpoint.files.keys.sorted())
        #expect(fromCheckpoint.rowCount == replayed.rowCount && fromCheckpoint.byteCount == replayed.byteCount)
        #expect(fromCheckpoint.tombstones == replayed.tombstones)
        #expect(fromCheckpoint.txns == replayed.txns)
        #expect(fromCheckpoint.schema == replayed.schema)
        #expect(fromCheckpoint.timestamp == replayed.timestamp)
        #expect(oldCheckpoint.files == (try Table(root: dir.file("t")).snapshot(asOf: .version(5))).files)
    }

    @Test("a commit whose entry is large gets a checkpoint whatever its version, and reads as replay does")
    func largeEntriesAreCheckpointed() throws {
        let dir = TemporaryDirectory()
        var table = try TableFixtures.create(dir)
        table.checkpointInterval = 1000
        try TableFixtures.append(table, TableFixtures.batch(rows: 10, days: 1, seed: 1))   // version 1: a few files
        let small = try table.snapshot()
        table.checkpointAfterBytes = (try table.store.readEntry(1)!.count) + 1
        try TableFixtures.append(table, TableFixtures.batch(rows: 10, days: 1, seed: 2))   // version 2: as small
        try TableFixtures.append(table, TableFixtures.batch(rows: 600, days: 20, seed: 3))  // version 3: many files
        let fm = FileManager.default
        #expect(small.files.count > 0)
        #expect(!fm.fileExists(atPath: dir.file("t/" + LogLayout.checkpointName(1))))
        #expect(!fm.fileExists(atPath: dir.file("t/" + LogLayout.checkpointName(2))))
        #expect(fm.fileExists(atPath: dir.file("t/" + LogLayout.checkpointName(3))))
        let fromCheckpoint = try Table(root: dir.file("t")).snapshot()
        try fm.removeItem(atPath: dir.file("t/" + LogLayout.checkpointName(3)))
        try fm.removeItem(atPath: dir.file("t/" + LogLayout.lastCheckpoint))
        let replayed = try Table(root: dir.file("t")).snapshot()
        #expect(fromCheckpoint.version == 3 && fromCheckpoint.files == replayed.files && fromCheckpoint.indexSegments == replayed.indexSegments)
    }

    @Test func aRememberedSnapshotCatchesUpWithOtherWriters() throws {
        let dir = TemporaryDirectory()
        var a = try TableFixtures.create(dir, partitionBy: [])
        a.checkpointInterval = 3
        let b = try Table(root: dir.file("t"))
        for k in 0..<7 {
            try TableFixtures.append(k % 2 == 0 ? a : b, TableFixtures.batch(rows: 10, seed: UInt64(k)))
            #expect(try a.snapshot().rowCount == Int64(10 * (k + 1)))
            #expect(try b.snapshot().files == (try Table(root: dir.file("t")).snapshot().files))
        }
    }

    @Test func aStaleBlindAppendRetriesAndAStaleOptimizeConflicts() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir, partitionBy: [])
        try TableFixtures.append(table, TableFixtures.batch(rows: 100, seed: 1))
        let stale = try table.snapshot()
        try TableFixtures.append(table, TableFixtures.batch(rows: 100, seed: 2))
        // A blind append based on the old snapshot lands after the winner.
        let add = AddAction(path: "elsewhere.sift", partitionValues: [:], size: 1, rows: 0, modificationTime: 0, dataChange: true, stats: [:], blooms: [], clustering: nil)
        #expect(try table.commit(PendingCommit(actions: [.add(add)], operation: "append"), read: stale) == 3)
        // Two optimizers removing the same file: the second one loses.
        let file = stale.sortedFiles[0]
        let remove = Action.remove(RemoveAction(path: file.path, deletionTime: 0, dataChange: false, size: file.size))
        try table.commit(PendingCommit(actions: [remove], operation: "optimize"), read: stale)
        #expect {
            try table.commit(PendingCommit(actions: [remove], operation: "optimize"), read: stale)
        } throws: { ($0 as? TableError)?.code == .conflict && ($0 as? TableError)?.version == 4 }
        // A schema change by another writer conflicts with anything based on the old schema.
        let before = try table.snapshot()
        try table.addColumn(Field("x", .int32))
        #expect(throws: TableError.self) { try table.commit(PendingCommit(actions: [.add(add)], operation: "append"), read: before) }
    }
}
