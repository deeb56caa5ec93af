import Foundation
import SiftFormat
import SiftIndex
import SiftNDJSON
import SiftScan
@testable import SiftTable
import SiftTestSupport
import Testing

/// Pair keys of the table index (`spec/table.md` §11.1): a table clustered by two indexed
/// columns indexes the pairs of values its rows hold, so `a = X and b = Y` opens only the
/// files where some row holds both, however common X and Y are on their own.
@Suite("Tables: pair keys of the table index")
struct TableIndexPairTests {
    /// Where `(src_ip, dst_ip)` pairs and each value alone occur, file by file, read back from
    /// the table's files.
    static func occurrences(_ table: Table) throws -> [(pairs: Set<[UInt32]>, src: Set<UInt32>, dst: Set<UInt32>)] {
        let snapshot = try table.snapshot()
        return try snapshot.sortedFiles.map { file in
            let reader = try SiftReader(path: table.root + "/" + file.path)
            var out = (pairs: Set<[UInt32]>(), src: Set<UInt32>(), dst: Set<UInt32>())
            for g in reader.metadata.rowGroups.indices {
                guard case .ipv4(let s) = try reader.readColumn(rowGroup: g, column: 2).values,
                      case .ipv4(let d) = try reader.readColumn(rowGroup: g, column: 3).values else { continue }
                for i in s.indices { out.pairs.insert([s[i], d[i]]); out.src.insert(s[i]); out.dst.insert(d[i]) }
            }
            return out
        }
    }

    static func ip(_ v: UInt32) -> String { "\(v >> 24).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)" }

    /// A table of `appends` commits of 600 rows over two days whose 30 sources and 100
    /// destinations each occur in nearly every file, while a given pair is in about one file in
    /// ten: what single-value keys cannot rule out.
    static func busyTable(_ dir: TemporaryDirectory, appends: Int) throws -> (Table, [RecordBatch]) {
        try TableIndexTests.table(dir, appends: appends) { k in
            var columns = TableFixtures.batch(rows: 600, days: 2, seed: UInt64(500 + k)).columns
            if case .ipv4(let src) = columns[2].values { columns[2] = ColumnVector(.ipv4(src.map { 0x0A00_0000 | $0 % 30 })) }
            if case .ipv4(let dst) = columns[3].values { columns[3] = ColumnVector(.ipv4(dst.map { 0xCB00_7100 | $0 % 100 })) }
            return try RecordBatch(schema: TableFixtures.schema, columns: columns)
        }
    }

    @Test("a pair needle opens only the files holding the pair; each value alone is in many more")
    func pairNeedles() throws {
        let dir = TemporaryDirectory()
        let (table, batches) = try Self.busyTable(dir, appends: 6)
        let snapshot = try Table(root: table.root).snapshot()
        #expect(snapshot.indexSegments.allSatisfy { $0.pairs == [["src_ip", "dst_ip"]] }, "\(snapshot.indexSegments.map(\.pairs))")
        let files = try Self.occurrences(table)
        var rng = SeededRandom(seed: 9)
        var present = 0, absent = 0, openedAbsent = 0, singlesOpen = 0, falsePositives = 0, others = 0
        for trial in 0..<80 {
            // Present pairs from some file; absent ones of two values that each occur.
            let f = files[Int(rng.next() % UInt64(files.count))]
            let pair: [UInt32]
            if trial % 2 == 0 {
                pair = f.pairs.sorted { $0.lexicographicallyPrecedes($1) }[Int(rng.next() % UInt64(f.pairs.count))]
            } else {
                // Two values of this file that no row of any file holds together, where one is found.
                var candidate: [UInt32] = []
                for _ in 0..<50 {
                    candidate = [f.src.sorted()[Int(rng.next() % UInt64(f.src.count))], f.dst.sorted()[Int(rng.next() % UInt64(f.dst.count))]]
                    if !files.contains(where: { $0.pairs.contains(candidate) }) { break }
                }
                pair = candidate
            }
            let text = "src_ip = \(Self.ip(pair[0])) and dst_ip = \(Self.ip(pair[1]))"
            let (rows, ledger) = try TableFixtures.rows(Table(root: table.root), where: text)
            #expect(rows == (try TableFixtures.expected(batches, where: text)), "\(text)")
            let holding = files.filter { $0.pairs.contains(pair) }.count
            let both = files.filter { $0.src.contains(pair[0]) && $0.dst.contains(pair[1]) }.count
            // Never fewer than the files that hold the pair; a false positive now and then.
            #expect(ledger.filesRead >= holding, "\(text): opened \(ledger.filesRead), \(holding) hold it")
            falsePositives += ledger.filesRead - holding
            others += files.count - holding
            singlesOpen += both
            if holding == 0 { absent += 1; openedAbsent += ledger.filesRead } else { present += 1 }
        }
        #expect(present > 20 && absent > 30, "\(present) present, \(absent) absent")
        // About 1% of the files that do not hold a pair are opened anyway (the filters' rate).
        #expect(Double(falsePositives) / Double(others) < 0.03, "\(falsePositives) false positives of \(others)")
        #expect(Double(openedAbsent) / Double(absent) < 0.5, "\(openedAbsent) files opened for \(absent) absent pairs")
        #expect(singlesOpen > 8 * 80, "each value alone is in many files (\(singlesOpen) over 80 needles of \(files.count) files)")
        // verify re-reads each file's pairs and finds every one in its segment.
        #expect(try Table(root: table.root).verify().segments == snapshot.indexSegments.count)
    }

