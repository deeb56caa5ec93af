import Foundation
import SiftFormat
import SiftNDJSON
import SiftTestSupport
import Testing

/// Walks corpus/: every valid file must read back exactly as its JSON expectation says, every
/// invalid file must fail with the expected error code. A new corpus file needs no new code.
@Suite("Conformance corpus")
struct ConformanceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let path: String
        var testDescription: String { String(path.split(separator: "/").suffix(3).joined(separator: "/")) }
    }

    static func cases(_ kind: String) -> [Case] {
        var out: [Case] = []
        let base = RepositoryPaths.corpus
        guard let versions = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        for version in versions.sorted() where version.hasPrefix("v") {
            let folder = "\(base)/\(version)/\(kind)"
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            out += files.filter { $0.hasSuffix(".json") }.sorted().map { Case(path: "\(folder)/\($0)") }
        }
        return out
    }

    static func expectation(_ c: Case) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: c.path))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func siftPath(_ c: Case) -> String { String(c.path.dropLast(5)) + ".sift" }

    @Test("the corpus has at least 15 invalid and 15 valid files")
    func corpusSize() {
        #expect(Self.cases("valid").count >= 15)
        #expect(Self.cases("invalid").count >= 15)
    }

    @Test("valid files read back as expected", arguments: cases("valid"))
    func valid(_ c: Case) throws {
        let expected = try Self.expectation(c)
        let reader = try SiftReader(path: Self.siftPath(c))
        _ = try reader.verify()

        let schema = expected["schema"] as! [[String: Any]]
        #expect(reader.schema.fields.count == schema.count)
        for (field, e) in zip(reader.schema.fields, schema) {
            #expect(field.name == e["name"] as? String)
            #expect(field.type.name == e["type"] as? String)
            #expect(field.nullable == e["nullable"] as? Bool)
            #expect(field.hint.name == (e["hint"] as? String ?? "none"))
        }

        let rows = expected["rows"] as! [[Any]]
        #expect(reader.metadata.rowCount == UInt64(rows.count))
        var actual: [[Any]] = []
        for batch in try reader.readBatches() {
            for r in 0..<batch.rowCount {
                actual.append(batch.columns.enumerated().map { i, col -> Any in
                    if col.isNull(r) { return NSNull() }
                    var out: [UInt8] = []
                    RowFormatter.appendJSON(col, batch.schema.fields[i], r, to: &out)
                    return (try? JSONSerialization.jsonObject(with: Data(out), options: [.fragmentsAllowed])) ?? NSNull()
                })
            }
        }
        #expect(actual.count == rows.count)
        // Compare as canonical JSON text, which sidesteps Foundation's bridging of bools and numbers.
        func canonical(_ row: [Any]) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: row, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
        }
        for (i, (a, e)) in zip(actual, rows).enumerated() where canonical(a) != canonical(e) {
            Issue.record("row \(i): read \(canonical(a)), expected \(canonical(e))")
            break
        }

        for probe in expected["bloom_probes"] as? [[String: Any]] ?? [] {
            let group = probe["row_group"] as! Int
            let column = try #require(reader.schema.index(of: probe["column"] as! String))
            let hex = Array((probe["key_hex"] as! String).utf8)
            let key = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
            let filter = try #require(try reader.bloomFilter(rowGroup: group, column: column))
            #expect(filter.mightContain(hash: BloomKeys.hash(bytes: key)) == (probe["may_contain"] as! Bool), "probe \(probe)")
        }

        for probe in expected["page_bloom_probes"] as? [[String: Any]] ?? [] {
            let group = probe["row_group"] as! Int, page = probe["page"] as! Int
            let column = try #require(reader.schema.index(of: probe["column"] as! String))
            let hex = Array((probe["key_hex"] as! String).utf8)
            let key = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
            let filters = try #require(try reader.pageBloomFilters(rowGroup: group, column: column))
            #expect(filters.mightContain(page: page, hash: BloomKeys.hash(bytes: key)) == (probe["may_contain"] as! Bool), "probe \(probe)")
        }

        for (name, groups) in expected["page_distinct_counts"] as? [String: [[Int]]] ?? [:] {
            let c = try #require(reader.schema.index(of: name))
            let recorded = try reader.metadata.rowGroups.indices.map { try reader.pages(rowGroup: $0, column: c).map { Int($0.statistics.distinctCount ?? 0) } }
            #expect(recorded == groups, "column \(name)")
        }

        if let encodings = expected["encodings"] as? [String: [String]] {
            for (name, wanted) in encodings {
                let c = try #require(reader.schema.index(of: name))
                let used = Set(try reader.metadata.rowGroups.indices.flatMap { try reader.pages(rowGroup: $0, column: c).map(\.encoding.description) })
                #expect(used == Set(wanted), "column \(name)")
            }
        }
    }

    @Test("invalid files fail with the expected error, at the step the spec gives", arguments: cases("invalid"))
    func invalid(_ c: Case) throws {
        let expected = try Self.expectation(c)
        let code = try #require(expected["error"] as? String)
        let foundBy = try #require(expected["found_by"] as? String, "the expectation names the step that finds the fault")
        // The steps of spec/format.md §13 in order: open, a full read, verification.
        var reader: SiftReader?
        var failure: (step: String, error: FormatError)?
        do {
            let opened = try SiftReader(path: Self.siftPath(c))
            reader = opened
            do { _ = try opened.readBatches() } catch { failure = ("read", error) }
            if failure == nil { do { _ = try opened.verify() } catch { failure = ("verify", error) } }
        } catch { failure = ("open", error) }
        guard let failure else {
            Issue.record("\(c.testDescription) was accepted; expected \(code)")
            return
        }
        #expect(failure.error.code.rawValue == code, "\(failure.error)")
        #expect(failure.step == foundBy, "found by \(failure.step), the expectation says \(foundBy): \(failure.error)")
        #expect(failure.error.file != nil, "the error names the file: \(failure.error)")
        // Verification alone (no read before it) reports the same code.
        if let path = reader.map({ _ in Self.siftPath(c) }) {
            do {
                _ = try SiftReader(path: path).verify()
                Issue.record("verify accepted \(c.testDescription)")
            } catch { #expect(error.code.rawValue == code, "verify alone: \(error)") }
        }
    }
}
