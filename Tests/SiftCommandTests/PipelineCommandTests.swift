#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SiftFormat
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
        // Rows of both tables interleave in time order (the default), oldest first.
        let times = rows.map { $0["time"] as! String }
        #expect(times == times.sorted(), "hunt results are in time order across tables")
        let newest = try SiftProcess.run(["hunt", wh, "--where", "src_ip = 192.168.33.10", "--order-by", "time desc", "--limit", "3", "--columns", "src_ip"])
        let newestRows = newest.stdoutText.split(separator: "\n")
        #expect(newestRows.count == 3 && !newestRows[0].contains("\"time\""), "\(newest.stdoutText)")
        let bad = try SiftProcess.run(["hunt", wh, "--where", "src_ip = = 1"])
        #expect(bad.status != 0 && bad.stderr.contains("--where"), "\(bad.stderr)")
    }

    @Test func alertsKilledMidDeliveryReachTheSinkExactlyOnce() throws {
        let dir = TemporaryDirectory()
        let wh = dir.file("wh")
        // 2,000 listed addresses, each contacted in its own hour: 2,000 alerts to deliver.
        var feed = "", events = ""
        for k in 0..<2000 {
            feed += "198.51.\(k / 250).\(k % 250)\n"
            let ts = TextForms.formatTimestamp(1_785_542_400_000_000 + Int64(k) * 3_600_000_000 + 600_000_000)
            events += #"{"ts":"\#(ts)","event_type":"demo.conn","source":"t","raw":{"src_ip":"10.0.0.1","dst_ip":"198.51.\#(k / 250).\#(k % 250)"}}"# + "\n"
        }
        try feed.write(toFile: dir.file("feed.txt"), atomically: true, encoding: .utf8)
        try events.write(toFile: dir.file("events.ndjson"), atomically: true, encoding: .utf8)
        try #"{"indicators": [{"name": "f", "path": "feed.txt", "format": "ip-list"}], "rules": [{"id": "ioc", "type": "indicator", "match": "ip", "columns": ["dst_ip"]}]}"#
            .write(toFile: dir.file("rules.json"), atomically: true, encoding: .utf8)
        for args in [["ingest", wh, dir.file("events.ndjson")], ["parse", wh], ["detect", wh, "--rules", dir.file("rules.json")]] {
            let r = try SiftProcess.run(args)
            #expect(r.status == 0, "\(args[0]): \(r.stderr)")
        }
        // Kill delivery runs at random moments until one finishes; count the kills that landed
        // while alerts were being delivered.
        var rng = SeededRandom(seed: 99)
        var killedMidDelivery = 0
        func delivered() -> Int { (FileManager.default.contents(atPath: dir.file("sink.ndjson")) ?? Data()).filter { $0 == 0x0A }.count }
        for _ in 0..<40 {
            let before = delivered()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: SiftProcess.binary)
            process.arguments = ["alerts", wh, "--sink", dir.file("sink.ndjson")]
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(30_000 + rng.next() % 150_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard process.terminationReason == .uncaughtSignal else { break }
            if delivered() > before { killedMidDelivery += 1 }
        }
        let finish = try SiftProcess.run(["alerts", wh, "--sink", dir.file("sink.ndjson")])
        #expect(finish.status == 0, "\(finish.stderr)")
        let lines = String(decoding: FileManager.default.contents(atPath: dir.file("sink.ndjson")) ?? Data(), as: UTF8.self).split(separator: "\n")
        let ids = lines.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["alert_id"] as? String ?? "torn" }
        #expect(ids.count == 2000, "every alert delivered")
        #expect(Set(ids).count == 2000 && !ids.contains("torn"), "none twice, none torn")
        #expect(killedMidDelivery > 0, "some runs died while delivering")
        let queued = try SiftProcess.run(["query", wh + "/alerts", "--where", "status = 'new'", "--columns", "alert_id"])
        #expect(queued.stdoutText.isEmpty)
    }
}
