import Foundation
import SiftTable
import SiftTestSupport
import Testing

/// Walks `corpus/v1/tables/`: the sound table reads its rows, every damaged table fails with
/// the code and version its expectation names, at the step it names (`spec/table.md` §9).
@Suite("Tables: the damaged-table corpus")
struct TableCorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        var testDescription: String { name }
    }

    static let folder = RepositoryPaths.corpus + "/v1/tables"

    static func cases() -> [Case] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted().map { Case(name: String($0.dropLast(5))) }
    }

    @Test("the corpus has a sound table and damaged ones")
    func size() { #expect(Self.cases().count >= 8) }

    @Test("each table reads, or fails as its expectation says", arguments: cases())
    func table(_ c: Case) throws {
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + c.name + ".json"))) as! [String: Any]
        // A copy: reading must not depend on (or touch) the committed folder.
        let dir = TemporaryDirectory()
        let root = dir.file(c.name)
        try FileManager.default.copyItem(atPath: Self.folder + "/" + c.name, toPath: root)
        var step = "snapshot"
        do {
            let table = try Table(root: root)
            let snapshot = try table.snapshot()
            if let readerVersion = expected["reader_version"] as? Int { #expect(snapshot.protocolVersion.readerVersion == readerVersion) }
            step = "scan"
            let rows = try TableFixtures.rows(table).rows.count
            #expect(expected["valid"] as? Bool == true, "\(c.name) was read (\(rows) rows); expected \(expected["error"] ?? "")")
            #expect(rows == expected["rows"] as? Int)
            // A needle the case is about: its rows, and how many files it must open.
            if let needle = expected["needle"] as? [String: Any], let text = needle["where"] as? String {
                let (found, ledger) = try TableFixtures.rows(table, where: text)
                #expect(found.count == needle["rows"] as? Int, "\(text)")
                #expect(ledger.filesRead == needle["files_read"] as? Int, "\(text): opened \(ledger.filesRead) files")
            }
        } catch let error as TableError {
            #expect(expected["valid"] as? Bool == false, "\(c.name) failed: \(error)")
            #expect(error.code.rawValue == expected["error"] as? String, "\(error)")
            #expect(error.version == (expected["version"] as? NSNumber)?.int64Value, "\(error)")
            #expect(step == expected["found_by"] as? String, "found by \(step): \(error)")
        }
    }
}
