import Foundation
import SiftTestSupport
import Testing

/// `sift plan` and `sift query --units`: the plan another engine's driver makes and the share of
/// it each task reads (spec/arrow.md §9), including a plan kept past a commit.
@Suite("sift plan and sift query --units", .serialized)
struct PlanCommandTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The uids task `index` of `count` reads from `units` (a JSON document) with the query.
    static func taskRows(_ table: String, _ document: [String: Any], extra: [String] = []) throws -> [String] {
        let input = Array(try JSONSerialization.data(withJSONObject: document))
        let r = try SiftProcess.run(["query", table, "--where", "dst_port = 22", "--columns", "uid", "--units", "-", "--order-by", "none"] + extra,
                                    stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdoutText.split(separator: "\n").map { String($0) }
    }

    @Test func tasksOfAPlanReadItsRowsOnceEvenAfterACommit() throws {
        let dir = TemporaryDirectory()
        let inputs = try TableCommandTests.setUp(dir, files: 4, rows: { 400 + $0 })
        let table = dir.file("t")
        for input in inputs.prefix(3) { #expect(try SiftProcess.run(["table", "append", table, input]).status == 0) }
        let expected = { () throws -> [String] in
            try SiftProcess.run(["query", table, "--where", "dst_port = 22", "--columns", "uid", "--order-by", "none"]).stdoutText
                .split(separator: "\n").map { String($0) }.sorted()
        }
        let before = try expected()
        let planned = try SiftProcess.run(["plan", table, "--where", "dst_port = 22", "--columns", "uid"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let plan = try Self.json(planned.stdoutText)
        let units = try #require(plan["units"] as? [[String: Any]])
        let version = try #require(plan["version"] as? Int)
        #expect(units.count >= 2 && (plan["schema"] as? [[String: Any]])?.map { $0["name"] as? String } == ["uid"])
        #expect(((plan["report"] as? [String: Any])?["files_total"] as? Int ?? 0) >= 3, "three appends of three days each")
        // Two tasks, each with alternate units: together, the query's rows.
        let documents = (0..<2).map { i in
            ["version": version, "units": stride(from: i, to: units.count, by: 2).map { units[$0] }, "index": i, "count": 2] as [String: Any]
        }
        #expect(try documents.flatMap { try Self.taskRows(table, $0) }.sorted() == before)
        // A commit lands; the same documents re-plan and still read every row once.
        #expect(try SiftProcess.run(["table", "append", table, inputs[3]]).status == 0)
        let after = try expected()
        #expect(after.count > before.count)
        #expect(try documents.flatMap { try Self.taskRows(table, $0) }.sorted() == after)
        // Pinned to the planned version, they read what was planned.
        #expect(try documents.flatMap { try Self.taskRows(table, $0, extra: ["--as-of", String(version)]) }.sorted() == before)
    }

    @Test func badUnitDocumentsAreNamed() throws {
        let dir = TemporaryDirectory()
        let inputs = try TableCommandTests.setUp(dir, files: 1, rows: { _ in 300 })
        let table = dir.file("t")
        #expect(try SiftProcess.run(["table", "append", table, inputs[0]]).status == 0)
        let cases: [(String, String)] = [
            ("{\"units\": [], \"index\": 2, \"count\": 2}", "index 2 of count 2"),
            ("[{\"path\": 1}]", "not a list of units"),
            ("[{\"path\": \"../../etc/passwd\", \"row_groups\": [0], \"bytes\": 1, \"rows\": 1}]", "etc/passwd"),
        ]
        for (document, message) in cases {
            let r = try SiftProcess.run(["query", table, "--units", "-"], stdin: Array(document.utf8))
            #expect(r.status != 0 && r.stderr.contains(message), "\(document): \(r.stderr)")
        }
        let ips = try SiftProcess.run(["query", table, "--format", "arrow", "--arrow-ips", "dotted"])
        #expect(ips.status != 0 && ips.stderr.contains("--arrow-ips must be extension or text"))
    }
}
