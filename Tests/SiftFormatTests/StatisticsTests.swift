import SiftFormat
import SiftTestSupport
import Testing

/// Statistics merging and the form rules a reader checks before pruning (`spec/format.md` §7).
@Suite("Format: statistics")
struct StatisticsTests {
    @Test("a page with no upper bound (an all-FF cut) leaves the chunk with none, in either order")
    func unboundedMaxMerges() throws {
        let unbounded = Statistics(nullCount: 0, min: [0x00], max: nil, minExact: true, maxExact: false)
        let bounded = Statistics(nullCount: 1, min: [0x10], max: [0x7A], minExact: true, maxExact: true)
        for merged in [unbounded.merged(with: bounded, type: .binary), bounded.merged(with: unbounded, type: .binary)] {
            #expect(merged.max == nil && !merged.maxExact, "merged \(merged)")
            #expect(merged.min == [0x00] && merged.nullCount == 1)
        }
        // All-null or all-NaN pages (no bounds, exact flags) do not hide the other page's max.
        let empty = Statistics(nullCount: 3)
        #expect(empty.merged(with: bounded, type: .binary).max == [0x7A])
    }

    @Test("a file whose second page holds a 70-byte FF value has no chunk max, and verifies")
    func writerChunkHasNoMax() throws {
        let schema = try Schema([Field("b", .binary, nullable: false)])
        let values = VarBytes(offsets: [0, 1, 2, 72, 73], bytes: [0x01, 0x02] + [UInt8](repeating: 0xFF, count: 70) + [0x03])
        let batch = try RecordBatch(schema: schema, columns: [ColumnVector(.binary(values))])
        let dir = TemporaryDirectory()
        let path = dir.file("ff.sift")
        var options = WriterOptions()
        options.pageRows = 2
        let writer = try SiftWriter(path: path, schema: schema, options: options)
        try writer.write(batch)
        try writer.close()
        let reader = try SiftReader(path: path)
        let chunk = reader.metadata.rowGroups[0].columns[0].statistics
        #expect(chunk.max == nil && !chunk.maxExact)
        _ = try reader.verify()
    }
}