    @Test("pairs survive a checkpoint and an index merge; a table not clustered by two indexed columns has none")
    func pairsKept() throws {
        let dir = TemporaryDirectory()
        let (table, batches) = try TableIndexTests.table(dir, appends: 9)
        let version = try #require(try table.compactIndex(maxSegments: 3))
        let fresh = try Table(root: table.root)
        try fresh.writeCheckpoint(version)
        let loaded = try Table(root: table.root).snapshot()
        #expect(loaded.version == version && loaded.indexSegments.count == 3)
        #expect(loaded.indexSegments.allSatisfy { $0.pairs == [["src_ip", "dst_ip"]] })
        let files = try Self.occurrences(table)
        let pair = try #require(files.first?.pairs.first)
        let text = "dst_ip = \(Self.ip(pair[1])) and src_ip = \(Self.ip(pair[0]))"  // either order
        let (rows, ledger) = try TableFixtures.rows(Table(root: table.root), where: text)
        #expect(rows == (try TableFixtures.expected(batches, where: text)))
        #expect(ledger.filesRead <= files.filter { $0.pairs.contains(pair) }.count + 1)
        #expect(try Table(root: table.root).verify().segments == 3)

        // No clustering: no pairs, and the same rows.
        let plain = try Table.create(at: dir.file("plain"), schema: TableFixtures.schema, partitionBy: ["date(ts)"])
        try TableFixtures.append(plain, batches[0])
        #expect(try plain.snapshot().indexSegments.allSatisfy { $0.pairs.isEmpty })
        #expect(try TableFixtures.rows(plain, where: text).rows == (try TableFixtures.expected([batches[0]], where: text)))
    }

    @Test("verify finds a segment that claims pairs it does not hold")
    func verifyFindsMissingPairs() throws {
        let dir = TemporaryDirectory()
        let table = try Table.create(at: dir.file("t"), schema: TableFixtures.schema, partitionBy: ["date(ts)"])
        try TableFixtures.append(table, TableFixtures.batch(rows: 300, days: 2, seed: 3))
        let read = try table.snapshot()
        #expect(try table.verify().segments == 1)
        // A writer that lists a pair but put only the columns' keys in the segment: a reader
        // would rule out files that hold the pair, so verify must refuse it.
        let segment = try #require(read.indexSegments.first)
        let files = try read.sortedFiles.map { file in
            (file.path, try IndexSegment.fingerprints(of: try table.openDataFile(file, schema: read.schema), columns: segment.columns.keys).sorted())
        }
        let claimed = try IndexSegment.write(files, columns: segment.columns, pairs: [["src_ip", "dst_ip"]], root: table.root, fileSystem: LocalFileSystem())
        try table.commit(PendingCommit(actions: [.index(claimed)], operation: "index"), read: read)
        #expect { try table.verify() } throws: { "\($0)".contains("lacks one of its own keys") }
    }

    @Test("the log entry and the version 3 checkpoint carry pairs only when there are some")
    func encoding() throws {
        let with = IndexAction(path: "_sift_index/a.sidx", files: ["x.sift"], columns: ["src_ip": 3], size: 10, pairs: [["src_ip", "dst_ip"]])
        let text = String(decoding: try JSONEncoder().encode(with), as: UTF8.self)
        #expect(text.contains("\"pairs\":[[\"src_ip\",\"dst_ip\"]]"))
        #expect(try JSONDecoder().decode(IndexAction.self, from: Data(text.utf8)) == with)
        let without = IndexAction(path: "_sift_index/a.sidx", files: ["x.sift"], columns: ["src_ip": 3], size: 10)
        #expect(!String(decoding: try JSONEncoder().encode(without), as: UTF8.self).contains("pairs"))
        // The fast decoder of checkpoints' segment lists reads the same.
        #expect(FastActionDecoder.indexActions("[\(text)]") == [with])
        #expect(FastActionDecoder.indexActions("[{\"path\":\"p\",\"files\":[],\"columns\":{},\"size\":1,\"pairs\":[[\"a\"]]}]") == nil,
                "a malformed pair falls back to JSONDecoder, which reports it")
    }
}
