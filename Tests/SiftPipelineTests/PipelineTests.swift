import Foundation
import SiftFormat
import SiftIndex
@testable import SiftPipeline
import SiftTable
import SiftTestSupport
import Testing

@Suite("Pipeline: ingest, parse, quarantine, reparse, hunt")
struct PipelineTests {
    @Test func realSamplesReachTheRefinedTablesAndEveryLineIsAccountedFor() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        var lines = 0, staged = 0, rejectedAtIngest = 0
        for (file, format) in PipelineFixtures.samples {
            let result = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped(file, format), file: file)
            #expect(result.lines == result.staged + result.quarantined)
            lines += result.lines; staged += result.staged; rejectedAtIngest += result.quarantined
        }
        let parsed = try wh.parse()
        #expect(parsed.stagedRows == staged)
        #expect(parsed.stagedRows == parsed.parsed + parsed.quarantined)
        #expect(try PipelineFixtures.count(wh.staging) == staged)
        #expect(try PipelineFixtures.count(wh.quarantine) == rejectedAtIngest + parsed.quarantined)
        let refinedRows = try RefinedKind.allCases.reduce(0) { $0 + (try PipelineFixtures.count(try wh.refined($1))) }
        #expect(refinedRows == parsed.parsed)
        // Every Zeek record of these samples parses; Suricata's unparsed types are quarantined by name.
        let reasons = try PipelineFixtures.rows(wh.quarantine, columns: ["reason"]).map { PipelineFixtures.json($0)["reason"] as! String }
        #expect(reasons.allSatisfy { $0.hasPrefix("no parser for event type 'suricata.") }, "\(Set(reasons))")

        // Spot checks against the sample files' first records.
        let conn = try PipelineFixtures.rows(try wh.refined(.conn), where: "uid = 'CoyZrY2g74UvMMgp4a'")
        #expect(conn.count == 1)
        let c = PipelineFixtures.json(conn[0])
        #expect(c["src_ip"] as? String == "192.168.33.10" && c["dst_ip"] as? String == "54.245.228.191")
        #expect(c["dst_port"] as? Int == 80 && c["bytes_out"] as? Int == 601 && c["bytes_in"] as? Int == 38393)
        #expect(c["time"] as? String == "2013-09-15T23:44:27.706265Z" && c["parser"] as? String == "zeek.conn")
        let dns = try PipelineFixtures.rows(try wh.refined(.dns), where: "event_type = 'suricata.dns' and domain = 'security.debian.org'")
        #expect(!dns.isEmpty)
        let alerts = try PipelineFixtures.rows(try wh.refined(.alert))
        #expect(!alerts.isEmpty && alerts.allSatisfy { PipelineFixtures.json($0)["signature"] is String })
        // The raw event is kept byte for byte: staging's raw of a TSV line is that line.
        let firstLine = String(decoding: FileManager.default.contents(atPath: PipelineFixtures.real + "/zeek/zat-conn.log")!, as: UTF8.self)
            .split(separator: "\n").first { !$0.hasPrefix("#") }!
        let stagedRaw = try PipelineFixtures.rows(wh.staging, where: "event_type = 'zeek.conn' and line = 1", columns: ["raw", "file"])
            .map(PipelineFixtures.json).first { ($0["file"] as? String) == "zeek/zat-conn.log" }
        #expect(stagedRaw?["raw"] as? String == String(firstLine))
    }

    @Test func messyInputAllReachesQuarantineAndTheCountsAddUp() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        let good = #"{"ts":"2026-08-01T10:00:00Z","event_type":"demo.conn","source":"t","raw":{"src_ip":"10.0.0.1","dst_ip":"203.0.113.7","dst_port":443,"bytes_out":10}}"#
        let lines = [
            good,
            "not json at all",                                                                              // ingest: syntax
            #"{"event_type":"demo.conn","source":"t","raw":{}}"#,                                           // ingest: no ts
            #"{"ts":"yesterday","event_type":"demo.conn","source":"t","raw":{}}"#,                        // ingest: bad ts
            #"{"ts":"2026-08-01T10:00:00Z","event_type":"Demo Conn","source":"t","raw":{}}"#,               // ingest: bad type
            #"{"ts":"2026-08-01T10:00:00Z","event_type":"demo.conn","source":"t","raw":{},"x":1}"#,        // ingest: drift
            #"{"ts":"2026-08-01T10:00:00Z","event_type":"demo.conn","source":"t","raw":42}"#,              // ingest: raw not an event
            #"{"ts":"2026-08-01T10:00:00Z","event_type":"unknown.kind","source":"t","raw":{"a":1}}"#,     // parse: no parser
            #"{"ts":"2026-08-01T10:00:00Z","event_type":"demo.conn","source":"t","raw":{"uid":"x"}}"#,   // parse: no addresses
            #"{"ts":"2026-08-01T10:00:00Z","event_type":"demo.conn","source":"t","raw":{"src_ip":"10.0.0.1","dst_ip":"not-an-ip"}}"#,  // parse: bad value
            #"{"ts":"2026-08-01T10:00:00Z","event_type":"demo.conn","source":"t","raw":{"src_ip":"10.0.0.1","dst_ip":"10.0.0.2","dst_port":70000}}"#,  // parse: port range
            #"{"ts":"2026-08-01T10:00:00Z","event_type":"zeek.conn","source":"t","raw":"1\tC1\t10.0.0.1"}"#,  // parse: TSV too short
            good.replacingOccurrences(of: "10.0.0.1", with: "10.0.0.9"),
        ]
        var input = Array(lines.joined(separator: "\n").utf8) + [0x0A]
        input += Array(#"{"ts":"2026-08-01T10:00:00Z","event_type":"demo.conn","source":"t","raw":{"src_ip":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8) + [0x0A]   // invalid UTF-8
        let ingest = try PipelineFixtures.ingest(wh, input, file: "messy.ndjson")
        #expect(ingest.lines == 14)
        #expect(ingest.quarantined == 7)
        #expect(ingest.staged == 7)
        let parse = try wh.parse()
        #expect(parse.stagedRows == 7)
        #expect(parse.parsed == 2)
        #expect(parse.quarantined == 5)
        let q = try PipelineFixtures.rows(wh.quarantine).map(PipelineFixtures.json)
        #expect(q.count == 12)
        #expect(q.filter { $0["stage"] as? String == "ingest" }.allSatisfy { $0["file"] as? String == "messy.ndjson" && $0["line"] is Int })
        let parseRejects = q.filter { $0["stage"] as? String == "parse" && $0["parser"] != nil }
        #expect(parseRejects.count == 4)
        #expect(parseRejects.allSatisfy { $0["parser_version"] as? Int == 1 })
        #expect(q.contains { ($0["reason"] as! String).contains("dst_ip") }, "the bad value's column is named")
        #expect(q.contains { ($0["reason"] as! String).contains("no parser for event type 'unknown.kind'") })
        // Lines are where they were: the bad-timestamp wrapper was line 4.
        #expect(q.contains { $0["line"] as? Int == 4 && ($0["reason"] as! String).contains("ts") })
    }

    @Test func parseTakesExactlyWhatStagingGained() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        _ = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped("zeek/zat-conn.log", .zeek), file: "a")
        let first = try wh.parse()
        _ = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped("zeek/zat-dns.log", .zeek), file: "b")
        let second = try wh.parse()
        #expect(second.stagedRows == (try PipelineFixtures.count(wh.staging, where: "file = 'b'")))
        #expect(try wh.parse().stagedRows == 0)
        #expect(try PipelineFixtures.count(try wh.refined(.conn)) == first.byTable[.conn])
        #expect(try PipelineFixtures.count(try wh.refined(.dns)) == second.byTable[.dns])
    }

    @Test func aParseThatStoppedMidwayIsFinishedNotRepeated() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        _ = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped("zeek/zat-conn.log", .zeek), file: "a")
        let target = try wh.staging.snapshot().version
        // As if a run committed the refined tables and died before saving its checkpoint.
        try wh.save(ParseCheckpoint(done: -1, pending: target), to: wh.parseCheckpointPath)
        let partial = try wh.parse(from: 0, through: target, registry: .standard, options: WriterOptions())
        _ = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped("zeek/zat-conn.json", .zeek), file: "b")
        let resumed = try wh.parse()
        let total = try PipelineFixtures.count(wh.staging)
        #expect(try PipelineFixtures.count(try wh.refined(.conn)) == total, "no duplicate, nothing lost")
        #expect(resumed.byTable[.conn]! == total, "appends the first run made are recognised by their txn")
        #expect(partial.byTable[.conn]! < total)
    }

    /// A DNS parser with a bug: it loses the answers and upper-cases names.
    struct BuggyDNSParser: EventParser {
        var eventType: String { "zeek.dns" }
        var version: Int { 1 }
        var kind: RefinedKind { .dns }
        func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
            zeekEndpoints(f, &row)
            row.string("domain", f.text("query")?.uppercased())
        }
    }

    @Test func reparseAfterAFixReplacesRowsWithNoDuplicateAndNoGap() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        _ = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped("zeek/zat-dns.log", .zeek), file: "zeek")
        _ = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped("suricata/surevego-eve.json", .suricata), file: "suricata")
        let buggy = ParserRegistry.standard.replacing(BuggyDNSParser())
        _ = try wh.parse(registry: buggy)
        let dnsTable = try wh.refined(.dns)
        let zeekRows = try PipelineFixtures.count(dnsTable, where: "event_type = 'zeek.dns'")
        let suricataBefore = try PipelineFixtures.rows(dnsTable, where: "event_type = 'suricata.dns'").sorted()
        #expect(zeekRows > 0 && !suricataBefore.isEmpty)
        #expect(try PipelineFixtures.count(dnsTable, where: "event_type = 'zeek.dns' and answers is not null") == 0)

        // A reader watching the table while the re-parse commits sees the full count, always.
        let watching = ManagedAtomicFlag()
        let seen = LockedCounts()
        let reader = Thread {
            repeat { if let n = try? Table(root: dir.file("wh/refined/dns")).snapshot().rowCount { seen.add(n) } } while !watching.isSet
        }
        reader.start()
        let fixed = try wh.reparse(eventType: "zeek.dns", registry: .standard)
        watching.set()
        while !reader.isFinished { usleep(1000) }
        #expect(fixed.rowsAdded == zeekRows && fixed.rowsRemoved == Int64(zeekRows))
        #expect(!seen.values.isEmpty)
        #expect(seen.values.allSatisfy { $0 == Int64(zeekRows + suricataBefore.count) }, "counts seen: \(Set(seen.values))")

        let table = try Table(root: dir.file("wh/refined/dns"))
        #expect(try PipelineFixtures.count(table, where: "event_type = 'zeek.dns'") == zeekRows)
        #expect(try PipelineFixtures.count(table, where: "event_type = 'zeek.dns' and answers is not null") > 0)
        #expect(try PipelineFixtures.count(table, where: "event_type = 'zeek.dns' and domain = 'WWW.GOOGLE.COM'") == 0)
        #expect(try PipelineFixtures.rows(table, where: "event_type = 'suricata.dns'").sorted() == suricataBefore, "other event types untouched")
        // Parsing again after the re-parse adds nothing twice.
        #expect(try wh.parse().stagedRows == 0)
        #expect(try PipelineFixtures.count(table) == zeekRows + suricataBefore.count)
    }

    @Test func reparseSinceADateKeepsEarlierDays() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        var lines: [String] = []
        for day in 1...4 {
            for i in 0..<5 {
                lines.append(#"{"ts":"2026-08-0\#(day)T1\#(i):00:00Z","event_type":"demo.conn","source":"t","raw":{"src_ip":"10.0.0.\#(i)","dst_ip":"203.0.113.\#(day)","service":"dns"}}"#)
            }
        }
        _ = try PipelineFixtures.ingest(wh, Array((lines.joined(separator: "\n") + "\n").utf8), file: "days")
        _ = try wh.parse()
        /// A "fixed" demo parser that upper-cases the service.
        struct Upper: EventParser {
            var eventType: String { "demo.conn" }
            var version: Int { 2 }
            var kind: RefinedKind { .conn }
            func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
                row.string("src_ip", f.text("src_ip"))
                row.string("dst_ip", f.text("dst_ip"))
                row.string("service", f.text("service")?.uppercased())
            }
        }
        let result = try wh.reparse(eventType: "demo.conn", since: "2026-08-03", registry: ParserRegistry.standard.replacing(Upper()))
        #expect(result.rowsAdded == 10)
        let conn = try wh.refined(.conn)
        #expect(try PipelineFixtures.count(conn) == 20)
        #expect(try PipelineFixtures.count(conn, where: "parser_version = 2 and time >= '2026-08-03'") == 10)
        #expect(try PipelineFixtures.count(conn, where: "parser_version = 1 and time < '2026-08-03'") == 10)
        #expect(throws: PipelineError.self) { try wh.reparse(eventType: "demo.conn", since: "Aug 3") }
    }

    @Test func followPicksUpNewFilesOnceEvenAfterACrash() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        let spool = dir.file("spool")
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        func drop(_ name: String, _ sample: String, _ format: EventWrapping.Format) throws {
            try Data(try PipelineFixtures.wrapped(sample, format)).write(to: URL(fileURLWithPath: spool + "/" + name))
        }
        try drop("001.ndjson", "zeek/zat-conn.log", .zeek)
        try drop("002.ndjson", "zeek/zat-dns.log", .zeek)
        #expect(try wh.followOnce(spool).files == ["001.ndjson", "002.ndjson"])
        #expect(try wh.followOnce(spool).files.isEmpty)
        try drop("003.ndjson", "zeek/zat-http.log", .zeek)
        // As if the process died right after committing file 003, before saving its checkpoint.
        var checkpoint = try JSONDecoder().decode(FollowCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: wh.followCheckpointPath(spool))))
        let appId = "follow:" + wh.followCheckpointPath(spool).split(separator: "/").last!.dropLast(5)
        let bytes = Array(FileManager.default.contents(atPath: spool + "/003.ndjson")!)
        _ = try bytes.withUnsafeBufferPointer { try wh.ingest($0, file: "003.ndjson", txn: WriterTransaction(appId: appId, version: checkpoint.next)) }
        checkpoint.pending = "003.ndjson"
        try wh.save(checkpoint, to: wh.followCheckpointPath(spool))
        let resumed = try wh.followOnce(spool)
        #expect(resumed.files == ["003.ndjson"] && resumed.result.staged == 0, "recognised as done")
        let expected = try ["zeek/zat-conn.log", "zeek/zat-dns.log", "zeek/zat-http.log"].reduce(0) { total, sample in
            total + String(decoding: try PipelineFixtures.wrapped(sample, .zeek), as: UTF8.self).split(separator: "\n").count
        }
        #expect(try PipelineFixtures.count(wh.staging) == expected)
    }

    @Test func huntSearchesEveryRefinedTableAndTotalsTheReport() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        for (file, format) in PipelineFixtures.samples.prefix(7) { _ = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped(file, format), file: file) }
        _ = try wh.parse()
        var byTable: [RefinedKind: Int] = [:]
        let report = try wh.hunt(try RowPredicate.parse("src_ip = 192.168.33.10")) { kind, batch in
            byTable[kind, default: 0] += batch.rowCount
            return true
        }
        for kind in [RefinedKind.conn, .dns, .http] {
            #expect(byTable[kind] == (try PipelineFixtures.count(try wh.refined(kind), where: "src_ip = 192.168.33.10")))
            #expect((byTable[kind] ?? 0) > 0)
        }
        #expect(report.total.rowsMatched == byTable.values.reduce(0, +))
        #expect(report.total.filesTotal == report.perTable.reduce(0) { $0 + $1.1.filesTotal })
        // A column only the alert table has: the others are left out, and said so.
        let alerts = try wh.hunt(try RowPredicate.parse("signature_id > 0")) { _, _ in true }
        #expect(alerts.skippedTables.map(\.0).contains(.conn))
        // --since narrows by time: nothing in these 2013-2019 samples is from 2026.
        #expect(try wh.hunt(try RowPredicate.parse("src_ip = 192.168.33.10"), since: "2026-01-01") { _, _ in true }.total.rowsMatched == 0)
    }
}

