import Foundation
import SiftFormat
import SiftIndex
import SiftNDJSON
import SiftScan
@testable import SiftTable
import SiftTestSupport
import Testing

/// The table index (`spec/table.md` §11): files ruled out before they are opened, never a
/// matching one; a damaged or missing segment falls back to opening files.
@Suite("Tables: the table-level index")
struct TableIndexTests {
    /// A table of `appends` commits (by default of 300 rows each over 10 days; `batch` makes
    /// commit k's rows), and every batch appended.
    static func table(_ dir: TemporaryDirectory, appends: Int = 6,
                      batch make: (Int) throws -> RecordBatch = { TableFixtures.batch(rows: 300, days: 10, seed: UInt64(100 + $0)) }) throws -> (Table, [RecordBatch]) {
        var table = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
        table.checkpointInterval = 4
        var batches: [RecordBatch] = []
        for k in 0..<appends {
            let batch = try make(k)
            try TableFixtures.append(table, batch)
            batches.append(batch)
        }
        return (table, batches)
    }

    @Test("needles present and absent: the rows brute force finds, and absent keys open almost no file")
    func needles() throws {
        let dir = TemporaryDirectory()
        let (table, batches) = try Self.table(dir)
        let snapshot = try Table(root: table.root).snapshot()
        #expect(!snapshot.indexSegments.isEmpty)
        var opened = 0, absentNeedles = 0
        var rng = SeededRandom(seed: 42)
        for trial in 0..<60 {
            // Inside every file's min/max, so only the index (or the files' blooms) can rule them out.
            let present = trial % 2 == 0
            let ip = "203.0.\(113 + Int(rng.next() % 19)).\(Int(rng.next() % 256))"
            let needles = ["dst_ip = \(ip)", "domain = '\(present ? "x.test" : "m\(trial).absent.example")'", "dst_ip in 203.0.\(113 + trial % 19).\(16 * (trial % 16))/29"]
            for text in needles {
                let (rows, ledger) = try TableFixtures.rows(Table(root: table.root), where: text)
                #expect(rows == (try TableFixtures.expected(batches, where: text)), "\(text)")
                if rows.isEmpty { opened += ledger.filesRead; absentNeedles += 1 }
            }
        }
        // 1% false positives per file and key: an absent needle opens well under one file on average.
        #expect(absentNeedles > 50)
        #expect(Double(opened) / Double(absentNeedles) < 1.0, "\(opened) files opened for \(absentNeedles) absent needles of \(snapshot.files.count) files")
    }

