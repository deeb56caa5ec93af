import Foundation
import SiftFormat
import SiftTable
import SiftTestSupport
import Testing

/// A damaged, missing or hostile log is an error naming the version, never a different table;
/// a writer that fails at any point leaves the table as it was.
@Suite("Tables: damaged and hostile logs, injected faults")
struct LogSafetyTests {

    /// A reader opening the table afresh (a `Table` value remembers the snapshots it built).
    static func reader(_ dir: TemporaryDirectory) throws -> Table { try Table(root: dir.file("t")) }

    /// A table of three appends and a checkpoint at version 2.
    static func table(_ dir: TemporaryDirectory) throws -> Table {
        var table = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
        table.checkpointInterval = 2
        for k in 0..<3 { try TableFixtures.append(table, TableFixtures.batch(rows: 100, seed: UInt64(k))) }
        return table
    }

    static func expectError(_ code: TableError.Code, version: Int64?, _ body: () throws -> Void) {
        #expect {
            try body()
        } throws: { error in
            guard let e = error as? TableError else { return false }
            return e.code == code && e.version == version && !e.description.isEmpty
        }
    }

    @Test func everyFlippedByteOfALogEntryIsDetected() throws {
        let dir = TemporaryDirectory()
        _ = try Self.table(dir)
        let path = dir.file("t/" + LogLayout.commitName(3))
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var rng = SeededRandom(seed: 7)
        for _ in 0..<40 {
            var damaged = original
            let at = Int(rng.next() % UInt64(damaged.count))
            damaged[at] ^= UInt8(1 << (rng.next() % 8))
            try damaged.write(to: URL(fileURLWithPath: path))
            Self.expectError(.corruptLog, version: 3) { _ = try Self.reader(dir).snapshot() }
        }
        // A torn entry (cut short) is detected too.
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: path))
        Self.expectError(.corruptLog, version: 3) { _ = try Self.reader(dir).snapshot() }
        try original.write(to: URL(fileURLWithPath: path))
        #expect(try Self.reader(dir).snapshot().rowCount == 300)
    }

    @Test func aMissingEntryOrCheckpointIsNamed() throws {
        let dir = TemporaryDirectory()
        _ = try Self.table(dir)
        let fm = FileManager.default
        // Entry 1 is covered by checkpoint 2: the latest snapshot does not need it, but reading
        // as of version 1 does.
        try fm.removeItem(atPath: dir.file("t/" + LogLayout.commitName(1)))
        #expect(try Self.reader(dir).snapshot().rowCount == 300)
        Self.expectError(.missingLog, version: 1) { _ = try Self.reader(dir).snapshot(asOf: .version(1)) }
        // The checkpoint that `_last_checkpoint` names is gone.
        try fm.removeItem(atPath: dir.file("t/" + LogLayout.checkpointName(2)))
        Self.expectError(.missingLog, version: 2) { _ = try Self.reader(dir).snapshot() }
        // Without `_last_checkpoint`, replay finds the gap at version 1.
        try fm.removeItem(atPath: dir.file("t/" + LogLayout.lastCheckpoint))
        Self.expectError(.missingLog, version: 1) { _ = try Self.reader(dir).snapshot() }
    }

    @Test func aDamagedCheckpointIsNamed() throws {
        let dir = TemporaryDirectory()
        _ = try Self.table(dir)
        let path = dir.file("t/" + LogLayout.checkpointName(2))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: path))
        Self.expectError(.corruptLog, version: 2) { _ = try Self.reader(dir).snapshot() }
    }

    /// Writes entry `version` by hand with one add action for `path`.
    static func plant(_ path: String, in dir: TemporaryDirectory, version: Int64) throws {
        let add = AddAction(path: path, partitionValues: [:], size: 10, rows: 1, modificationTime: 0, dataChange: true, stats: [:], blooms: [], clustering: nil)
        let when = Int64(Date().timeIntervalSince1970 * 1000) + 1000 * version
        let info = try JSONDecoder().decode(CommitInfo.self, from: Data("""
            {"timestamp":\(when),"operation":"append","parameters":{},"is_blind_append":true,"engine":"test","metrics":{}}
            """.utf8))
        let bytes = try LogEntryCodec.encode([.add(add), .commitInfo(info)])
        #expect(try FileLogStore(root: dir.file("t")).createEntry(version, bytes))
    }

    @Test(arguments: ["../outside.sift", "/etc/passwd", "a/../../outside.sift", "./x.sift", "a//b.sift", "_sift_log/00000000000000000000.json"])
    func aPathLeavingTheTableIsRejected(_ path: String) throws {
        let dir = TemporaryDirectory()
        _ = try TableFixtures.create(dir, partitionBy: [])
        try Self.plant(path, in: dir, version: 1)
        Self.expectError(.unsafePath, version: 1) { _ = try Table(root: dir.file("t")).snapshot() }
    }

    @Test func aSymbolicLinkOutIsNeitherFollowedNorVacuumed() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir, partitionBy: [])
        let outside = dir.file("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        // A real Sift file outside the table, reachable through a link planted inside it.
        let writer = try SiftWriter(path: outside + "/secret.sift", schema: TableFixtures.schema)
        try writer.write(TableFixtures.batch(rows: 10, seed: 1))
        try writer.close()
        try FileManager.default.createSymbolicLink(atPath: dir.file("t/link"), withDestinationPath: outside)
        try Self.plant("link/secret.sift", in: dir, version: 1)
        Self.expectError(.unsafePath, version: nil) { _ = try TableFixtures.rows(table) }
        // Vacuum with no retention deletes unreferenced files, but nothing behind the link.
        let old = Date(timeIntervalSinceNow: -3600)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: outside + "/secret.sift")
        let result = try table.vacuum(retainHours: 0)
        #expect(result.skippedLinks == ["link"])
        #expect(FileManager.default.fileExists(atPath: outside + "/secret.sift"))
    }

    /// Where a commit fails, as a file-system fault: creating its log entry, writing it (torn),
    /// or linking it into place.
    enum LogFault: String, CaseIterable { case createEntry, tornEntry, linkEntry }

    @Test(arguments: LogFault.allCases)
    func aWriterFailingBeforeItsEntryLeavesTheTableUnchanged(_ point: LogFault) throws {
        let dir = TemporaryDirectory()
        let clean = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
        try TableFixtures.append(clean, TableFixtures.batch(rows: 100, seed: 1))
        let before = try TableFixtures.rows(clean).rows
        let fs = FaultyFileSystem { call in
            guard let path = call.path, path.contains("/" + LogLayout.logFolder + "/") else { return nil }
            switch (point, call.operation) {
            case (.createEntry, "create"): return .error(FileSystemError.noSpace)
            case (.tornEntry, "write"): return .tornWrite
            case (.linkEntry, "link"): return .error(FileSystemError.ioFailure)
            default: return nil
            }
        }
        let faulty = try Table(root: dir.file("t"), store: FileLogStore(root: dir.file("t"), fileSystem: fs))
        #expect(throws: TableError.self) { try TableFixtures.append(faulty, TableFixtures.batch(rows: 100, seed: 2)) }
        #expect(fs.injected == 1)
        #expect(try clean.snapshot().version == 1)
        #expect(try TableFixtures.rows(clean).rows == before)
        // The failed writer's data files (and torn temporary entry) are unreferenced; vacuum,
        // once they are past retention, removes exactly those.
        let live = Set(try clean.snapshot().files.keys)
        let pending = try clean.vacuum(retainHours: -1, dryRun: true).deleted
        #expect(!pending.isEmpty)
        #expect(pending.allSatisfy { !live.contains($0) })
        #expect(!pending.contains { $0.hasPrefix(LogLayout.logFolder) }, "a failed entry's temporary file is removed")
        _ = try clean.vacuum(retainHours: -1)
        #expect(try clean.vacuum(retainHours: -1, dryRun: true).deleted.isEmpty)
        #expect(try TableFixtures.rows(clean).rows == before)
        // The next writer takes the version the failed one never got.
        try TableFixtures.append(clean, TableFixtures.batch(rows: 100, seed: 3))
        #expect(try clean.snapshot().version == 2)
    }

    @Test func aWriterFailingAfterItsEntryHasCommitted() throws {
        let dir = TemporaryDirectory()
        _ = try TableFixtures.create(dir, partitionBy: [])
        // The entry is linked, then making the folder durable fails: the commit happened, so
        // the writer reports success (a retry would append twice).
        let fs = FaultyFileSystem { call in call.operation == "fsync-folder" ? .error(FileSystemError.ioFailure) : nil }
        let faulty = try Table(root: dir.file("t"), store: FileLogStore(root: dir.file("t"), fileSystem: fs))
        try TableFixtures.append(faulty, TableFixtures.batch(rows: 100, seed: 2))
        #expect(fs.injected == 1)
        #expect(try Table(root: dir.file("t")).snapshot().rowCount == 100)
    }

    @Test func vacuumKeepsWhatTimeTravelNeedsWithinRetention() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir, partitionBy: [])
        try TableFixtures.append(table, TableFixtures.batch(rows: 100, seed: 1))
        try TableFixtures.append(table, TableFixtures.batch(rows: 100, seed: 2))
        try table.optimize(options: TableFixtures.options)
        #expect(try table.vacuum(retainHours: 1).deleted.isEmpty)
        #expect(try TableFixtures.rows(table, asOf: .version(2)).rows.count == 200)
        let removed = try table.vacuum(retainHours: -1)
        // The two files optimize replaced, and the index segments that covered only them.
        #expect(removed.deleted.filter { $0.hasSuffix(".sift") }.count == 2)
        #expect(removed.deleted.filter { $0.hasPrefix(IndexSegment.folder + "/") }.count == 2)
        #expect(try TableFixtures.rows(table).rows.count == 200)
        #expect {
            try TableFixtures.rows(table, asOf: .version(2))
        } throws: { ($0 as? TableError)?.code == .missingData }
    }

    @Test("negative sizes, row counts or null counts in a log or a checkpoint are corrupt_log, never a trap (found by fuzzing)")
    func negativeCounts() throws {
        let dir = TemporaryDirectory()
        _ = try TableFixtures.create(dir, partitionBy: [])
        let add = AddAction(path: "x.sift", partitionValues: [:], size: 10, rows: -5, modificationTime: 0, dataChange: true, stats: [:], blooms: [], clustering: nil)
        let when = Int64(Date().timeIntervalSince1970 * 1000) + 1000
        let info = try JSONDecoder().decode(CommitInfo.self, from: Data("{\"timestamp\":\(when),\"operation\":\"append\",\"parameters\":{},\"is_blind_append\":true,\"engine\":\"t\",\"metrics\":{}}".utf8))
        #expect(try FileLogStore(root: dir.file("t")).createEntry(1, try LogEntryCodec.encode([.add(add), .commitInfo(info)])))
        Self.expectError(.corruptLog, version: 1) { _ = try Table(root: dir.file("t")).snapshot() }

        // A checkpoint whose first file has a negative null count (checksums intact).
        let other = TemporaryDirectory()
        let table = try Self.table(other)   // three appends, a checkpoint at version 2
        let path = other.file("t/_sift_log/00000000000000000002.checkpoint.sift")
        let reader = try SiftReader(path: path)
        var columns = try reader.readBatches().reduce(into: reader.schema.fields.map { ColumnVector.empty($0.type) }) { acc, b in
            for c in acc.indices { acc[c].append(contentsOf: b.columns[c]) }
        }
        let nullsColumn = reader.schema.index(of: "s0.nulls")!
        guard case .int64(var nulls) = columns[nullsColumn].values else { Issue.record("s0.nulls is not int64"); return }
        nulls[0] = -3
        columns[nullsColumn] = ColumnVector(.int64(nulls), validity: columns[nullsColumn].validity)
        var options = WriterOptions()
        options.keyValues = reader.metadata.keyValues
        try FileManager.default.removeItem(atPath: path)
        try SiftWriter.write(to: path, schema: reader.schema, options: options) { try $0.write(try RecordBatch(schema: reader.schema, columns: columns)) }
        _ = table
        Self.expectError(.corruptLog, version: 2) { _ = try Table(root: other.file("t")).snapshot() }
    }
}
