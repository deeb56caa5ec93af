import Foundation
import SiftFormat
import SiftIndex
import SiftTable

// sift-log-scale DIR [FILES] [COMMITS]: builds a table of FILES small data files behind COMMITS
// commits (checkpointed every 10, one index segment per commit, then compacted as `sift table
// optimize` does), and measures what planning a needle costs at that scale (issue 19 item 3):
// opening the table (snapshot: newest checkpoint plus the commits after it), probing the
// table index, and planning in all, for a rare address, an absent one and a port. Prints one
// line per measurement and a JSON summary. `make log-scale` runs it (100,000 files, 10,000
// commits). Each needle is measured three ways: a fresh `Table` in this process (medians of 5),
// a new process's first plan (this program run again with FIRST_PLAN, median of 5), and a
// table held by a long-lived process. With FRESH_LOOP=N it only loads a fresh table and plans
// N times (for a profiler).
// With PLAN_LOOP=N in the environment it only plans the rare needle N times on one
// snapshot and prints the mean (a loop to run under a profiler).
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: sift-log-scale DIR [FILES=100000] [COMMITS=10000]\n".utf8))
    exit(64)
}
let root = arguments[1]
let fileCount = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let commits = arguments.count > 3 ? Int(arguments[3]) ?? 10_000 : 10_000
let filesPerCommit = max(1, fileCount / commits)
let rowsPerFile = 20

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}


let schema = try Schema([Field("ts", .timestamp, nullable: false), Field("src_ip", .ipv4), Field("dst_ip", .ipv4), Field("dst_port", .uint16)])
// The rare address: in one file of the middle commit only.
let rare: UInt32 = 0x3A00_0007   // 58.0.0.7, inside every file's dst_ip range
let rareCommit = commits / 2
let day: Int64 = 86_400_000_000
let start = TextForms.parseTimestamp(Array("2026-01-01T00:00:00Z".utf8))!

var built = 0.0
if !FileManager.default.fileExists(atPath: root + "/_sift_log") {
    var rng = SplitMix(19)
    var table = try Table.create(at: root, schema: schema, partitionBy: ["date(ts)"])
    table.checkpointInterval = 10
    built = try seconds {
        for c in 0..<commits {
            // Each commit writes one file into each of `filesPerCommit` days (partitions).
            var ts: [Int64] = [], src: [UInt32] = [], dst: [UInt32] = [], port: [UInt16] = []
            for f in 0..<filesPerCommit {
                let dayStart = start + Int64((c * filesPerCommit + f) % 365) * day
                for r in 0..<rowsPerFile {
                    ts.append(dayStart + Int64(rng.next() % UInt64(day)))
                    src.append(0x0A00_0000 | UInt32(rng.next() % 4096))
                    dst.append(c == rareCommit && f == 0 && r == 0 ? rare : 0x2000_0000 + UInt32(rng.next() % 0x4000_0000))
                    port.append([443, 80, 53, 22][Int(rng.next() % 4)])
                }
            }
            let batch = try RecordBatch(schema: schema, columns: [ColumnVector(.timestamp(ts)), ColumnVector(.ipv4(src)), ColumnVector(.ipv4(dst)), ColumnVector(.uint16(port))])
            _ = try table.append { sink in try sink(batch); return 0 }
            if (c + 1) % 500 == 0 { print("built \(c + 1) of \(commits) commits") }
        }
    }
    let compacted = try seconds { _ = try table.compactIndex(maxSegments: 8) }
    print(String(format: "built %d files in %d commits in %.1f s; index compacted in %.1f s", fileCount, commits, built, compacted))
}

// A table built before large commits were checkpointed (spec/table.md §7) gets the checkpoint
// its index compaction's commit would have had.
do {
    let table = try Table(root: root)
    let latest = try table.store.listLog().commits.last!
    let checkpoint = root + "/" + LogLayout.checkpointName(latest)
    if !FileManager.default.fileExists(atPath: checkpoint), let entry = try table.store.readEntry(latest), entry.count >= table.checkpointAfterBytes {
        try table.writeCheckpoint(latest)
        print("wrote the checkpoint of version \(latest) (a \(entry.count)-byte commit)")
    }
}