    @Test("a table held by a long-lived process: snapshots are reused until a commit, and plans follow every change")
    func heldTable() throws {
        let dir = TemporaryDirectory()
        let (table, batches) = try Self.table(dir, appends: 3)
        let held = try Table(root: table.root)
        let first = try held.snapshot()
        // The same version again: the same snapshot, planning aids and all.
        #expect(try held.snapshot().planningAids === first.planningAids)
        let needles = ["dst_ip = 203.0.113.7", "domain = 'x.test'", "dst_ip in 203.0.120.0/22 and bytes > 1000", "domain = 'm.absent.example'"]
        var all = batches
        for k in 0..<3 {
            for text in needles {
                #expect(try TableFixtures.rows(held, where: text).rows == (try TableFixtures.expected(all, where: text)), "\(text) after \(k) more commits")
            }
            // Another writer commits: the held table sees it at once.
            let batch = TableFixtures.batch(rows: 300, days: 10, seed: UInt64(500 + k))
            try TableFixtures.append(Table(root: table.root), batch)
            all.append(batch)
            let next = try held.snapshot()
            #expect(next.version == first.version + Int64(k) + 1 && next.planningAids !== first.planningAids)
        }
        // A snapshot narrowed to some of its files plans over those files only. (From a fresh
        // table loaded from a checkpoint, whose segments come without their lists of files.)
        try held.writeCheckpoint(try held.snapshot().version)
        let loaded = try Table(root: table.root)
        var narrowed = try loaded.snapshot()
        let keep = Set(narrowed.sortedFiles.prefix(narrowed.files.count / 2).map(\.path))
        narrowed.files = narrowed.files.filter { keep.contains($0.key) }
        let (files, ledger) = try TableScan(table: loaded, snapshot: narrowed, predicate: RowPredicate.parse("bytes > 10")).plan()
        #expect(ledger.filesTotal == keep.count && !files.isEmpty && files.allSatisfy { keep.contains($0.path) })
        // The table index still answers for the files kept (its segments came from a version 3
        // checkpoint without their lists of files): a needle plans as on the whole snapshot,
        // narrowed to those files.
        #expect(try loaded.snapshot().segmentList.filesListed == false)
        for text in ["domain = 'm.absent.example'", "dst_ip = 203.0.113.7"] {
            let whole = try TableScan(table: loaded, snapshot: loaded.snapshot(), predicate: RowPredicate.parse(text)).plan()
            let part = try TableScan(table: loaded, snapshot: narrowed, predicate: RowPredicate.parse(text)).plan()
            #expect(part.files.map(\.path) == whole.files.map(\.path).filter { keep.contains($0) }, "\(text)")
            if text.contains("absent") { #expect(part.ledger.skipped[.tableIndex]!.files > 0, "\(part.ledger)") }
        }
    }

    @Test("the index survives checkpoints and time travel, and vacuum keeps live segments")
    func checkpointsAndTimeTravel() throws {
        let dir = TemporaryDirectory()
        let (table, batches) = try Self.table(dir, appends: 9)
        #expect(try FileManager.default.contentsOfDirectory(atPath: table.root + "/_sift_log").contains { $0.hasSuffix(".checkpoint.sift") })
        _ = try table.vacuum(retainHours: -1)
        let fresh = try Table(root: table.root)
        let absent = "domain = 'm.absent.example'"  // inside every file's min/max
        let (rows, ledger) = try TableFixtures.rows(fresh, where: absent)
        #expect(rows.isEmpty && ledger.skipped[.tableIndex]!.files > 0, "\(ledger)")
        let old = try TableFixtures.rows(fresh, where: "domain = 'x.test'", asOf: .version(3))
        #expect(old.rows == (try TableFixtures.expected(Array(batches.prefix(3)), where: "domain = 'x.test'")))
        #expect(try fresh.verify().segments == fresh.snapshot().indexSegments.count)
    }

    @Test("a damaged or missing segment falls back to opening files, and verify names it")
    func damage() throws {
        let dir = TemporaryDirectory()
        let (table, batches) = try Self.table(dir, appends: 3)
        let snapshot = try table.snapshot()
        let segment = try #require(snapshot.indexSegments.first?.path)
        let path = table.root + "/" + segment
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[20] ^= 0xFF  // inside the first block's rows
        try bytes.write(to: URL(fileURLWithPath: path))
        for text in ["dst_ip = 198.18.7.7", "domain = 'x.test'", "dst_ip in 203.0.113.0/24"] {
            let (rows, ledger) = try TableFixtures.rows(Table(root: table.root), where: text)
            #expect(rows == (try TableFixtures.expected(batches, where: text)), "\(text)")
            _ = ledger
        }
        #expect { try Table(root: table.root).verify() } throws: { error in
            (error as? TableError).map { $0.code == .corruptLog && $0.path == segment } ?? false
        }
        try FileManager.default.removeItem(atPath: path)
        let (rows, ledger) = try TableFixtures.rows(Table(root: table.root), where: "domain = 'x.test'")
        #expect(rows == (try TableFixtures.expected(batches, where: "domain = 'x.test'")))
        #expect(ledger.filesRead > 0)
    }

