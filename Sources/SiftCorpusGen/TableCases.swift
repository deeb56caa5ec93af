import Foundation
import SiftFormat
import SiftTable

/// Tables for `spec/table.md`: a sound one, and damaged ones each with the error a reader must
/// report (code, version) and the step that finds it: `snapshot` (building the latest
/// snapshot) or `scan` (reading every live file). Each case is a table folder `NAME/` with its
/// expectation `NAME.json` beside it, under `corpus/v1/tables/`. A case folder that exists is
/// kept as committed: its commit times and file names are not reproducible.
struct TableCase {
    var name: String
    var description: String
    var error: String?
    var version: Int64?
    var step: String
    /// Live rows of the sound table.
    var rows: Int?
    /// The reader version the table needs, where the case is about it.
    var readerVersion: Int?
    /// A needle whose rows and files opened the expectation states (`needle`).
    var needle: (where: String, rows: Int, filesRead: Int)?
    /// Builds the table at `root` in place of the sound one, for cases about what it holds.
    var build: ((String) throws -> Void)?
    /// Damages a copy of the sound table at `root`.
    var damage: (String) throws -> Void
}

private func write(_ bytes: [UInt8], _ path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

private func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

/// A log entry with `actions` (as JSON lines) and a valid checksum line.
private func entry(_ lines: [String]) -> [UInt8] {
    let body = Array(lines.map { $0 + "\n" }.joined().utf8)
    let hex = String(Checksum.hash(body), radix: 16)
    return body + Array("{\"checksum\":\"\(String(repeating: "0", count: 16 - hex.count) + hex)\"}\n".utf8)
}

private func commitInfo(_ when: Int64) -> String {
    "{\"commit_info\":{\"engine\":\"sift-corpus-gen\",\"is_blind_append\":true,\"metrics\":{},\"operation\":\"append\",\"parameters\":{},\"timestamp\":\(when)}}"
}

/// The sound table: 4 commits (create, three appends of 50 rows over two days), a checkpoint
/// at version 2, partitioned by `date(ts)`.
private func soundTable(at root: String) throws {
    let schema = try Schema([Field("ts", .timestamp, nullable: false), Field("src_ip", .ipv4), Field("domain", .string, hint: .domain)])
    var table = try Table.create(at: root, schema: schema, partitionBy: ["date(ts)"])
    table.checkpointInterval = 2
    for k in 0..<3 {
        let base = TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8))! + Int64(k) * 3_600_000_000
        let batch = try RecordBatch(schema: schema, columns: [
            ColumnVector(.timestamp((0..<50).map { base + Int64($0) * 1_000_000_000 })),
            ColumnVector(.ipv4((0..<50).map { 0x0A00_0000 | UInt32(k * 50 + $0) })),
            ColumnVector(.string(VarBytes((0..<50).map { "h\($0 % 7).example.org" }))),
        ])
        _ = try table.append { sink in try sink(batch); return 0 }
    }
}

/// A table clustered by `hilbert:src_ip,dst_ip` whose index holds pairs of addresses (§11.1):
/// three appends of 40 rows over one day, each a file; sources 10.0.0.0-3 and destinations
/// 203.0.113.0-3 all occur in every file, and the pair (10.0.0.1, 203.0.113.2) only in the
/// second: a reader with pair keys opens one file for it, one without opens three.
private func pairTable(at root: String) throws {
    let schema = try Schema([Field("ts", .timestamp, nullable: false), Field("src_ip", .ipv4), Field("dst_ip", .ipv4)])
    let table = try Table.create(at: root, schema: schema, partitionBy: ["date(ts)"],
                                 clusterBy: ClusteringSpec(curve: .hilbert, columns: ["src_ip", "dst_ip"]))
    for k in 0..<3 {
        let base = TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8))! + Int64(k) * 3_600_000_000
        // Row i pairs source s = i % 4 with destination (s + offset) % 4, the offset taking the
        // file's two values in turn: offsets 0 and 2 give every address but never 1 -> 2;
        // offsets 0 and 1 (the second file) give it in rows 5, 13, 21, 29 and 37.
        let offsets: [Int] = [[0, 2], [0, 1], [0, 2]][k]
        var pairs: [(UInt32, UInt32)] = []
        for i in 0..<40 {
            let s = i % 4, d = (s + offsets[(i / 4) % 2]) % 4
            pairs.append((UInt32(s), UInt32(d)))
        }
        let batch = try RecordBatch(schema: schema, columns: [
            ColumnVector(.timestamp((0..<40).map { base + Int64($0) * 1_000_000_000 })),
            ColumnVector(.ipv4(pairs.map { 0x0A00_0000 | $0.0 })),
            ColumnVector(.ipv4(pairs.map { 0xCB00_7100 | $0.1 })),
        ])
        _ = try table.append { sink in try sink(batch); return 0 }
    }
}

