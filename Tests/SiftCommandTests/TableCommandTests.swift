#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SiftFormat
import SiftTable
import SiftTestSupport
import Testing

/// The table commands as separate processes: concurrent writers, writers killed at random
/// points, idempotent appends, and the query report.
@Suite("sift table and sift query", .serialized)
struct TableCommandTests {
    /// A table created from a generated sample, and `count` small NDJSON files to append.
    static func setUp(_ dir: TemporaryDirectory, files count: Int, rows: (Int) -> Int) throws -> [String] {
        let sample = try SiftProcess.run(["gen", "conn", "--rows", "2000", "--days", "3", "--output", dir.file("sample.ndjson")])
        #expect(sample.status == 0, "\(sample.stderr)")
        let create = try SiftProcess.run(["table", "create", dir.file("t"), "--infer-from", dir.file("sample.ndjson"), "--partition-by", "date(ts)"])
        #expect(create.status == 0, "\(create.stderr)")
        return try (0..<count).map { i in
            let path = dir.file("in-\(i).ndjson")
            let gen = try SiftProcess.run(["gen", "conn", "--rows", String(rows(i)), "--days", "3", "--seed", String(i + 1), "--output", path])
            #expect(gen.status == 0, "\(gen.stderr)")
            return path
        }
    }

    /// The rows the table holds, read through every file the snapshot names.
    static func rowsRead(_ table: Table) throws -> Int {
        var n = 0
        try TableScan(table: table, snapshot: try table.snapshot(), predicate: nil, columns: ["ts"]).run { n += $0.rowCount; return true }
        return n
    }

