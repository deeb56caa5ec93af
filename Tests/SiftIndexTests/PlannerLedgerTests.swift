import Foundation
import SiftFormat
import SiftIndex
import Testing

/// The one planner's file rules and the skip ledger's JSON form.
@Suite("Index: the planner's file rules and the skip ledger")
struct PlannerLedgerTests {
    struct File { var name: String; var day: Int64; var min: Int64; var max: Int64 }

    @Test("files are ruled out by the first index that can, partition decisions made once per partition")
    func files() throws {
        let schema = try Schema([Field("n", .int64, nullable: false)])
        let planner = Planner(predicate: try RowPredicate.parse("n >= 100 and n < 200").bind(to: schema))
        let files = (0..<6).map { i in File(name: "f\(i)", day: Int64(i / 2), min: Int64(i) * 60, max: Int64(i) * 60 + 59) }
        func bounds(_ lo: Int64, _ hi: Int64) -> Evidence {
            let le = { (v: Int64) in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
            return .bounds { _ in ColumnBounds(Statistics(nullCount: 0, min: le(lo), max: le(hi), minExact: true, maxExact: true), rows: 10, type: .int64) }
        }
        var asked = 0
        var ledger = SkipLedger()
        let kept = planner.planFiles(files, bytes: { _ in 1000 }, ledger: &ledger, shared: { f, kind in kind == .partition ? AnyHashable(f.day) : nil }) { f, kind in
            switch kind {
            case .partition: asked += 1; return bounds(f.day * 120, f.day * 120 + 119)  // each "day" holds 120 values
            case .fileStats: return bounds(f.min, f.max)
            default: return nil
            }
        }
        #expect(kept.map(\.name) == ["f1", "f2", "f3"])
        #expect(asked == 3, "one partition decision per day, not per file")
        #expect(ledger.skipped[.partition]?.files == 2 && ledger.skipped[.partition]?.bytes == 2000)  // day 2
        #expect(ledger.skipped[.fileStats]?.files == 1)  // f0: 0...59
    }

    @Test("the JSON form keeps the first explain format's fields, round-trips, and refuses a newer version")
    func json() throws {
        var ledger = SkipLedger()
        ledger.rowsMatched = 7
        ledger.bytesTotal = 1000
        ledger.countRead(60, as: .footer)
        ledger.countRead(40, as: .dataPage)
        ledger.filesTotal = 3
        ledger.filesRead = 1
        ledger.skip(.partition, files: 1, bytes: 300)
        ledger.skip(.bloom, rowGroups: 2, bytes: 400)
        ledger.skip(.zoneMap, pages: 5, bytes: 50)
        ledger.planningSeconds = 0.0012
        let text = try ledger.jsonText()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["ledger_version"] as? Int == 1)
        #expect((object["skipped_by"] as? [String: Int]) == ["partition": 300, "file_stats": 0, "table_index": 0, "min_max": 0, "bloom": 400, "zone_map": 50, "page_bloom": 0])
        #expect((object["files_skipped_by"] as? [String: Int]) == ["partition": 1, "file_stats": 0, "table_index": 0])
        #expect((object["row_groups_skipped_by"] as? [String: Int]) == ["min_max": 0, "bloom": 2])
        #expect(object["pages_skipped_by_zone_map"] as? Int == 5)
        #expect(object["bytes_read"] as? Int == 100)
        #expect((object["read_by"] as? [String: Int]) == ["footer": 60, "bloom": 0, "page_bloom": 0, "page_index": 0, "data_page": 40, "table_index": 0])
        #expect(object["planning_ms"] as? Double == 1.2)
        #expect(object["row_group_decisions"] == nil, "decisions are left out when there are none")
        var back = try JSONDecoder().decode(SkipLedger.self, from: Data(text.utf8))
        back.planningSeconds = ledger.planningSeconds  // milliseconds are rounded to microseconds
        #expect(back == ledger)
        let newer = text.replacingOccurrences(of: "\"ledger_version\":1", with: "\"ledger_version\":2")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SkipLedger.self, from: Data(newer.utf8)) }
        // A ledger written before the breakdown existed reads with every part zero.
        var older = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        older["read_by"] = nil
        let old = try JSONDecoder().decode(SkipLedger.self, from: JSONSerialization.data(withJSONObject: older))
        #expect(old.bytesRead == 100 && old.readBy.values.allSatisfy { $0 == 0 } && old.readBy.count == SkipLedger.ReadPart.allCases.count)
    }
}
