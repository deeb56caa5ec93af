import Foundation
import SiftFormat
import SiftTestSupport
import Testing

/// Typed accessors, columns built from text, and a writer that cannot lose rows quietly.
@Suite("Format: typed column access and safe writing")
struct ColumnAccessTests {
    @Test("accessors give each type's values with nulls, and nil for another type")
    func accessors() throws {
        let schema = try Schema([Field("ts", .timestamp), Field("ip", .ipv4), Field("ip6", .ipv6), Field("s", .string), Field("n", .uint16), Field("d", .float64)])
        let batch = try RecordBatch(schema: schema, columns: [
            try .timestamps(parsing: ["2026-08-01T00:00:00Z", nil]),
            try .ipv4s(parsing: ["10.0.0.1", nil]),
            try .ipv6s(parsing: ["2001:db8::1", "10.1.2.3"]),
            .strings(["a", nil]),
            .uint16s([443, nil]),
            ColumnVector(.float64([1.5, 0]), validity: Bitmap([true, false])),
        ])
        #expect(batch["ts"]?.timestamps == [1_785_542_400_000_000, nil])
        #expect(batch["ts"]?.dates == [Date(timeIntervalSince1970: 1_785_542_400), nil])
        #expect(batch["ip"]?.ipv4s == [0x0A00_0001, nil])
        #expect(batch["ip"]?.ipAddresses == [IPv6Address(mapping: 0x0A00_0001), nil])
        #expect(batch["ip6"]?.texts == ["2001:db8::1", "10.1.2.3"])
        #expect(batch["s"]?.strings == ["a", nil])
        #expect(batch["n"]?.integers == [443, nil])
        #expect(batch["d"]?.doubles == [1.5, nil])
        #expect(batch["ts"]?.text(at: 0) == "2026-08-01T00:00:00.000000Z")
        // Another type: nil, never a trap.
        #expect(batch["s"]?.ipv4s == nil && batch["ip"]?.strings == nil && batch["d"]?.integers == nil && batch["ts"]?.doubles == nil)
        #expect(batch["missing"] == nil)
    }

    @Test("columns from text reject a bad value naming it and its row")
    func parsingErrors() {
        #expect { try ColumnVector.ipv4s(parsing: ["10.0.0.1", "2001:db8::1"]) } throws: { e in
            (e as? FormatError).map { $0.code == .invalidValue && $0.message.contains("row 1") && $0.message.contains("2001:db8::1") } ?? false
        }
        #expect(throws: FormatError.self) { try ColumnVector.ipv6s(parsing: ["evil.example"]) }
        #expect(throws: FormatError.self) { try ColumnVector.timestamps(parsing: ["yesterday"]) }
        #expect(TextForms.parseTime("2026-08-01") == TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8)))
        #expect(TextForms.parseDate("2026-08-01T00:00:00Z") == nil)
    }

    @Test("write(to:) closes the file, and leaves nothing when its body throws")
    func writeClosure() throws {
        let dir = TemporaryDirectory()
        let schema = try Schema([Field("n", .int64)])
        let batch = try RecordBatch(schema: schema, columns: [.int64s([1, 2, 3])])
        let metadata = try SiftWriter.write(to: dir.file("a.sift"), schema: schema) { try $0.write(batch) }
        #expect(metadata.rowCount == 3)
        #expect(try SiftReader(path: dir.file("a.sift")).readBatches() == [batch])
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try SiftWriter.write(to: dir.file("b.sift"), schema: schema) { writer in
                try writer.write(batch)
                throw Stop()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.sift"], "no file and no temporary file left")
    }
}
