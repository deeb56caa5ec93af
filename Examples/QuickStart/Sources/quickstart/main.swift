import Foundation
import Sift

// A dependent's first steps, with one import: write a file, query it with a predicate, then
// build a table from NDJSON, append to it and scan it batch by batch. `make test` runs this and
// fails if any check below does.
func check(_ condition: Bool, _ what: String) {
    if !condition { print("quickstart: \(what)"); exit(1) }
}

let dir = NSTemporaryDirectory() + "quickstart-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }

// 1. A file: three connections, columns built from text.
let schema = try Schema([
    Field("ts", .timestamp, nullable: false),
    Field("src_ip", .ipv4, nullable: false),
    Field("dst_ip", .ipv6),
    Field("domain", .string, hint: .domain),
    Field("bytes", .int64),
])
let batch = try RecordBatch(schema: schema, columns: [
    try .timestamps(parsing: ["2026-08-01T10:00:00Z", "2026-08-01T10:00:01Z", "2026-08-01T10:00:02Z"]),
    try .ipv4s(parsing: ["10.0.0.1", "10.0.0.2", "10.0.0.1"]),
    try .ipv6s(parsing: ["203.0.113.7", "2001:db8::1", nil]),
    .strings(["evil.example", "cdn.evil.example", nil]),
    .int64s([100, 2000, 30000]),
])
let file = dir + "/conn.sift"
try SiftWriter.write(to: file, schema: schema) { writer in try writer.write(batch) }

// 2. Query the file: the predicate prunes row groups and pages, then filters rows.
let reader = try SiftReader(path: file)
var hits: [String] = []
let ledger = try Scanner(reader: reader, where: "domain ends_with 'evil.example' and bytes > 1000", columns: ["ts", "domain"]).scan { batch in
    hits += batch["domain"]?.strings?.compactMap { $0 } ?? []
    return true
}
check(hits == ["cdn.evil.example"], "the file query found \(hits)")
print("file: \(ledger.rowsMatched) row matched, \(ledger.bytesRead) of \(ledger.bytesTotal) bytes read")

// 3. A table from NDJSON, appended in one atomic commit, scanned batch by batch.
let sample = dir + "/conn.ndjson"
var lines = ""
for i in 0..<1000 {
    lines += #"{"ts":"2026-08-01T10:\#(String(format: "%02d", i / 60)):\#(String(format: "%02d", i % 60))Z","src_ip":"10.0.\#(i % 7).\#(i % 250)","dst_ip":"198.51.100.\#(i % 100)","dst_port":\#(i % 3 == 0 ? 443 : 53)}"# + "\n"
}
try lines.write(toFile: sample, atomically: true, encoding: .utf8)
let table = try Table.create(at: dir + "/conn", inferringFrom: sample)
try table.append(ndjsonFile: sample)
var rows = 0
var firstIP: String?
for try await batch in try table.scan(where: "dst_port = 443", columns: ["ts", "dst_ip"]) {
    rows += batch.rowCount
    let ips = batch["dst_ip"]
    firstIP = firstIP ?? ips?.text(at: 0)
}
check(rows == 334, "the table scan found \(rows) rows, not 334")
check(firstIP == "198.51.100.0", "the first address was \(firstIP ?? "none")")
print("table: \(rows) rows with dst_port = 443, the first to \(firstIP ?? "-")")
print("quickstart: ok")
