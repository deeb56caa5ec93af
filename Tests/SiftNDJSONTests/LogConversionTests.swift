import Foundation
import SiftFormat
import SiftNDJSON
import SiftTestSupport
import Testing

/// Zeek TSV logs and JSON arrays go into `sift write` and tables as they are.
@Suite("NDJSON: Zeek TSV and JSON-array logs")
struct LogConversionTests {
    /// Every row of NDJSON bytes, as parsed JSON objects, through inference and the builder.
    static func rows(_ bytes: [UInt8]) throws -> (Schema, [[String: Any]]) {
        var inference = SchemaInference()
        try bytes.withUnsafeBufferPointer { b in
            var failure: Error?
            NDJSONLines.forEach(b) { r, _ in do { try inference.observe(b, r) } catch { failure = error } }
            if let failure { throw failure }
        }
        let schema = try inference.schema()
        var builder = NDJSONBatchBuilder(schema: schema)
        try bytes.withUnsafeBufferPointer { b in
            var failure: Error?
            NDJSONLines.forEach(b) { r, line in do { try builder.append(b, r, line: line) } catch { failure = error } }
            if let failure { throw failure }
        }
        let batch = builder.takeBatch()
        var out: [UInt8] = []
        RowFormatter.appendNDJSON(batch, rows: 0..<batch.rowCount, to: &out)
        let objects = try String(decoding: out, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        return (schema, objects)
    }

    @Test("a real Zeek TSV log gives one row per data line, each field its cell, ts a timestamp, addresses IPs", arguments: ["conn", "dns", "http", "ssl"])
    func zeekTSV(_ log: String) throws {
        let tsv = Array(try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.corpus + "/real/zeek/zat-\(log).log")))
        let converted = try #require(try tsv.withUnsafeBufferPointer { try LogConversion.ndjson($0) })
        let (schema, rows) = try Self.rows(converted)
        // The oracle: the TSV lines themselves, split by hand.
        let lines = String(decoding: tsv, as: UTF8.self).split(separator: "\n")
        let fields = lines.first { $0.hasPrefix("#fields") }!.split(separator: "\t").dropFirst().map(String.init)
        let data = lines.filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == data.count && !rows.isEmpty)
        #expect(schema.fields.first { $0.name == "ts" }?.type == .timestamp)
        #expect([ColumnType.ipv4, .ipv6].contains(schema.fields.first { $0.name == "id.orig_h" }?.type ?? .string))
        for (row, cells) in zip(rows, data) {
            for (name, cell) in zip(fields, cells) where ["uid", "id.orig_h", "id.resp_h", "proto", "query", "host", "server_name"].contains(name) {
                #expect(row[name] as? String == (cell == "-" ? nil : cell), "\(log) \(name)")
            }
            let ts = TextForms.parseTimestamp(Array((row["ts"] as! String).utf8))!
            #expect(ts == Int64((Double(cells[fields.firstIndex(of: "ts")!])! * 1_000_000).rounded()), "\(log) ts")
            if let i = fields.firstIndex(of: "id.resp_p") { #expect("\(row["id.resp_p"]!)" == cells[i]) }
        }
    }

    @Test("a pretty-printed JSON array of objects becomes one line each; a bad element is named")
    func jsonArray() throws {
        let path = RepositoryPaths.corpus + "/real/suricata/hassanabad-honeypot-2018-alerts-only.json"
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let expected = (try JSONSerialization.jsonObject(with: Data(bytes)) as! [Any]).count
        let lines = try #require(try bytes.withUnsafeBufferPointer { try LogConversion.ndjson($0) })
        let (_, rows) = try Self.rows(lines)
        #expect(rows.count == expected)
        #expect(try Array("  [ ]".utf8).withUnsafeBufferPointer { try LogConversion.ndjson($0) } == [])
        #expect { try Array(#"[{"a":1}, 2]"#.utf8).withUnsafeBufferPointer { try LogConversion.ndjson($0) } } throws: { e in
            (e as? LineError).map { $0.reason.contains("not an object") && $0.column == 10 } ?? false
        }
        #expect(try Array(#"{"a":1}"#.utf8).withUnsafeBufferPointer { try LogConversion.ndjson($0) } == nil, "NDJSON is used as it is")
    }

    @Test("TSV damage is named by line; a header change mid-file applies to the lines after it")
    func tsvDetails() throws {
        let text = "#separator \\x09\n#fields\tts\tname\n#types\ttime\tstring\n1575331200.5\ta\\x09b\n#fields\tts\tn\n#types\ttime\tcount\n1575331201\t7\n"
        let lines = try #require(try Array(text.utf8).withUnsafeBufferPointer { try LogConversion.ndjson($0) })
        #expect(String(decoding: lines, as: UTF8.self) == #"{"ts":1575331200.5,"name":"a\tb"}"# + "\n" + #"{"ts":1575331201,"n":7}"# + "\n")
        #expect { try Array("#separator \\x09\n#fields\ta\tb\n1\n".utf8).withUnsafeBufferPointer { try LogConversion.ndjson($0) } } throws: { e in
            (e as? LineError)?.line == 3
        }
    }
}
