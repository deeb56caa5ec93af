import Foundation
import SiftFormat
import SiftIndex
@testable import SiftPipeline
import SiftTable
import SiftTestSupport
import Testing

@Suite("Detections, alerts, graph")
struct DetectionTests {
    static let feeds = PipelineFixtures.real + "/indicators"

    static func writeRules(_ dir: TemporaryDirectory, _ rules: String, indicators: String? = nil) throws -> String {
        let feeds = indicators ?? """
          [{"name": "scanners", "path": "\(Self.feeds)/maltrail-mass_scanner_cidr.txt", "format": "cidr-list"},
           {"name": "ddns", "path": "\(Self.feeds)/maltrail-suspicious-dynamic_domain.txt", "format": "domain-list"},
           {"name": "intel", "path": "\(Self.feeds)/zat-intel_example.intel", "format": "zeek-intel"}]
        """
        let path = dir.file("rules.json")
        try #"{"indicators": \#(feeds), "rules": \#(rules)}"#.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [
        (#"{"rules": [}"#, "not valid JSON"),
        (#"{"rules": [{"id": "a", "type": "magic"}]}"#, "unknown type 'magic'"),
        (#"{"rules": [{"id": "a", "type": "distinct", "table": "conn", "group_by": "src_ip", "threshold": 5}]}"#, "needs \"count\""),
        (#"{"rules": [{"id": "a", "type": "rare", "table": "nope", "column": "x", "max_events": 1}]}"#, "no refined table 'nope'"),
        (#"{"rules": [{"id": "a", "type": "rare", "table": "conn", "column": "nope", "max_events": 1}]}"#, "has no column 'nope'"),
        (#"{"rules": [{"id": "a", "type": "rare", "table": "conn", "column": "dst_port", "max_events": 1, "where": "dst_port <"}]}"#, "\"where\""),
        (#"{"rules": [{"id": "a", "type": "indicator", "match": "ip"}, {"id": "a", "type": "indicator", "match": "ip"}]}"#, "used twice"),
        (#"{"rules": [], "extra": 1}"#, "unknown key \"extra\""),
    ])
    func aBadRulesFileSaysWhatAndWhere(_ text: String, _ expected: String) throws {
        let dir = TemporaryDirectory()
        try text.write(toFile: dir.file("r.json"), atomically: true, encoding: .utf8)
        #expect {
            try RulesFile(path: dir.file("r.json"))
        } throws: { error in
            let message = "\(error)"
            return message.contains(expected) && message.contains("r.json")
        }
    }

    @Test func theRealFeedsLoadAndMatch() throws {
        let dir = TemporaryDirectory()
        let rules = try RulesFile(path: try Self.writeRules(dir, "[]"))
        let set = try IndicatorSet(feeds: rules.feeds)
        #expect(set.networks.count > 1000)
        #expect(set.domains.count > 2000)   // 2,214 distinct names (the list repeats some)
        #expect(set.match(TextForms.parseIP(Array("5.63.151.77".utf8))!)?.indicator == "5.63.151.0/24")
        #expect(set.match(TextForms.parseIP(Array("5.63.152.1".utf8))!) == nil)
        #expect(set.match(domain: "update.c2-relay.ddns.net")?.indicator == "ddns.net")
        #expect(set.match(domain: "notddns.net") == nil)
        #expect(set.match(domain: "0-o.ca")?.feed == "intel")
        let missing = RulesFile.Feed(name: "gone", path: dir.file("nope.txt"), format: .cidrList)
        #expect(throws: PipelineError.self) { try IndicatorSet(feeds: [missing]) }
    }

    /// Every refined event an indicator matches, by brute force over all rows.
    static func bruteForceMatches(_ wh: Warehouse, _ set: IndicatorSet, kind: RefinedKind, column: String, domain: Bool) throws -> Int {
        try PipelineFixtures.rows(try wh.refined(kind), columns: [column]).filter { line in
            guard let value = PipelineFixtures.json(line)[column] as? String else { return false }
            return domain ? set.match(domain: value) != nil : TextForms.parseIP(Array(value.utf8)).flatMap(set.match) != nil
        }.count
    }

    @Test func indicatorJoinsOnTheRealSamplesFindEveryMatchingEvent() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        for (file, format) in PipelineFixtures.samples { _ = try PipelineFixtures.ingest(wh, try PipelineFixtures.wrapped(file, format), file: file) }
        // A few planted events so both kinds of indicator certainly occur.
        let planted = [
            #"{"ts":"2026-08-03T10:00:00Z","event_type":"demo.conn","source":"t","raw":{"src_ip":"10.0.0.1","dst_ip":"5.63.151.9","dst_port":22}}"#,
            #"{"ts":"2026-08-03T10:05:00Z","event_type":"demo.conn","source":"t","raw":{"src_ip":"10.0.0.2","dst_ip":"198.51.100.1","domain":"x.ddns.net"}}"#,
        ]
        _ = try PipelineFixtures.ingest(wh, Array((planted.joined(separator: "\n") + "\n").utf8), file: "planted")
        _ = try wh.parse()
        _ = try wh.optimize()
        let path = try Self.writeRules(dir, """
            [{"id": "ioc-ip", "type": "indicator", "match": "ip", "columns": ["dst_ip"]},
             {"id": "ioc-domain", "type": "indicator", "match": "domain"}]
            """)
        let rules = try RulesFile(path: path)
        let set = try IndicatorSet(feeds: rules.feeds)
        let result = try wh.detect(rules)
        for kind in RefinedKind.allCases {
            let ipEvents = result.alerts.filter { $0.ruleId == "ioc-ip" && $0.evidence.contains("\"table\":\"\(kind.rawValue)\"") }.reduce(Int64(0)) { $0 + $1.count }
            #expect(ipEvents == Int64(try Self.bruteForceMatches(wh, set, kind: kind, column: "dst_ip", domain: false)), "\(kind) ip")
            let domainEvents = result.alerts.filter { $0.ruleId == "ioc-domain" && $0.evidence.contains("\"table\":\"\(kind.rawValue)\"") }.reduce(Int64(0)) { $0 + $1.count }
            #expect(domainEvents == Int64(try Self.bruteForceMatches(wh, set, kind: kind, column: "domain", domain: true)), "\(kind) domain")
        }
        #expect(result.alerts.contains { $0.indicator == "5.63.151.0/24" })
        #expect(result.alerts.contains { $0.indicator == "ddns.net" })
        // Pruning did work: not every byte was read.
        #expect(result.joinReport.bytesRead < result.joinReport.bytesTotal)
        // A second run finds nothing new.
        #expect(try wh.detect(rules).alerts.isEmpty)
    }

    /// Background traffic plus a port scan, a beacon and a rare port.
    static func plantedWarehouse(_ dir: TemporaryDirectory) throws -> Warehouse {
        let wh = try Warehouse(root: dir.file("wh"))
        var lines: [String] = []
        var rng = SeededRandom(seed: 5)
        let base = TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8))!
        func event(_ t: Int64, _ src: String, _ dst: String, _ port: Int, state: String = "SF") {
            lines.append(#"{"ts":"\#(TextForms.formatTimestamp(t))","event_type":"demo.conn","source":"t","raw":{"uid":"u\#(lines.count)","src_ip":"\#(src)","dst_ip":"\#(dst)","dst_port":\#(port),"conn_state":"\#(state)"}}"#)
        }
        for _ in 0..<3000 {   // noise: random times, a few hosts, common ports
            event(base + Int64(rng.next() % 86_400_000_000), "10.0.0.\(rng.next() % 20)", "198.51.100.\(rng.next() % 50)", [80, 443, 53, 22][Int(rng.next() % 4)])
        }
        for p in 1...150 { event(base + 3_600_000_000 + Int64(p) * 1_000_000, "10.0.9.9", "10.0.5.5", p, state: "REJ") }
        for k in 0..<40 { event(base + 7_200_000_000 + Int64(k) * 60_000_000 + Int64(rng.next() % 600_000), "10.0.7.7", "203.0.113.66", 443) }
        event(base + 40_000_000_000, "10.0.3.3", "203.0.113.9", 666)
        _ = try PipelineFixtures.ingest(wh, Array((lines.joined(separator: "\n") + "\n").utf8), file: "planted")
        _ = try wh.parse()
        return wh
    }

    static let statisticalRules = """
        [{"id": "port-scan", "type": "distinct", "table": "conn", "group_by": "src_ip", "count": "dst_port", "threshold": 100, "window_minutes": 10},
         {"id": "rare-port", "type": "rare", "table": "conn", "column": "dst_port", "max_events": 2, "where": "conn_state = 'SF'"},
         {"id": "beacon", "type": "beacon", "table": "conn", "group_by": ["src_ip", "dst_ip"], "min_events": 10, "max_jitter": 0.05}]
        """

    @Test func statisticalRulesFindThePlantedAttacksAndNothingElse() throws {
        let dir = TemporaryDirectory()
        let wh = try Self.plantedWarehouse(dir)
        let result = try wh.detect(try RulesFile(path: try Self.writeRules(dir, Self.statisticalRules, indicators: "[]")))
        #expect(result.alerts.map(\.key).sorted() == ["dst_port=666", "src_ip=10.0.7.7 dst_ip=203.0.113.66", "src_ip=10.0.9.9"])
        let scan = result.alerts.first { $0.ruleId == "port-scan" }!
        #expect(scan.count == 150 && scan.srcIP == TextForms.parseIP(Array("10.0.9.9".utf8)))
        #expect(result.alerts.first { $0.ruleId == "beacon" }!.count == 40)
        // Every alert is in the alerts table, queued as new.
        #expect(try PipelineFixtures.count(try wh.alerts(), where: "status = 'new'") == 3)
    }

    /// Wrapped demo.conn events, one a line: event `k` at `start + k * step` seconds from
    /// `src` to `dst`, on the port `port(k)`.
    static func connections(_ ks: [Int], start: String, step: Int64, src: String, dst: String, state: String, port: (Int) -> Int) -> [UInt8] {
        let base = TextForms.parseTimestamp(Array(start.utf8))!
        return Array(ks.map { k in
            #"{"ts":"\#(TextForms.formatTimestamp(base + Int64(k) * step * 1_000_000))","event_type":"demo.conn","source":"t","raw":{"uid":"e\#(k)","src_ip":"\#(src)","dst_ip":"\#(dst)","dst_port":\#(port(k)),"conn_state":"\#(state)"}}"#
        }.joined(separator: "\n").utf8) + [0x0A]
    }

    @Test("a port scan whose window is split across two ingest/parse/detect runs is one alert, delivered once")
    func aWindowSplitAcrossRunsIsOneAlert() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        func batch(_ ports: ClosedRange<Int>) -> [UInt8] {
            Self.connections(Array(ports), start: "2026-08-01T01:00:00Z", step: 1, src: "10.0.9.9", dst: "10.0.5.5", state: "REJ") { $0 }
        }
        let rules = try RulesFile(path: try Self.writeRules(dir, Self.statisticalRules, indicators: "[]"))
        var sink = FileAlertSink(path: dir.file("out.ndjson"))
        // 70 ports in the first run, 80 more in the same 10-minute window in the second: each
        // run alone stays under the threshold of 100.
        var delivered = 0
        for (i, ports) in [1...70, 71...150].enumerated() {
            _ = try PipelineFixtures.ingest(wh, batch(ports), file: "part\(i)")
            _ = try wh.parse()
            _ = try wh.detect(rules)
            delivered += try wh.deliverAlerts(to: &sink, allowlist: Allowlist()).delivered
        }
        #expect(delivered == 1, "one alert for the window, not zero and not two")
        let alerts = try PipelineFixtures.count(try wh.alerts(), where: "rule_id = 'port-scan'")
        #expect(alerts == 1)
    }

    @Test("a beacon whose connections arrive over two runs is seen whole: one alert with every connection")
    func aBeaconSplitAcrossRunsIsSeenWhole() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        func batch(_ range: Range<Int>) -> [UInt8] {
            Self.connections(Array(range), start: "2026-08-01T02:00:00Z", step: 60, src: "10.0.7.7", dst: "203.0.113.66", state: "SF") { _ in 443 }
        }
        // 30 connections are needed; each run brings 20.
        let rules = try RulesFile(path: try Self.writeRules(dir, """
            [{"id": "beacon", "type": "beacon", "table": "conn", "group_by": ["src_ip", "dst_ip"], "min_events": 30, "max_jitter": 0.05}]
            """, indicators: "[]"))
        var found: [AlertRecord] = []
        for (i, range) in [0..<20, 20..<40].enumerated() {
            _ = try PipelineFixtures.ingest(wh, batch(range), file: "part\(i)")
            _ = try wh.parse()
            found += try wh.detect(rules).alerts
        }
        #expect(found.count == 1 && found.first?.count == 40, "\(found.map(\.title))")
    }

    @Test func theAlertStageSuppressesDeduplicatesAndDeliversOnce() throws {
        let dir = TemporaryDirectory()
        let wh = try Self.plantedWarehouse(dir)
        let rules = try RulesFile(path: try Self.writeRules(dir, Self.statisticalRules, indicators: "[]"))
        _ = try wh.detect(rules)
        try "# the scanner is ours\nport-scan:10.0.9.9\n".write(toFile: dir.file("allow.txt"), atomically: true, encoding: .utf8)
        var sink = FileAlertSink(path: dir.file("out.ndjson"))
        let first = try wh.deliverAlerts(to: &sink, allowlist: try Allowlist(path: dir.file("allow.txt")))
        #expect(first.delivered == 2 && first.allowlisted == 1 && first.duplicates == 0)
        // The same alerts raised again (a detect that re-ran) are duplicates, not new deliveries.
        try FileManager.default.removeItem(atPath: wh.detectCheckpointPath)
        _ = try wh.detect(rules)
        let second = try wh.deliverAlerts(to: &sink, allowlist: try Allowlist(path: dir.file("allow.txt")))
        #expect(second.delivered == 0 && second.duplicates == 2 && second.allowlisted == 1)
        let delivered = String(decoding: FileManager.default.contents(atPath: dir.file("out.ndjson"))!, as: UTF8.self).split(separator: "\n")
        #expect(delivered.count == 2)
        #expect(try PipelineFixtures.count(try wh.alerts(), where: "status = 'new'") == 0)
        #expect(try PipelineFixtures.count(try wh.alerts(), where: "status = 'allowlisted' and status_reason is not null") == 2)
        // IPv6 entries hold colons: a whole address or network is never read as RULE:ENTRY.
        try "2001:db8::/32\nbeacon:2001:db9::1\nport-scan:evil.example\n".write(toFile: dir.file("v6.txt"), atomically: true, encoding: .utf8)
        let v6 = try Allowlist(path: dir.file("v6.txt"))
        let ip = { (s: String) in TextForms.parseIP(Array(s.utf8)) }
        #expect(v6.suppresses(rule: "any", src: ip("2001:db8::5"), dst: nil, domain: nil) == "2001:db8::/32")
        #expect(v6.suppresses(rule: "beacon", src: ip("2001:db9::1"), dst: nil, domain: nil) == "beacon:2001:db9::1")
        #expect(v6.suppresses(rule: "other", src: ip("2001:db9::1"), dst: nil, domain: nil) == nil)
        #expect(v6.suppresses(rule: "port-scan", src: nil, dst: nil, domain: "a.evil.example") == "port-scan:evil.example")
        #expect(throws: PipelineError.self) {
            try "10.0.0.0/99\n".write(toFile: dir.file("bad.txt"), atomically: true, encoding: .utf8)
            _ = try Allowlist(path: dir.file("bad.txt"))
        }
    }

    /// A sink that fails after `limit` deliveries, as a crash mid-delivery would, leaving half an
    /// alert written.
    struct CrashingSink: AlertSink {
        var inner: FileAlertSink
        var limit: Int
        var name: String { inner.name }
        struct Crash: Error {}
        mutating func resume(at position: Int64) throws { try inner.resume(at: position) }
        mutating func deliver(_ line: [UInt8], id: String) throws -> Int64 {
            if limit == 0 {
                _ = try inner.deliver(Array(line.prefix(line.count / 2)), id: id)   // a torn write
                throw Crash()
            }
            limit -= 1
            return try inner.deliver(line, id: id)
        }
    }

    @Test func aCrashMidDeliveryNeitherLosesNorRepeatsAnAlert() throws {
        let dir = TemporaryDirectory()
        let wh = try Warehouse(root: dir.file("wh"))
        // Forty listed addresses, each hit in its own hour: forty alerts.
        var feed = "", lines: [String] = []
        let base = TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8))!
        for k in 0..<40 {
            feed += "198.51.100.\(k)\n"
            lines.append(#"{"ts":"\#(TextForms.formatTimestamp(base + Int64(k) * 3_600_000_000))","event_type":"demo.conn","source":"t","raw":{"src_ip":"10.0.0.1","dst_ip":"198.51.100.\#(k)"}}"#)
        }
        try feed.write(toFile: dir.file("feed.txt"), atomically: true, encoding: .utf8)
        _ = try PipelineFixtures.ingest(wh, Array((lines.joined(separator: "\n") + "\n").utf8), file: "x")
        _ = try wh.parse()
        let rules = try RulesFile(path: try Self.writeRules(dir, #"[{"id": "ioc", "type": "indicator", "match": "ip", "columns": ["dst_ip"]}]"#,
                                                            indicators: #"[{"name": "f", "path": "\#(dir.file("feed.txt"))", "format": "ip-list"}]"#))
        #expect(try wh.detect(rules).alerts.count == 40)
        for limit in [7, 0, 15] {
            var crashing = CrashingSink(inner: FileAlertSink(path: dir.file("out.ndjson")), limit: limit)
            #expect(throws: CrashingSink.Crash.self) { try wh.deliverAlerts(to: &crashing) }
        }
        var sink = FileAlertSink(path: dir.file("out.ndjson"))
        let result = try wh.deliverAlerts(to: &sink)
        #expect(result.delivered == 40)
        let ids = String(decoding: FileManager.default.contents(atPath: dir.file("out.ndjson"))!, as: UTF8.self)
            .split(separator: "\n").map { PipelineFixtures.json(String($0))["alert_id"] as! String }
        #expect(ids.count == 40 && Set(ids).count == 40, "each alert exactly once")
        #expect(try PipelineFixtures.count(try wh.alerts(), where: "status = 'delivered'") == 40)
    }

    @Test func aFailingHTTPReceiverIsRetriedAndNothingIsLost() throws {
        let dir = TemporaryDirectory()
        let wh = try Self.plantedWarehouse(dir)
        _ = try wh.detect(try RulesFile(path: try Self.writeRules(dir, Self.statisticalRules, indicators: "[]")))
        let server = try TestHTTPServer(failFirst: 2)
        var sink = try HTTPAlertSink(url: "http://127.0.0.1:\(server.port)/alerts")
        let result = try wh.deliverAlerts(to: &sink)
        #expect(result.delivered == 3)
        #expect(server.requests.count == 5, "two failures retried")
        #expect(Set(server.requests.map(\.key)).count == 3)
        #expect(server.requests.allSatisfy { $0.body.contains("\"rule_id\"") })
        server.stop()

        // A receiver that never answers: bounded retries, then an error; the alerts stay queued.
        let dir2 = TemporaryDirectory()
        let wh2 = try Self.plantedWarehouse(dir2)
        _ = try wh2.detect(try RulesFile(path: try Self.writeRules(dir2, Self.statisticalRules, indicators: "[]")))
        let silent = try TestHTTPServer(failFirst: 0, silent: true)
        var slow = try HTTPAlertSink(url: "http://127.0.0.1:\(silent.port)/alerts")
        slow.attempts = 2
        slow.timeoutSeconds = 1
        #expect(throws: PipelineError.self) { try wh2.deliverAlerts(to: &slow) }
        #expect(try PipelineFixtures.count(try wh2.alerts(), where: "status = 'new'") == 3)
        silent.stop()
    }

    @Test func theGraphAroundAnAddressAndADomain() throws {
        let dir = TemporaryDirectory()
        let wh = try Self.plantedWarehouse(dir)
        let graph = try wh.graph(around: "203.0.113.66")
        #expect(graph.edges.contains { $0.from == "10.0.7.7" && $0.to == "203.0.113.66" && $0.events == 40 })
        #expect(graph.dot.contains("\"203.0.113.66\" [shape=ellipse, fillcolor=\"#e53935\""))
        // What the colours mean, and when the events drawn happened (the beacon: 40 minutes from 02:00).
        #expect(graph.dot.contains("legend [shape=plaintext") && graph.dot.contains("on an indicator list"))
        #expect(graph.dot.contains("connections around 203.0.113.66, 2026-08-01T02:") && graph.dot.contains(" UTC"), "\(graph.dot.prefix(300))")
        try graph.render(to: dir.file("g.svg"))
        let svg = String(decoding: FileManager.default.contents(atPath: dir.file("g.svg"))!, as: UTF8.self)
        #expect(svg.contains("<svg") && svg.contains("203.0.113.66"))
        #expect(svg.contains("legend"))
        try graph.render(to: dir.file("g.png"))
        #expect(FileManager.default.contents(atPath: dir.file("g.png"))?.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        #expect(throws: PipelineError.self) { try graph.render(to: dir.file("g.gif")) }
    }
}
