import Foundation
import SiftTestSupport
import Testing

/// The pipeline commands as a user runs them: wrap, ingest (a file, standard input, a followed
/// folder), parse, reparse, optimize, hunt.
@Suite("sift wrap, ingest, parse, reparse, optimize, hunt")
struct PipelineCommandTests {
    @Test func theWholePipelineFromTheCommandLine() throws {
        let dir = TemporaryDirectory()
        let real = RepositoryPaths.corpus + "/real"
        let wrap = try SiftProcess.run(["wrap", "--format", "zeek", real + "/zeek/zat-conn.log", real + "/zeek/zat-dns.log"])
        #expect(wrap.status == 0, "\(wrap.stderr)")
        let spool = dir.file("spool")
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let suricata = try SiftProcess.run(["wrap", "--format", "suricata", real + "/suricata/surevego-eve.json", "--output", spool + "/eve.ndjson"])
        #expect(suricata.status == 0, "\(suricata.stderr)")

        let wh = dir.file("wh")
        let fromStdin = try SiftProcess.run(["ingest", wh, "-"], stdin: wrap.stdout + Array("garbage\n".utf8))
        #expect(fromStdin.status == 0, "\(fromStdin.stderr)")
        #expect(fromStdin.stderr.contains("staged, 1 quarantined"), "\(fromStdin.stderr)")
        let follow = try SiftProcess.run(["ingest", wh, "--follow", spool, "--once"])
        #expect(follow.status == 0 && follow.stderr.contains("ingested eve.ndjson"), "\(follow.stderr)")
        let again = try SiftProcess.run(["ingest", wh, "--follow", spool, "--once"])
        #expect(!again.stderr.contains("ingested"), "a followed file is ingested once: \(again.stderr)")

        let parse = try SiftProcess.run(["parse", wh])
        #expect(parse.status == 0 && parse.stderr.contains("parsed"), "\(parse.stderr)")
        let reparse = try SiftProcess.run(["reparse", wh, "--event-type", "zeek.conn"])
        #expect(reparse.status == 0 && reparse.stderr.contains("replaced"), "\(reparse.stderr)")
        let badReparse = try SiftProcess.run(["reparse", wh, "--event-type", "nope.kind"])
        #expect(badReparse.status != 0 && badReparse.stderr.contains("no parser for event type 'nope.kind'"), "\(badReparse.stderr)")
        let optimize = try SiftProcess.run(["optimize", wh])
        #expect(optimize.status == 0, "\(optimize.stderr)")

        let hunt = try SiftProcess.run(["hunt", wh, "--where", "src_ip = 192.168.33.10", "--explain", "--json"])
        #expect(hunt.status == 0, "\(hunt.stderr)")
        let lines = hunt.stdoutText.split(separator: "\n")
        let report = try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as! [String: Any]
        #expect((report["rows_matched"] as! NSNumber).intValue == lines.count - 1)
        #expect(report["files_total"] is NSNumber && report["skipped_by"] is [String: Any])
        let rows = lines.dropLast().map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(Set(rows.map { $0["table"] as! String }) == ["conn", "dns"])
        #expect(rows.allSatisfy { $0["src_ip"] as? String == "192.168.33.10" })
        let bad = try SiftProcess.run(["hunt", wh, "--where", "src_ip = = 1"])
        #expect(bad.status != 0 && bad.stderr.contains("--where"), "\(bad.stderr)")
    }
}
