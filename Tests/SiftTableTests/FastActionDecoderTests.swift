import Foundation
@testable import SiftTable
import SiftTestSupport
import Testing

/// The log's fast decoding path must give exactly what `JSONDecoder` gives, and decline
/// (leaving it to `JSONDecoder` and its detailed errors) whatever it is not sure of.
@Suite("Tables: fast log decoding")
struct FastActionDecoderTests {
    static func actions(seed: UInt64) -> [Action] {
        var rng = SeededRandom(seed: seed)
        var out: [Action] = []
        for k in 0..<40 {
            var stats: [String: ColumnStatsJSON] = [:]
            for c in 0..<Int(rng.next() % 6) {
                let s = ColumnStatsJSON(nulls: rng.next() % 1000, min: rng.next() % 3 == 0 ? nil : String(rng.next(), radix: 16),
                                        max: rng.next() % 3 == 0 ? nil : "ff\(c)0", minExact: rng.next() % 2 == 0, maxExact: rng.next() % 2 == 0)
                stats["col\(c) ü"] = s
            }
            let partitions: [String: String?] = rng.next() % 2 == 0 ? ["date(ts)": "2026-08-0\(k % 9 + 1)", "kind": nil] : [:]
            let clustering = rng.next() % 2 == 0 ? ClusteringSpec(curve: .hilbert, columns: ["src_ip", "dst_ip"]) : nil
            out.append(.add(AddAction(path: "date=2026-08-01/part-\(k)-é.sift", partitionValues: partitions, size: Int64(rng.next() % 1_000_000),
                                      rows: Int64(rng.next() % 100_000), modificationTime: Int64(rng.next() >> 20), dataChange: k % 2 == 0,
                                      stats: stats, blooms: k % 3 == 0 ? [] : ["src_ip", "domain"], clustering: clustering)))
            out.append(.remove(RemoveAction(path: "old-\(k).sift", deletionTime: Int64(k) * 1000 - 5, dataChange: k % 2 == 1, size: Int64(k))))
            if k % 10 == 0 { out.append(.index(Self.index(k, &rng))) }
        }
        out.append(.commitInfo(CommitInfo(timestamp: 1_780_000_000_000, operation: "optimize", parameters: ["target": "64", "txn": "a:1"],
                                          readVersion: rng.next() % 2 == 0 ? nil : 41, isBlindAppend: false, engine: "sift 1.0",
                                          metrics: ["files_added": 3, "rows_added": -1])))
        return out
    }

    static func index(_ k: Int, _ rng: inout SeededRandom) -> IndexAction {
        IndexAction(path: "_sift_index/\(k)-ü.sidx", files: (0..<Int(rng.next() % 50)).map { "date=2026-08-0\($0 % 9 + 1)/p-\($0)\"q.sift" },
                    columns: rng.next() % 4 == 0 ? [:] : ["src_ip": UInt8(rng.next() % 16), "domain": 255], size: Int64(rng.next() % 100_000))
    }

    static func lines(_ actions: [Action]) throws -> [ArraySlice<UInt8>] {
        let bytes = try LogEntryCodec.encode(actions)
        return Array(bytes.split(separator: UInt8(ascii: "\n")).dropLast())
    }

    @Test("every add, remove, index and commit_info line decodes as JSONDecoder decodes it", arguments: [1, 2, 3] as [UInt64])
    func sameAsJSONDecoder(seed: UInt64) throws {
        let expected = Self.actions(seed: seed)
        let lines = try Self.lines(expected)
        #expect(lines.count == expected.count)
        for (line, action) in zip(lines, expected) {
            let fast = try #require(FastActionDecoder.decode(line), "declined: \(String(decoding: line, as: UTF8.self))")
            #expect(fast == action)
            #expect(fast == (try JSONDecoder().decode(Action.self, from: Data(line))))
        }
        // And the whole entry through the codec.
        #expect(try LogEntryCodec.decode(try LogEntryCodec.encode(expected), version: 3) == expected)
    }

    @Test("a checkpoint's list of index segments decodes as JSONDecoder decodes it", arguments: [1, 2] as [UInt64])
    func indexListSameAsJSONDecoder(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let segments = (0..<30).map { Self.index($0, &rng) }
        let text = try Checkpoint.json(segments)
        #expect(FastActionDecoder.indexActions(text) == segments)
        #expect(try JSONDecoder().decode([IndexAction].self, from: Data(text.utf8)) == segments)
    }

    @Test("declines index lists it is not sure of", arguments: [
        #"[{"path":"a","files":["x"],"columns":{"c":256},"size":1}]"#,  // a contents byte out of range
        #"[{"path":"a","files":["x"],"columns":{"c":1,"c":2},"size":1}]"#,  // a duplicate column
        #"[{"path":"a","files":[1],"columns":{},"size":1}]"#,  // a file that is not a string
        #"[{"path":"a","files":["x"],"columns":{}}]"#,  // no size
        #"{"path":"a","files":["x"],"columns":{},"size":1}"#,  // not a list
    ])
    func indexListDeclines(_ text: String) {
        #expect(FastActionDecoder.indexActions(text) == nil)
    }

    @Test("declines what it is not sure of", arguments: [
        #"{"remove":{"path":"a","deletion_time":1.5,"data_change":true,"size":2}}"#,  // a fraction
        #"{"remove":{"path":"a","deletion_time":1e3,"data_change":true,"size":2}}"#,  // an exponent
        #"{"remove":{"path":"a","path":"b","deletion_time":1,"data_change":true,"size":2}}"#,  // a duplicate key
        #"{"remove":{"path":"a","deletion_time":99999999999999999999,"data_change":true,"size":2}}"#,  // overflow
        #"{"remove":{"path":"a","deletion_time":01,"data_change":true,"size":2}}"#,  // a leading zero
        #"{"remove":{"path":"a","deletion_time":1,"data_change":"yes","size":2}}"#,  // a wrong type
        #"{"remove":{"path":"a","deletion_time":1,"data_change":true}}"#,  // a missing key
        #"{"remove":{"path":"a","deletion_time":1,"data_change":true,"size":2}"#,  // truncated
        #"{"remove":{"path":"a","deletion_time":1,"data_change":true,"size":2}} x"#,  // trailing bytes
        #"{"remove":{},"add":{}}"#,  // two actions
        #"{"txn":{"app_id":"a","version":1,"last_updated":2}}"#,  // not a fast-path kind
    ])
    func declines(_ text: String) {
        #expect(FastActionDecoder.decode(ArraySlice(Array(text.utf8))) == nil)
    }

    @Test("decodes escapes (quotes, unicode, surrogate pairs) as JSONDecoder does", arguments: [
        #"{"remove":{"path":"a\"b\\c\/d","deletion_time":1,"data_change":true,"size":2}}"#,
        #"{"remove":{"path":"caf\u00e9 \ud83d\ude00\n","deletion_time":1,"data_change":true,"size":2}}"#,
    ])
    func escapes(_ text: String) throws {
        let fast = try #require(FastActionDecoder.decode(ArraySlice(Array(text.utf8))))
        #expect(fast == (try JSONDecoder().decode(Action.self, from: Data(text.utf8))))
    }

    @Test("accepts unknown keys and spaces, as JSONDecoder does")
    func lenient() throws {
        let text = #"{ "remove" : { "path" : "a/b.sift", "future" : [1, {"x": null}], "deletion_time" : -7, "data_change" : false, "size" : 0 } }"#
        let fast = try #require(FastActionDecoder.decode(ArraySlice(Array(text.utf8))))
        #expect(fast == (try JSONDecoder().decode(Action.self, from: Data(text.utf8))))
    }
}
