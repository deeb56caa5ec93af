import Foundation
import SiftFormat
import SiftIndex
@testable import SiftTable
import SiftTestSupport
import Testing

/// Reader version 3 (`spec/table.md` §7): a checkpoint keeps each file's index segment and slot
/// in columns, and a snapshot loaded from it keeps the checkpoint's files as columns. Whatever
/// the mix of checkpoint and later commits, a snapshot must plan exactly as replaying the
/// whole log does.
@Suite("Tables: checkpoints with index slots")
struct CheckpointSlotTests {
    static let needles = ["dst_ip = 203.0.113.7", "domain = 'x.test'", "dst_ip in 203.0.120.0/22 and bytes > 1000",
                          "domain = 'm.absent.example'", "src_ip = 10.0.0.1 or event_type = 'dns'"]

    /// Each live file's segment path and slot, by path.
    static func slots(_ s: Snapshot) -> [String: String] {
        let located = s.planningAids.indexSlots(s)
        var out: [String: String] = [:]
        for (i, file) in s.sortedFiles.enumerated() where located[i].segment >= 0 {
            out[file.path] = "\(s.segmentList.heads[Int(located[i].segment)].path)#\(located[i].slot)"
        }
        return out
    }

    /// What a plan keeps and skips, for comparing two snapshots of one version.
    static func plan(_ table: Table, _ snapshot: Snapshot, _ text: String) throws -> String {
        let (files, ledger) = try TableScan(table: table, snapshot: snapshot, predicate: RowPredicate.parse(text)).plan()
        return files.map(\.path).joined(separator: ",") + " | \(ledger.filesTotal) \(ledger.skipped.map { "\($0.key)=\($0.value.files)" }.sorted())"
    }

    /// Compares a snapshot loaded through checkpoints with one replayed from every commit.
    static func expectSameAsReplay(_ table: Table, version: Int64?, _ comment: String) throws {
        let fromCheckpoint = try Table(root: table.root).snapshot(asOf: version.map { .version($0) })
        let replayDir = TemporaryDirectory()
        let copy = replayDir.file("replay")
        try FileManager.default.copyItem(atPath: table.root, toPath: copy)
        let log = copy + "/" + LogLayout.logFolder
        for name in try FileManager.default.contentsOfDirectory(atPath: log) where name.hasSuffix(".checkpoint.sift") || name == "_last_checkpoint" {
            try FileManager.default.removeItem(atPath: log + "/" + name)
        }
        let replayTable = try Table(root: copy)
        let replayed = try replayTable.snapshot(asOf: version.map { .version($0) })
        #expect(fromCheckpoint.version == replayed.version, "\(comment)")
        #expect(fromCheckpoint.sortedFiles == replayed.sortedFiles, "\(comment)")
        #expect(fromCheckpoint.rowCount == replayed.rowCount && fromCheckpoint.byteCount == replayed.byteCount, "\(comment)")
        #expect(fromCheckpoint.tombstones == replayed.tombstones, "\(comment)")
        #expect(slots(fromCheckpoint) == slots(replayed), "\(comment)")
        #expect(fromCheckpoint.segmentList.heads.map(\.path) == replayed.segmentList.heads.map(\.path), "\(comment)")
        #expect(fromCheckpoint.segmentList.fileCounts == replayed.segmentList.fileCounts, "\(comment)")
        // Segments' lists of files, put together from the slots: every live file where the
        // replay lists it; a slot no live file holds is the empty path.
        let live = Set(replayed.sortedFiles.map(\.path))
        for (a, b) in zip(fromCheckpoint.indexSegments, replayed.indexSegments) {
            #expect(a.files.count == b.files.count, "\(comment)")
            for (x, y) in zip(a.files, b.files) { #expect(x == (live.contains(y) ? y : "") || x == y, "\(comment): \(x) against \(y)") }
        }
        for text in needles {
            #expect(try plan(table, fromCheckpoint, text) == plan(replayTable, replayed, text), "\(comment): \(text)")
        }
    }

    @Test("appends, optimize, an index merge and commits after each checkpoint plan as replay does")
    func checkpointsPlanAsReplay() throws {
        let dir = TemporaryDirectory()
        var table = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
        #expect(try table.snapshot().protocolVersion.readerVersion == 3)
        // Checkpoints written by hand, so commits of every kind come after one.
        table.checkpointInterval = 1000
        for k in 0..<4 { try TableFixtures.append(table, TableFixtures.batch(rows: 200, days: 4, seed: UInt64(10 + k))) }
        try table.writeCheckpoint(3)
        try Self.expectSameAsReplay(table, version: nil, "after appends (a checkpoint at 3, commit 4 after it)")
        #expect(try table.compactIndex(maxSegments: 1) != nil)   // names checkpoint files in a later segment
        try Self.expectSameAsReplay(table, version: nil, "after the index merge")
        try table.optimize(options: TableFixtures.options)   // removes checkpoint files, adds others
        try Self.expectSameAsReplay(table, version: nil, "after optimize")
        try table.writeCheckpoint(try table.snapshot().version)   // a checkpoint of the merged segments
        try TableFixtures.append(table, TableFixtures.batch(rows: 100, days: 2, seed: 98))
        try Self.expectSameAsReplay(table, version: nil, "after a checkpoint of the merged index and one more append")
        let log = dir.file("t/" + LogLayout.logFolder)
        let checkpoint = try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(".checkpoint.sift") }.sorted().last!
        let reader = try SiftReader(path: log + "/" + checkpoint)
        #expect(reader.schema.index(of: "index_slot") != nil)
        #expect(reader.metadata.keyValues.contains { $0.0 == Checkpoint.indexSegmentsKey } && !reader.metadata.keyValues.contains { $0.0 == Checkpoint.indexKey })
        for v in [3, 4, 5] { try Self.expectSameAsReplay(table, version: Int64(v), "time travel to \(v)") }
        #expect(try Table(root: table.root).verify().segments > 0)
    }

