import SiftFormat
import SiftIndex
import SiftScan
import SiftTestSupport
import Testing

/// Page bloom filters (`spec/format.md` §7.7): what they let a domain needle leave unread, and
/// that they never change its rows.
@Suite("Index: page bloom filters")
struct PageBloomTests {
    /// 4,000 rows in two row groups of 2,000, pages of 250 rows; each page's names are under
    /// its own zone, so a name or a zone is in one page of one row group.
    static func write(_ path: String, pageBlooms: Bool) throws -> Schema {
        let schema = try Schema([Field("domain", .string, hint: .domain), Field("src_ip", .ipv4, nullable: false), Field("n", .int64, nullable: false)])
        let n = 4000
        let names = (0..<n).map { "h\($0 % 97).zone\($0 / 250).evil.example" }
        let batch = try RecordBatch(schema: schema, columns: [
            ColumnVector(.string(VarBytes(names))), ColumnVector(.ipv4((0..<n).map { 0x0A00_0000 | UInt32($0 % 512) })), ColumnVector(.int64((0..<n).map(Int64.init))),
        ])
        var options = WriterOptions()
        options.rowGroupRows = 2000
        options.pageRows = 250
        if !pageBlooms { options.pageBloomFilterColumns = [] }
        try FileScans.write(batch, to: path, options: options)
        return schema
    }

    /// The same rows written with page filters and without, in `dir`.
    static func pair(in dir: TemporaryDirectory) throws -> (with: String, without: String, schema: Schema) {
        let with = dir.file("with.sift"), without = dir.file("without.sift")
        let schema = try write(with, pageBlooms: true)
        _ = try write(without, pageBlooms: false)
        return (with, without, schema)
    }

    /// The `n` of every matching row, and what the scan skipped.
    static func scan(_ path: String, _ text: String, schema: Schema) throws -> ([Int64], SkipLedger) {
        try FileScans.int64s(path, where: text, schema: schema, column: 2)
    }

    @Test("a name and a zone read one page per column, with the rows a file without page filters gives")
    func skipsPages() throws {
        let dir = TemporaryDirectory()
        let (with, without, schema) = try Self.pair(in: dir)
        #expect(try SiftReader(path: with).metadata.minorVersion == 1, "a file with page filters is version 1.1")
        #expect(try SiftReader(path: without).metadata.minorVersion == 0, "a file without them stays 1.0")
        _ = try SiftReader(path: with).verify()

        for needle in ["domain = 'h42.zone9.evil.example'", "domain ends_with '.zone13.evil.example'", "domain in ('h1.zone2.evil.example', 'h5.zone14.evil.example')"] {
            let (rowsWith, ledgerWith) = try Self.scan(with, needle, schema: schema)
            let (rowsWithout, ledgerWithout) = try Self.scan(without, needle, schema: schema)
            #expect(!rowsWith.isEmpty && rowsWith == rowsWithout, "\(needle)")
            #expect(ledgerWith.bytesSkipped(by: .pageBloom) > 0, "\(needle): page filters ruled pages out")
            #expect(ledgerWithout.bytesSkipped(by: .pageBloom) == 0)
            #expect(ledgerWith.pagesRead < ledgerWithout.pagesRead, "\(needle): \(ledgerWith.pagesRead) pages against \(ledgerWithout.pagesRead)")
            #expect(ledgerWith.bytesRead < ledgerWithout.bytesRead, "\(needle)")
        }
        // A name in every page (the shared suffix) rules nothing out: every page stays in play.
        let (all, everywhere) = try Self.scan(with, "domain ends_with '.evil.example'", schema: schema)
        #expect(all.count == 4000 && everywhere.bytesSkipped(by: .pageBloom) == 0)
    }

    @Test("an or of a page-filter test and an IP test keeps the pages either may match")
    func disjunction() throws {
        let dir = TemporaryDirectory()
        let (with, without, schema) = try Self.pair(in: dir)
        let needle = "domain = 'h42.zone9.evil.example' or src_ip = 10.0.1.7"
        #expect(try Self.scan(with, needle, schema: schema).0 == Self.scan(without, needle, schema: schema).0)
    }
}
