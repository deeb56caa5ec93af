import Foundation
import SiftFormat
import SiftIndex
import SiftNDJSON
import SiftTable
import SiftTestSupport
import Testing

/// The API a dependent meets first: tables from NDJSON files, pulled scans, typed columns.
@Suite("Tables: the public API of a dependent")
struct PublicAPITests {
    static func sample(_ dir: TemporaryDirectory, rows: Int) throws -> String {
        var text = ""
        for i in 0..<rows {
            text += #"{"ts":"2026-08-0\#(i % 3 + 1)T10:00:\#(String(format: "%02d", i % 60))Z","src_ip":"10.0.0.\#(i % 200)","dst_port":\#(i % 4 == 0 ? 443 : 53),"domain":"h\#(i % 9).example"}"# + "\n"
        }
        let path = dir.file("sample.ndjson")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("create from a sample, append a file, and pull the matching rows with for-await and with next()")
    func createAppendScan() async throws {
        let dir = TemporaryDirectory()
        let sample = try Self.sample(dir, rows: 5000)
        let table = try Table.create(at: dir.file("t"), inferringFrom: sample, partitionBy: ["date(ts)"])
        let fields = try table.snapshot().schema.fields
        #expect(fields.map(\.name) == ["ts", "src_ip", "dst_port", "domain"])
        #expect(fields[0].type == .timestamp && fields[1].type == .ipv4, "\(fields)")
        let appended = try table.append(ndjsonFile: sample)
        #expect(appended.rows == 5000 && appended.files == 3)

        var rows = 0, ports: Set<Int64> = []
        let batches = try table.scan(where: "dst_port = 443", columns: ["ts", "dst_port", "src_ip"])
        for try await batch in batches {
            rows += batch.rowCount
            ports.formUnion(batch["dst_port"]?.integers?.compactMap { $0 } ?? [])
            #expect(batch["src_ip"]?.ipv4s?.count == batch.rowCount)
            #expect(batch["nope"] == nil)
        }
        #expect(rows == 1250 && ports == [443])
        let ledger = try #require(batches.ledger, "the ledger is there once the scan has ended")
        #expect(ledger.rowsMatched == 1250 && ledger.filesTotal == 3)

        // The same, synchronously, with a time window that partitions prune.
        let sync = try table.scan(where: "ts >= '2026-08-03' and dst_port = 443", columns: ["ts"])
        var syncRows = 0
        while let batch = try sync.next() {
            syncRows += batch.rowCount
            #expect(batch["ts"]?.dates?.allSatisfy { ($0 ?? .distantPast) >= Date(timeIntervalSince1970: 1_785_715_200) } == true)
        }
        // Rows i with i % 3 == 2 (the third day) and i % 4 == 0: i % 12 == 8.
        #expect(syncRows == (0..<5000).filter { $0 % 12 == 8 }.count)
        #expect(sync.ledger?.skipped[.partition]?.files == 2)
    }

    @Test("leaving a for-await loop early stops the scan")
    func earlyExit() async throws {
        let dir = TemporaryDirectory()
        let sample = try Self.sample(dir, rows: 20000)
        let table = try Table.create(at: dir.file("t"), inferringFrom: sample)
        for _ in 0..<6 { try table.append(ndjsonFile: sample) }
        var seen = 0
        let batches = try table.scan()
        for try await batch in batches {
            seen += batch.rowCount
            break
        }
        #expect(seen == 20000, "one file's batch")
        batches.close()
        #expect(try batches.next() == nil, "a closed scan yields nothing more")
    }

    @Test("a bad line names the file, line and field; a bad predicate or column is a clear error")
    func errors() throws {
        let dir = TemporaryDirectory()
        let sample = try Self.sample(dir, rows: 10)
        let table = try Table.create(at: dir.file("t"), inferringFrom: sample)
        let bad = dir.file("bad.ndjson")
        try (#"{"ts":"2026-08-01T00:00:00Z","src_ip":"10.0.0.1","dst_port":1,"domain":"a"}"# + "\n" + #"{"ts":"2026-08-01T00:00:00Z","src_ip":"not an ip","dst_port":1,"domain":"a"}"# + "\n")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        #expect {
            try table.append(ndjsonFile: bad)
        } throws: { error in
            guard let e = error as? LineError else { return false }
            return e.file == bad && e.line == 2 && e.field == "src_ip" && "\(e)".hasPrefix(bad + ": line 2")
        }
        #expect(try table.snapshot().version == 0, "nothing was committed")
        #expect(throws: PredicateSyntaxError.self) { try table.scan(where: "dst_port = = 1") }
        #expect(throws: BindError.self) { try table.scan(where: "src_ip = 'x'") }
        #expect(throws: TableError.self) { try table.scan(columns: ["nope"]) }
        // A Zeek TSV log is converted (its epoch ts typed as a timestamp); one without records
        // cannot give a schema.
        let zeek = dir.file("zeek.log")
        try "#separator \\x09\n#fields\tts\tid.orig_h\n#types\ttime\taddr\n1575331200.5\t10.0.0.1\n".write(toFile: zeek, atomically: true, encoding: .utf8)
        #expect(try Table.create(at: dir.file("u"), inferringFrom: zeek).snapshot().schema.fields.map(\.type) == [.timestamp, .ipv4])
        try "#separator \\x09\n#fields\tts\n".write(toFile: zeek, atomically: true, encoding: .utf8)
        #expect(throws: FormatError.self) { try Table.create(at: dir.file("v"), inferringFrom: zeek) }
    }
}
