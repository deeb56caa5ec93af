import SiftFormat
import SiftIndex
@testable import SiftScan
import SiftTestSupport
import Testing

/// Dictionary pages of strings kept as entries and codes (`ReadPages`): rows gathered from them,
/// and the whole page, equal what `readPage` then `gather` give, nulls included; a scan that
/// gathers a few rows of them returns the rows a full decode would.
@Suite("Scan: pages kept encoded for gathering")
struct ReadPagesTests {
    @Test("gathered rows and whole pages equal readPage's", arguments: [ColumnType.string, .binary])
    func equalsReadPage(type: ColumnType) throws {
        var gen = RandomColumns(seed: 0x6A7 ^ UInt64(type.rawValue))
        var rng = SeededRandom(seed: 0x9A7 ^ UInt64(type.rawValue))
        let dir = TemporaryDirectory()
        var checked = 0
        for nulls in [NullPattern.none, .sparse, .runs] {
            let column = gen.column(type, count: 3000, shape: .lowCardinality, nulls: nulls)
            var options = WriterOptions()
            options.pageRows = 1024
            options.columnEncoding = ["v": .dictionary]
            let reader = try SingleColumnFile.write(column, to: dir.file("\(nulls).sift"), options: options)
            for p in try reader.pages(rowGroup: 0, column: 0).indices {
                let decoded = try reader.readPage(rowGroup: 0, column: 0, page: p)
                var kept = ReadPages()
                kept.offer(column: 0, page: p, try reader.readEncodedPage(rowGroup: 0, column: 0, page: p), type: type)
                for _ in 0..<20 {
                    let rows = (0..<decoded.count).filter { _ in rng.next() % 5 == 0 }.shuffled(using: &rng)
                    #expect(try kept.gather(column: 0, page: p, rows: rows) == decoded.gather(rows), "\(type) \(nulls) page \(p)")
                    checked += 1
                }
                #expect(try kept.vector(column: 0, page: p) == decoded)
                #expect(try kept.gather(column: 0, page: p, rows: [0]) == decoded.gather([0]), "once materialised, still the same")
            }
        }
        #expect(checked > 100)
    }

    @Test("a scan gathering a few rows of dictionary pages returns the decoded rows")
    func scanGathers() throws {
        var gen = RandomColumns(seed: 0x5CA7)
        let dir = TemporaryDirectory()
        let n = 6000
        let key = ColumnVector(.int64((0..<n).map { Int64($0 % 7) }))
        let names = gen.column(.string, count: n, shape: .lowCardinality, nulls: .sparse)
        let schema = try Schema([Field("k", .int64), Field("name", .string, nullable: true)])
        var options = WriterOptions()
        options.pageRows = 500
        options.columnEncoding = ["name": .dictionary]
        let path = dir.file("t.sift")
        let writer = try SiftWriter(path: path, schema: schema, options: options)
        try writer.write(RecordBatch(schema: schema, columns: [key, names]))
        try writer.close()
        let reader = try SiftReader(path: path)
        let predicate = try RowPredicate.parse("k = 3").bind(to: reader.schema)
        var got = ColumnVector.empty(.string)
        try Scanner(reader: reader, predicate: predicate, columns: [1]).scan { batch in
            got.append(contentsOf: batch.columns[0])
            return true
        }
        let want = names.gather((0..<n).filter { $0 % 7 == 3 })
        #expect(got == want)
        #expect(got.validity != nil, "the sample has nulls among the rows gathered")

        // Filtered on its pages as stored, then projected: the filter's pages are the ones gathered.
        let value = try #require((0..<n).lazy.compactMap { names.string(at: $0) }.first)
        let named = try RowPredicate.parse("name = '\(value)'").bind(to: reader.schema)
        var rows = ColumnVector.empty(.string)
        let ledger = try Scanner(reader: reader, predicate: named, columns: [1, 0]).scan { batch in
            rows.append(contentsOf: batch.columns[0])
            return true
        }
        let expected = (0..<n).filter { names.string(at: $0) == value }
        #expect(rows == names.gather(expected) && !expected.isEmpty)
        #expect(ledger.pagesRead <= 2 * (n / 500), "each page read once: \(ledger.pagesRead)")
    }
}