/// Rewrites the checkpoint of `version` with `edit` applied to its columns, keeping its footer's
/// key-value pairs (a damage a checksum does not catch: the file is a sound Sift file).
private func rewriteCheckpoint(_ root: String, _ version: Int64, _ edit: (inout [ColumnVector]) throws -> Void) throws {
    let path = root + "/" + LogLayout.checkpointName(version)
    let reader = try SiftReader(path: path)
    var columns = try reader.readColumns(rowGroup: 0)
    try edit(&columns)
    var options = WriterOptions()
    options.bloomFilterColumns = []
    options.keyValues = reader.metadata.keyValues.map { ($0.0, $0.1) }
    let writer = try SiftWriter(path: path + ".new", schema: reader.schema, options: options)
    try writer.write(try RecordBatch(schema: reader.schema, columns: columns))
    try writer.close()
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.moveItem(atPath: path + ".new", toPath: path)
}

func tableCases() -> [TableCase] {
    func log(_ root: String, _ v: Int64) -> String { root + "/" + LogLayout.commitName(v) }
    func lastTime(_ root: String) throws -> Int64 {
        let text = String(decoding: try read(log(root, 3)), as: UTF8.self)
        let t = text.range(of: "\"timestamp\":")!.upperBound
        return Int64(text[t...].prefix { $0.isNumber })!
    }
    return [
        TableCase(name: "sound", description: "create, three appends of 50 rows over one day, a checkpoint at version 2: reads 150 rows", step: "scan", rows: 150) { _ in },
        TableCase(name: "flipped-entry", description: "one byte of commit 3's add action flipped: its checksum line no longer matches", error: "corrupt_log", version: 3, step: "snapshot") { root in
            var b = try read(log(root, 3)); b[20] ^= 0x01; try write(b, log(root, 3))
        },
        TableCase(name: "torn-entry", description: "commit 3 cut after its first line (no checksum line)", error: "corrupt_log", version: 3, step: "snapshot") { root in
            let b = try read(log(root, 3)); try write(Array(b.prefix(through: b.firstIndex(of: 0x0A)!)), log(root, 3))
        },
        TableCase(name: "flipped-checkpoint", description: "one byte of the checkpoint of version 2 flipped inside its footer", error: "corrupt_log", version: 2, step: "snapshot") { root in
            let path = root + "/" + LogLayout.checkpointName(2)
            var b = try read(path); b[b.count - 30] ^= 0x01; try write(b, path)
        },
        TableCase(name: "missing-commit", description: "commit 3 deleted while commit 4 exists (an entry appended by hand after it)", error: "missing_log", version: 3, step: "snapshot") { root in
            let when = try lastTime(root) + 1
            try FileManager.default.removeItem(atPath: log(root, 3))
            try write(entry([commitInfo(when)]), log(root, 4))
        },
        TableCase(name: "missing-checkpoint", description: "_last_checkpoint names version 2, whose checkpoint file was deleted", error: "missing_log", version: 2, step: "snapshot") { root in
            try FileManager.default.removeItem(atPath: root + "/" + LogLayout.checkpointName(2))
        },
        TableCase(name: "unsafe-path", description: "commit 4 adds ../outside.sift, a path that leaves the table folder", error: "unsafe_path", version: 4, step: "snapshot") { root in
            let add = "{\"add\":{\"blooms\":[],\"data_change\":true,\"modification_time\":0,\"partition_values\":{\"date\":\"2026-08-01\"},\"path\":\"../outside.sift\",\"rows\":1,\"size\":10,\"stats\":{}}}"
            try write(entry([add, commitInfo(try lastTime(root) + 1)]), log(root, 4))
        },
        TableCase(name: "no-commit-info", description: "commit 4 holds a txn action and no commit_info", error: "corrupt_log", version: 4, step: "snapshot") { root in
            try write(entry(["{\"txn\":{\"app_id\":\"loader\",\"last_updated\":0,\"version\":1}}"]), log(root, 4))
        },
        TableCase(name: "time-goes-back", description: "commit 4's timestamp equals commit 3's", error: "corrupt_log", version: 4, step: "snapshot") { root in
            try write(entry([commitInfo(try lastTime(root))]), log(root, 4))
        },
        TableCase(name: "partitioning-changed", description: "commit 4 repeats the metadata with partition_by [] instead of [\"date(ts)\"]", error: "corrupt_log", version: 4, step: "snapshot") { root in
            let zero = String(decoding: try read(log(root, 0)), as: UTF8.self)
            let metadata = zero.split(separator: "\n").first { $0.hasPrefix("{\"metadata\"") }!.replacingOccurrences(of: "\"partition_by\":[\"date(ts)\"]", with: "\"partition_by\":[]")
            try write(entry([metadata, commitInfo(try lastTime(root) + 1)]), log(root, 4))
        },
        TableCase(name: "data-file-replaced", description: "a live data file replaced by another Sift file of another size behind the log's back", error: "missing_data", version: nil, step: "scan") { root in
            let text = String(decoding: try read(log(root, 3)), as: UTF8.self)
            let p = text.range(of: "\"path\":\"")!.upperBound
            let path = String(text[p...].prefix { $0 != "\"" })
            let schema = try Schema([Field("ts", .timestamp, nullable: false)])
            let writer = try SiftWriter(path: root + "/" + path + ".new", schema: schema)
            try writer.write(try RecordBatch(schema: schema, columns: [ColumnVector(.timestamp([1]))]))
            try writer.close()
            try FileManager.default.removeItem(atPath: root + "/" + path)
            try FileManager.default.moveItem(atPath: root + "/" + path + ".new", toPath: root + "/" + path)
        },
        // Reader version 3 (`spec/table.md` §7): checkpoints keep each file's index slot in columns.
        TableCase(name: "sound-v3", description: "reader version 3: create, three appends of 50 rows, a checkpoint at version 2 that keeps each file's index segment and slot in columns, commit 3 replayed on it: reads 150 rows",
                  step: "scan", rows: 150, readerVersion: 3) { _ in },
        TableCase(name: "v3-slot-outside-segment", description: "reader version 3: the checkpoint of version 2 puts its first file in slot 1000 of a segment that covers fewer files",
                  error: "corrupt_log", version: 2, step: "snapshot", readerVersion: 3) { root in
            try rewriteCheckpoint(root, 2) { columns in
                guard case .int32(var slots) = columns[10].values else { throw TableError(.corruptLog, "no index_slot column") }
                slots[0] = 1000
                columns[10] = ColumnVector(.int32(slots), validity: columns[10].validity)
            }
        },
        // Pair keys of the table index (`spec/table.md` §11.1).
        TableCase(name: "pairs", description: "pair keys: a table clustered by hilbert:src_ip,dst_ip, three appends of 40 rows in which every address occurs in every file, and the pair 10.0.0.1 -> 203.0.113.2 in the second only: the pair needle reads 5 rows and opens one file (three without pair keys)",
                  step: "scan", rows: 120, readerVersion: 3, needle: ("src_ip = 10.0.0.1 and dst_ip = 203.0.113.2", 5, 1), build: pairTable) { _ in },
    ]
}

/// Writes each case not yet in `folder`; returns (written, kept).
func storeTables(in folder: String) throws -> (Int, Int) {
    var written = 0, kept = 0
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for c in tableCases() {
        let root = folder + "/" + c.name
        if FileManager.default.fileExists(atPath: root) { kept += 1; continue }
        try (c.build ?? soundTable)(root)
        try c.damage(root)
        var expectation: [String: Any] = ["table": c.name, "description": c.description, "valid": c.error == nil, "found_by": c.step]
        if let error = c.error { expectation["error"] = error }
        if let version = c.version { expectation["version"] = version }
        if let rows = c.rows { expectation["rows"] = rows }
        if let readerVersion = c.readerVersion { expectation["reader_version"] = readerVersion }
        if let needle = c.needle { expectation["needle"] = ["where": needle.where, "rows": needle.rows, "files_read": needle.filesRead] }
        let json = try JSONSerialization.data(withJSONObject: expectation, options: [.prettyPrinted, .sortedKeys])
        try (json + Data("\n".utf8)).write(to: URL(fileURLWithPath: root + ".json"))
        written += 1
    }
    return (written, kept)
}