    @Test("describe names the protocol; upgrade raises a version 2 table once, and its rows stay")
    func describeAndUpgrade() throws {
        let dir = TemporaryDirectory()
        let root = dir.file("sound")
        try FileManager.default.copyItem(atPath: RepositoryPaths.corpus + "/v1/tables/sound", toPath: root)
        let before = try SiftProcess.run(["table", "describe", root])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdoutText.contains("protocol: reader version 2, writer version 2 (sift table upgrade raises it to 3); table index: 3 segments"), "\(before.stdoutText)")
        let count = try SiftProcess.run(["query", root, "--count"])
        let upgrade = try SiftProcess.run(["table", "upgrade", root])
        #expect(upgrade.status == 0 && upgrade.stderr.contains("upgraded to reader version 3, writer version 3 as version 4"), "\(upgrade.stderr)")
        let again = try SiftProcess.run(["table", "upgrade", root])
        #expect(again.status == 0 && again.stderr.contains("already at reader version 3"), "\(again.stderr)")
        let after = try SiftProcess.run(["table", "describe", root])
        #expect(after.stdoutText.contains("version 4 at") && after.stdoutText.contains("protocol: reader version 3, writer version 3; table index: 3 segments"), "\(after.stdoutText)")
        #expect(try SiftProcess.run(["query", root, "--count"]).stdoutText == count.stdoutText)
        #expect(FileManager.default.fileExists(atPath: root + "/_sift_log/00000000000000000004.checkpoint.sift"))
        // A table whose index holds pairs of addresses says so (the sound one has none).
        #expect(!after.stdoutText.contains("with pairs"))
        let pairs = try SiftProcess.run(["table", "describe", RepositoryPaths.corpus + "/v1/tables/pairs"])
        #expect(pairs.stdoutText.contains("table index: 3 segments (with pairs of src_ip, dst_ip)"), "\(pairs.stdoutText)")
    }

    @Test func concurrentAppendersEachCommitOnce() throws {
        let dir = TemporaryDirectory()
        let writers = 4, commitsEach = 12
        let inputs = try Self.setUp(dir, files: writers, rows: { 10 + $0 })
        let failures = ParallelFailures()
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            for i in 0..<commitsEach {
                do {
                    let r = try SiftProcess.run(["table", "append", dir.file("t"), inputs[w], "--txn", "writer\(w):\(i)"])
                    if r.status != 0 { failures.add("writer \(w) commit \(i): \(r.stderr)") }
                } catch { failures.add("\(error)") }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        let table = try Table(root: dir.file("t"))
        let history = try table.history()
        #expect(history.map(\.version) == Array(0...Int64(writers * commitsEach)), "versions are contiguous")
        let txns = history.compactMap { $0.info?.parameters["txn"] }
        #expect(txns.count == writers * commitsEach)
        #expect(Set(txns).count == txns.count, "every commit is present once")
        let expectedRows = (0..<writers).reduce(0) { $0 + (10 + $1) * commitsEach }
        #expect(try table.snapshot().rowCount == Int64(expectedRows))
        #expect(try Self.rowsRead(table) == expectedRows)
        for w in 0..<writers { #expect(try table.snapshot().txns["writer\(w)"]?.version == Int64(commitsEach - 1)) }
    }

    @Test func writersKilledAtRandomPointsNeverLeaveHalfACommit() throws {
        let dir = TemporaryDirectory()
        let inputs = try Self.setUp(dir, files: 4, rows: { 3000 * ($0 + 1) })
        let table = try Table(root: dir.file("t"))
        var rng = SeededRandom(seed: 0xC4A5)
        var committed: Int64 = 0, killed = 0
        for round in 0..<50 {
            let k = Int(rng.next() % 4)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: SiftProcess.binary)
            process.arguments = ["table", "append", dir.file("t"), inputs[k]]
            process.standardError = FileHandle.nullDevice
            // Half the rounds die at a chosen point of the commit; the others at a random time.
            let points = ["after_data_files", "torn_log_entry", "before_log_entry", "after_log_entry"]
            if round % 2 == 0 {
                process.environment = ProcessInfo.processInfo.environment.merging(["SIFT_TEST_KILL_AT": points[(round / 2) % points.count]]) { $1 }
            }
            try process.run()
            if round % 2 == 1 {
                usleep(useconds_t(rng.next() % 400_000))
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killed += 1 }
            // The table always opens and holds exactly what was committed: all of this append
            // or none of it.
            let snapshot = try table.snapshot()
            let added = Int64(3000 * (k + 1))
            #expect(snapshot.rowCount == committed || snapshot.rowCount == committed + added, "round \(round)")
            committed = snapshot.rowCount
            let fromHistory = try table.history().reduce(Int64(0)) { $0 + ($1.info?.metrics["rows_added"] ?? 0) }
            #expect(fromHistory == committed, "round \(round)")
            #expect(Int64(try Self.rowsRead(table)) == committed, "round \(round)")
        }
        #expect(killed >= 25, "most rounds really were killed (\(killed))")
        #expect(committed > 0, "some rounds committed before dying")
        // What the dead writers left is unreferenced; vacuum removes it and nothing else.
        _ = try table.vacuum(retainHours: -1)
        #expect(try table.vacuum(retainHours: -1, dryRun: true).deleted.isEmpty)
        #expect(Int64(try Self.rowsRead(table)) == committed)
    }

    @Test func idempotentAppendAndTheQueryReport() throws {
        let dir = TemporaryDirectory()
        let inputs = try Self.setUp(dir, files: 1, rows: { _ in 5000 })
        for _ in 0..<2 {
            let r = try SiftProcess.run(["table", "append", dir.file("t"), inputs[0], "--txn", "loader:1"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let table = try Table(root: dir.file("t"))
        #expect(try table.snapshot().rowCount == 5000)
        #expect(try table.snapshot().version == 1)
        let first = try SiftProcess.run(["query", dir.file("t"), "--columns", "src_ip,dst_ip", "--limit", "1", "--format", "csv"])
        let pair = first.stdoutText.split(separator: "\n")[1].split(separator: ",")
        let optimize = try SiftProcess.run(["table", "optimize", dir.file("t"), "--hilbert", "src_ip,dst_ip", "--target-file-mb", "0.05"])
        #expect(optimize.status == 0, "\(optimize.stderr)")
        let query = try SiftProcess.run(["query", dir.file("t"), "--where", "src_ip = \(pair[0]) and dst_ip = \(pair[1]) and ts < '2026-08-02'", "--explain", "--json"])
        #expect(query.status == 0, "\(query.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(query.stdoutText.split(separator: "\n").last!.utf8)) as! [String: Any]
        for key in ["rows_matched", "bytes_total", "bytes_read", "row_groups_total", "row_groups_read", "pages_total", "pages_read",
                    "not_materialized", "files_total", "files_read"] {
            #expect(report[key] is NSNumber, "explain has \(key)")
        }
        let skipped = report["skipped_by"] as! [String: Any]
        #expect(Set(skipped.keys) == ["partition", "file_stats", "table_index", "min_max", "bloom", "zone_map", "page_bloom"])
        #expect((skipped["partition"] as! NSNumber).intValue > 0, "later days are pruned by partition")
        #expect((report["rows_matched"] as! NSNumber).intValue >= 1)
        #expect((report["files_read"] as! NSNumber).intValue < (report["files_total"] as! NSNumber).intValue)
        let history = try SiftProcess.run(["table", "history", dir.file("t"), "--json"])
        #expect(history.stdoutText.split(separator: "\n").count == 3)
        #expect(history.stdoutText.contains("\"operation\":\"optimize\""))
    }

    @Test("bloom_columns decides which files' columns get filters; --count and --timing-runs; the report counts skips by index")
    func bloomPropertyCountAndTimingRuns() throws {
        let dir = TemporaryDirectory()
        let input = dir.file("dns.ndjson")
        let gen = try SiftProcess.run(["gen", "dns", "--rows", "6000", "--days", "2", "--output", input])
        #expect(gen.status == 0, "\(gen.stderr)")
        let again = try SiftProcess.run(["gen", "dns", "--rows", "6000", "--days", "2"])
        #expect(again.stdoutText == (try String(contentsOfFile: input, encoding: .utf8)), "the same seed gives the same bytes")
        for (name, bloom) in [("none", "none"), ("some", "query"), ("default", nil)] {
            var create = ["table", "create", dir.file(name), "--infer-from", input, "--partition-by", "date(ts)"]
            if let bloom { create += ["--bloom", bloom] }
            #expect(try SiftProcess.run(create).status == 0)
            let append = try SiftProcess.run(["table", "append", dir.file(name), input])
            #expect(append.status == 0, "\(append.stderr)")
        }
        func blooms(_ name: String) throws -> Set<String> {
            Set(try Table(root: dir.file(name)).snapshot().files.values.flatMap(\.blooms))
        }
        #expect(try blooms("none").isEmpty)
        #expect(try blooms("some") == ["query"])
        #expect(try blooms("default") == ["src_ip", "src_port", "dst_ip", "dst_port", "query", "answer"], "IPs, ports and the domain column")
        let bad = try SiftProcess.run(["table", "create", dir.file("bad"), "--infer-from", input, "--bloom", "nope"])
        #expect(bad.status != 0 && bad.stderr.contains("nope"), "\(bad.stderr)")

        // An absent name: the default table skips files by its table index (which holds the
        // bloom columns' keys), the no-bloom table has neither index nor blooms.
        let absent = "query = 'never-seen.evil.example'"
        for (name, expectBloomSkips) in [("default", true), ("none", false)] {
            let q = try SiftProcess.run(["query", dir.file(name), "--where", absent, "--explain", "--json", "--timing-runs", "3"])
            #expect(q.status == 0, "\(q.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(q.stdoutText.split(separator: "\n").last!.utf8)) as! [String: Any]
            #expect((report["run_ms"] as? [NSNumber])?.count == 3)
            let groups = report["row_groups_skipped_by"] as! [String: NSNumber]
            let files = report["files_skipped_by"] as! [String: NSNumber]
            #expect((groups["bloom"]!.intValue + files["table_index"]!.intValue > 0) == expectBloomSkips, "\(name): \(groups) \(files)")
        }
        // --count agrees with the rows printed.
        let count = try SiftProcess.run(["query", dir.file("default"), "--where", "qtype = 'AAAA'", "--count"])
        let rows = try SiftProcess.run(["query", dir.file("default"), "--where", "qtype = 'AAAA'", "--columns", "uid"])
        let printed = rows.stdoutText.split(separator: "\n").count
        #expect(printed > 0)
        #expect(count.stdoutText == "\(printed)\n")
        // --count --group-by: per value, most first, adding up to the count; ieq and not in agree.
        let grouped = try SiftProcess.run(["query", dir.file("default"), "--where", "qtype = 'AAAA'", "--count", "--group-by", "query"])
        #expect(grouped.status == 0, "\(grouped.stderr)")
        let pairs = grouped.stdoutText.split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1) }
        let counts = pairs.map { Int($0[0])! }
        #expect(counts.reduce(0, +) == printed && counts == counts.sorted(by: >))
        let folded = try SiftProcess.run(["query", dir.file("default"), "--where", "qtype ieq 'aaaa'", "--count"])
        #expect(folded.stdoutText == count.stdoutText)
        let all = try SiftProcess.run(["query", dir.file("default"), "--count"])
        let others = try SiftProcess.run(["query", dir.file("default"), "--where", "qtype not in ('AAAA')", "--count"])
        let nulls = try SiftProcess.run(["query", dir.file("default"), "--where", "qtype is null", "--count"])
        #expect(Int(others.stdoutText.dropLast())! + printed + Int(nulls.stdoutText.dropLast())! == Int(all.stdoutText.dropLast())!)
        let misuse = try SiftProcess.run(["query", dir.file("default"), "--group-by", "query"])
        #expect(misuse.status != 0 && misuse.stderr.contains("--count"))
    }
}

/// Failures collected from concurrent workers.
final class ParallelFailures: @unchecked Sendable {
    // Safety: `items` is only touched under `lock`.
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