    @Test("segments hold every key of every file: a bit-level check of encode against probes")
    func segmentProbes() throws {
        var rng = SeededRandom(seed: 9)
        let files = (0..<13).map { f in (0..<(50 + f * 40)).map { _ in UInt32(truncatingIfNeeded: rng.next()) } }.map { Array(Set($0)).sorted() }
        let bytes = IndexSegment.encode(files)
        let segment = try IndexSegment.check(bytes)
        var falsePositives = 0, probes = 0
        for (slot, keys) in files.enumerated() {
            for f in keys { #expect(segment.candidates(f, blockRows: bytes[segment.blockRange(segment.block(f))])[slot]) }
            for _ in 0..<500 {
                let f = UInt32(truncatingIfNeeded: rng.next())
                if !keys.contains(f), segment.candidates(f, blockRows: bytes[segment.blockRange(segment.block(f))])[slot] { falsePositives += 1 }
                probes += 1
            }
        }
        #expect(Double(falsePositives) / Double(probes) < 0.05, "\(falsePositives) of \(probes)")
        var damaged = bytes
        damaged[damaged.count - 6] ^= 1
        #expect(throws: (any Error).self) { try IndexSegment.check(damaged) }
    }
}

extension TableIndexTests {
    @Test("compactIndex merges the smallest segments: fewer reads, the same rows, nothing lost")
    func compaction() throws {
        let dir = TemporaryDirectory()
        let (table, batches) = try Self.table(dir, appends: 14)
        let before = try table.snapshot().indexSegments.count
        #expect(before == 14)
        let needle = "domain = 'm.absent.example'"
        let (_, wide) = try TableFixtures.rows(Table(root: table.root), where: needle)
        let version = try #require(try table.compactIndex(maxSegments: 4))
        let fresh = try Table(root: table.root)
        #expect(try fresh.snapshot().version == version && fresh.snapshot().indexSegments.count == 4)
        for text in [needle, "domain = 'x.test'", "dst_ip in 203.0.113.0/24"] {
            let (rows, _) = try TableFixtures.rows(fresh, where: text)
            #expect(rows == (try TableFixtures.expected(batches, where: text)), "\(text)")
        }
        let (_, narrow) = try TableFixtures.rows(fresh, where: needle)
        #expect(narrow.bytesRead < wide.bytesRead, "four segments read less than fourteen (\(narrow.bytesRead) vs \(wide.bytesRead))")
        // An absent domain opens no file: all it reads is the table index.
        #expect(narrow.readBy[.tableIndex] == narrow.bytesRead && narrow.bytesRead > 0 && narrow.readBy[.footer] == 0, "\(narrow.readBy)")
        #expect(try fresh.verify().segments == 4)
        // The merged segments' files are gone from the snapshot's index; vacuum removes them.
        let removed = try fresh.vacuum(retainHours: -1).deleted.filter { $0.hasPrefix(IndexSegment.folder) }
        #expect(removed.count == 11)
        #expect(try table.compactIndex(maxSegments: 4) == nil, "nothing left to merge")
    }

    @Test("files committed by a two-phase (Spark) write get an index segment too, and are skipped by it")
    func stagedWritesAreIndexed() throws {
        let dir = TemporaryDirectory()
        let table = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
        var batches: [RecordBatch] = []
        var adds: [AddAction] = []
        for k in 0..<4 {   // four "tasks", one commit
            let batch = TableFixtures.batch(rows: 300, days: 10, seed: UInt64(300 + k))
            batches.append(batch)
            adds += try table.writeFiles { sink in try sink(batch) }
        }
        _ = try table.commitFiles(adds)
        let snapshot = try Table(root: table.root).snapshot()
        #expect(snapshot.indexSegments.count == 1)
        #expect(Set(snapshot.indexSegments[0].files) == Set(adds.map(\.path)))
        let absent = "domain = 'm.absent.example'"
        let (rows, ledger) = try TableFixtures.rows(Table(root: table.root), where: absent)
        #expect(rows.isEmpty && ledger.skipped[.tableIndex]!.files > 0, "\(ledger)")
        let present = "dst_ip = 203.0.113.7 or domain = 'x.test'"
        #expect(try TableFixtures.rows(Table(root: table.root), where: present).rows == (try TableFixtures.expected(batches, where: present)))
        _ = try Table(root: table.root).verify()
    }
}
