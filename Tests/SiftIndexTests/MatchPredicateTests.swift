import Foundation
import SiftFormat
import SiftIndex
import SiftScan
import SiftTestSupport
import Testing

/// `contains`, `icontains`, `ieq`, `matches` and `not in`: the scan returns what a brute-force filter does.
@Suite("Predicates: substring, case-insensitive and not in")
struct MatchPredicateTests {
    @Test("each test matches brute force over mixed-case strings with nulls, dictionary and plain pages")
    func bruteForce() throws {
        let dir = TemporaryDirectory()
        var rng = SeededRandom(seed: 11)
        let words = ["curl/8.0", "Mozilla/5.0 (X11)", "python-requests/2.31", "CURL/7.1", "Go-http-client", "", "ünïcode Curl", "TCP", "tcp", "Tcp"]
        let n = 5000
        var ua: [String?] = [], port: [Int64?] = []
        for i in 0..<n {
            ua.append(rng.next() % 13 == 0 ? nil : words[Int(rng.next() % UInt64(words.count))] + (i % 7 == 0 ? " x\(i)" : ""))
            port.append(rng.next() % 17 == 0 ? nil : [22, 80, 443, 8080][Int(rng.next() % 4)])
        }
        let schema = try Schema([Field("ua", .string), Field("port", .int64)])
        let batch = try RecordBatch(schema: schema, columns: [.strings(ua), .int64s(port)])
        var options = WriterOptions()
        options.pageRows = 512
        let path = dir.file("m.sift")
        try SiftWriter.write(to: path, schema: schema, options: options) { try $0.write(batch) }
        let reader = try SiftReader(path: path)
        func rows(_ text: String) throws -> [Int] {
            var out: [Int] = []
            // Row numbers come back through the port column's position: scan both and match.
            try Scanner(reader: reader, where: text, columns: ["ua", "port"]).scan { b in
                for r in 0..<b.rowCount { out.append(r) }
                return true
            }
            return out
        }
        func lower(_ u: String?) -> String? { u?.lowercased() }
        let cases: [(String, (String?, Int64?) -> Bool)] = [
            ("ua contains 'curl'", { (u: String?, _: Int64?) -> Bool in u?.contains("curl") ?? false }),
            ("ua icontains 'CuRl'", { (u: String?, _: Int64?) -> Bool in lower(u)?.contains("curl") ?? false }),
            ("ua ieq 'tcp'", { (u: String?, _: Int64?) -> Bool in lower(u) == "tcp" }),
            ("ua contains ''", { (u: String?, _: Int64?) -> Bool in u != nil }),
            // Regular expressions, checked against hand-written tests of the same shapes.
            ("ua matches '^(?i)curl/\\d'", { (u: String?, _: Int64?) -> Bool in
                guard let u = lower(u), u.hasPrefix("curl/"), let c = u.dropFirst(5).first else { return false }
                return c.isNumber
            }),
            ("ua matches 'x[0-9]{4}$'", { (u: String?, _: Int64?) -> Bool in
                guard let u, let x = u.lastIndex(of: "x") else { return false }
                let digits = u[u.index(after: x)...]
                return digits.count == 4 && digits.allSatisfy(\.isNumber)
            }),
            ("port not in (22, 443)", { (_: String?, p: Int64?) -> Bool in p.map { $0 != 22 && $0 != 443 } ?? false }),
            ("not (ua icontains 'curl') and port = 80", { (u: String?, p: Int64?) -> Bool in
                guard let u = lower(u) else { return false }
                return !u.contains("curl") && p == 80
            }),
        ]
        for (text, oracle) in cases {
            let expected = (0..<n).filter { oracle(ua[$0], port[$0]) }.count
            #expect(try rows(text).count == expected, "\(text)")
        }
        #expect(throws: BindError.self) { try RowPredicate.parse("port contains '8'").bind(to: schema) }
        #expect(throws: PredicateSyntaxError.self) { try RowPredicate.parse("port not = 8") }
        #expect(throws: PredicateSyntaxError.self) { try RowPredicate.parse("ua matches '(unclosed'") }
        #expect(throws: BindError.self) { try RowPredicate.parse("port matches '8'").bind(to: schema) }
    }

    @Test("trigram blooms prune contains, icontains and ieq on domain columns without losing a row")
    func trigramPruning() throws {
        let dir = TemporaryDirectory()
        var rng = SeededRandom(seed: 17)
        let words = ["acme", "Globex", "initech", "hooli", "paypal-login", "stark"]
        let n = 20_000
        // Row groups of different words, so an absent word rules whole row groups out.
        let hosts: [String?] = (0..<n).map { i in rng.next() % 29 == 0 ? nil : "h\(rng.next() % 50).\(words[(i / 4000) % 5])-cdn.example" }
        let schema = try Schema([Field("domain", .string, hint: .domain)])
        let batch = try RecordBatch(schema: schema, columns: [.strings(hosts)])
        var with = WriterOptions(), without = WriterOptions()
        with.rowGroupRows = 4000; without.rowGroupRows = 4000
        without.trigramColumns = []
        try SiftWriter.write(to: dir.file("t.sift"), schema: schema, options: with) { try $0.write(batch) }
        try SiftWriter.write(to: dir.file("n.sift"), schema: schema, options: without) { try $0.write(batch) }
        func run(_ path: String, _ text: String) throws -> (rows: Int, skipped: Int) {
            var rows = 0
            let ledger = try Scanner(reader: try SiftReader(path: path), where: text, columns: ["domain"]).scan { rows += $0.rowCount; return true }
            return (rows, ledger.skipped[.bloom]?.rowGroups ?? 0)
        }
        for text in ["domain contains 'hooli'", "domain icontains 'GLOBEX-cdn'", "domain ieq 'H7.ACME-CDN.EXAMPLE'", "domain contains 'paypal'", "domain contains 'zz'",
                     "domain icontains 'STARK'", "not (domain contains 'acme')"] {
            let a = try run(dir.file("t.sift"), text), b = try run(dir.file("n.sift"), text)
            #expect(a.rows == b.rows, "\(text): \(a.rows) rows with trigrams, \(b.rows) without")
            #expect(b.skipped == 0)
        }
        // Words present in one row group of five: the other four are ruled out.
        #expect(try run(dir.file("t.sift"), "domain contains 'hooli'").skipped == 4)
        #expect(try run(dir.file("t.sift"), "domain contains 'paypal'").skipped == 4)
        let absent = try run(dir.file("t.sift"), "domain icontains 'Stark'")
        #expect(absent.rows == 0 && absent.skipped == 5, "stark is never written (only the first 5 words are used): \(absent)")
        _ = try SiftReader(path: dir.file("t.sift")).verify()
    }
}