    @Test("a checkpoint in many row groups (add and remove rows mixed, strings not in dictionaries) reads as replay does")
    func manyRowGroups() throws {
        let dir = TemporaryDirectory()
        var table = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
        table.checkpointInterval = 1000
        for k in 0..<3 { try TableFixtures.append(table, TableFixtures.batch(rows: 200, days: 4, seed: UInt64(30 + k))) }
        try table.optimize(options: TableFixtures.options)   // tombstones as well as files
        let version = try table.snapshot().version
        try table.writeCheckpoint(version)
        // The same rows in row groups of 3: rows of both kinds in one group, and groups of each.
        let path = dir.file("t/" + LogLayout.checkpointName(version))
        let reader = try SiftReader(path: path)
        let columns = try reader.readColumns(rowGroup: 0)
        var options = WriterOptions()
        options.bloomFilterColumns = []
        options.rowGroupRows = 3
        // Plain strings where the writer would use dictionaries: both ways of reading a column
        // of repeated values (entries and codes, or a value per row).
        options.columnEncoding = ["kind": .plain, "partition_values": .plain, "blooms": .lengths]
        options.keyValues = reader.metadata.keyValues
        let writer = try SiftWriter(path: path + ".new", schema: reader.schema, options: options)
        try writer.write(try RecordBatch(schema: reader.schema, columns: columns))
        try writer.close()
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: path + ".new", toPath: path)
        #expect(try SiftReader(path: path).metadata.rowGroups.count > 3)
        #expect(try !Table(root: table.root).snapshot().tombstones.isEmpty)
        try Self.expectSameAsReplay(table, version: nil, "a checkpoint of row groups of 3 rows")
    }

    @Test("a version 2 table upgrades in one commit, reads the same rows and plans the same")
    func upgrade() throws {
        let dir = TemporaryDirectory()
        let root = dir.file("sound")
        try FileManager.default.copyItem(atPath: RepositoryPaths.corpus + "/v1/tables/sound", toPath: root)
        let table = try Table(root: root)
        let before = try table.snapshot()
        #expect(before.protocolVersion.readerVersion == 2)
        let rows = try TableFixtures.rows(table).rows
        let plans = try ["src_ip = 10.0.0.7", "domain = 'h3.example.org'", "src_ip = 192.0.2.1"].map { try Self.plan(table, before, $0) }
        let version = try #require(try table.upgradeProtocol())
        #expect(version == before.version + 1)
        #expect(try table.upgradeProtocol() == nil)
        let after = try Table(root: root).snapshot()
        #expect(after.protocolVersion == ProtocolAction.current)
        #expect(FileManager.default.fileExists(atPath: root + "/" + LogLayout.checkpointName(version)))
        #expect(try TableFixtures.rows(Table(root: root)).rows == rows)
        #expect(try ["src_ip = 10.0.0.7", "domain = 'h3.example.org'", "src_ip = 192.0.2.1"].map { try Self.plan(table, after, $0) } == plans)
        // Time travel before the upgrade reads the version 2 state.
        #expect(try Table(root: root).snapshot(asOf: .version(before.version)).protocolVersion.readerVersion == 2)
    }
}