/// A flag one thread sets and another polls.
final class ManagedAtomicFlag: @unchecked Sendable {
    // Safety: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// Values one thread records and another reads afterwards.
final class LockedCounts: @unchecked Sendable {
    // Safety: `items` is only touched under `lock`.
    private let lock = NSLock()
    private var items: [Int64] = []
    func add(_ v: Int64) { lock.lock(); items.append(v); lock.unlock() }
    var values: [Int64] { lock.lock(); defer { lock.unlock() }; return items }

    @Test("a JSON array of Suricata events wraps as one valid wrapper per element, raw kept as the element")
    func jsonArrayWraps() throws {
        let lines = String(decoding: try PipelineFixtures.wrapped("suricata/hassanabad-honeypot-2018-alerts-only.json", .suricata), as: UTF8.self)
            .split(separator: "\n")
        let elements = try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: PipelineFixtures.real + "/suricata/hassanabad-honeypot-2018-alerts-only.json")!) as! [[String: Any]]
        #expect(lines.count == elements.count && !lines.isEmpty)
        for (line, element) in zip(lines, elements) {
            let wrapper = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(wrapper["event_type"] as? String == "suricata." + (element["event_type"] as! String))
            #expect(wrapper["ts"] is String)
            #expect(NSDictionary(dictionary: wrapper["raw"] as! [String: Any]).isEqual(to: element))
        }
    }
}