// The checkpoint layout of reader version 3 (index slots in columns, spec/table.md §7.1) is
// what this measures: a table built by an older version is upgraded first.
do {
    if let version = try Table(root: root).upgradeProtocol() {
        print("upgraded the table to reader version \(ProtocolAction.current.readerVersion) (version \(version), with its checkpoint)")
    }
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

// FIRST_PLAN=PREDICATE: one fresh table, snapshot and plan, the first thing a new process does
// (no memory or code warmed by earlier runs); prints the two times in ms.
if let text = ProcessInfo.processInfo.environment["FIRST_PLAN"] {
    let table = try Table(root: root)
    var snapshot: Snapshot!
    let s = try seconds { snapshot = try table.snapshot() }
    let scan = try TableScan(table: table, snapshot: snapshot, predicate: try RowPredicate.parse(text), columns: ["ts"])
    let p = seconds { _ = scan.plan() }
    print(s * 1000, p * 1000)
    exit(0)
}

/// Snapshot and planning times of a new process (this program again, with FIRST_PLAN).
func newProcessTimes(_ text: String) throws -> (snapshot: Double, planning: Double) {
    var snapshots: [Double] = [], plans: [Double] = []
    for _ in 0..<5 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = [root]
        process.environment = ProcessInfo.processInfo.environment.merging(["FIRST_PLAN": text]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let numbers = out.split(separator: "\n").last.map { $0.split(separator: " ").compactMap { Double($0) } } ?? []
        guard numbers.count == 2 else { throw CocoaError(.fileReadCorruptFile) }
        snapshots.append(numbers[0] / 1000)
        plans.append(numbers[1] / 1000)
    }
    return (median(snapshots), median(plans))
}

if let loops = ProcessInfo.processInfo.environment["PLAN_LOOP"].flatMap(Int.init) {
    let t = try Table(root: root); let snap = try t.snapshot()
    let scan = try TableScan(table: t, snapshot: snap, predicate: try RowPredicate.parse("dst_ip = 58.0.0.7"), columns: ["ts"])
    let secs = seconds { for _ in 0..<loops { _ = scan.plan() } }
    print("plan", secs * 1000 / Double(loops), "ms"); exit(0)
}
if let loops = ProcessInfo.processInfo.environment["FRESH_LOOP"].flatMap(Int.init) {
    // What a new process pays: a fresh table, its snapshot and one plan, N times.
    let predicate = try RowPredicate.parse("dst_ip = 58.0.0.7")
    let secs = try seconds {
        for _ in 0..<loops {
            let t = try Table(root: root)
            _ = try TableScan(table: t, snapshot: try t.snapshot(), predicate: predicate, columns: ["ts"]).plan()
        }
    }
    print("fresh snapshot and plan", secs * 1000 / Double(loops), "ms"); exit(0)
}
var results: [String: Any] = ["files": fileCount, "commits": commits]
for (name, text) in [("rare_ip", "dst_ip = 58.0.0.7"), ("absent_ip", "dst_ip = 48.0.0.1"), ("port", "dst_port = 100")] {
    let predicate = try RowPredicate.parse(text)
    var snapshotTimes: [Double] = [], planTimes: [Double] = [], kept = 0, total = 0, indexBytes: UInt64 = 0
    for _ in 0..<5 {
        var snapshot: Snapshot!
        let table = try Table(root: root)
        snapshotTimes.append(try seconds { snapshot = try table.snapshot() })
        let scan = try TableScan(table: table, snapshot: snapshot, predicate: predicate, columns: ["ts"])
        var plan: (files: [TableFile], ledger: SkipLedger)!
        planTimes.append(seconds { plan = scan.plan() })
        kept = plan.files.count
        total = plan.ledger.filesTotal
        indexBytes = plan.ledger.bytesRead
    }
    // A long-lived process (a server, the Python package, Spark's driver) holds the table:
    // the log is listed again, the snapshot comes from its cache, and each plan starts afresh.
    let held = try Table(root: root)
    _ = try held.snapshot()
    var refreshTimes: [Double] = [], heldPlanTimes: [Double] = []
    for _ in 0..<5 {
        var snapshot: Snapshot!
        refreshTimes.append(try seconds { snapshot = try held.snapshot() })
        let scan = try TableScan(table: held, snapshot: snapshot, predicate: predicate, columns: ["ts"])
        heldPlanTimes.append(seconds { _ = scan.plan() })
    }
    let first = try newProcessTimes(text)
    print(String(format: "%@, a new process's first plan: snapshot %.1f ms, planning %.1f ms, total %.1f ms",
                 text, first.snapshot * 1000, first.planning * 1000, (first.snapshot + first.planning) * 1000))
    print(String(format: "%@, table held by a long-lived process: snapshot refresh %.1f ms, planning %.1f ms, total %.1f ms",
                 text, median(refreshTimes) * 1000, median(heldPlanTimes) * 1000, (median(refreshTimes) + median(heldPlanTimes)) * 1000))
    let line = String(format: "%@: snapshot %.1f ms, planning (index probe included) %.1f ms, total %.1f ms; %d of %d files left to open (%.3f%%), %llu index bytes read",
                      text, median(snapshotTimes) * 1000, median(planTimes) * 1000, (median(snapshotTimes) + median(planTimes)) * 1000,
                      kept, total, Double(kept) * 100 / Double(max(total, 1)), indexBytes)
    print(line)
    results[name] = ["snapshot_ms": median(snapshotTimes) * 1000, "planning_ms": median(planTimes) * 1000, "files_left": kept, "files_total": total, "index_bytes": indexBytes,
                     "held_refresh_ms": median(refreshTimes) * 1000, "held_planning_ms": median(heldPlanTimes) * 1000,
                     "new_process_snapshot_ms": first.snapshot * 1000, "new_process_planning_ms": first.planning * 1000]
}
print(String(decoding: try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys]), as: UTF8.self))
