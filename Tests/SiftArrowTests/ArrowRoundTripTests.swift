import CSiftABI
import SiftArrow
import SiftFormat
import SiftTestSupport
import Testing

/// Export to the Arrow C data interface and import back, for every type, shape and null
/// pattern; the zero-copy promise checked by buffer address; the stream's contract.
@Suite("Arrow: C data interface round trips")
struct ArrowRoundTripTests {
    static let types: [ColumnType] = ColumnType.allCases

    @Test("every type, null pattern and length round-trips through an exported struct array", arguments: types)
    func roundTrip(type: ColumnType) throws {
        var random = RandomColumns(seed: 0x5EED_A770 &+ UInt64(type.rawValue))
        for nulls in NullPattern.allCases {
            for count in [0, 1, 63, 64, 65, 1000] {
                let column = random.column(type, count: count, shape: .uniform, nulls: nulls)
                let schema = try Schema([Field("c", type), Field("k", .int64, nullable: false)])
                let batch = try RecordBatch(schema: schema, columns: [column, ColumnVector(.int64((0..<Int64(count)).map { $0 }))])
                let back = try Self.throughArrow(batch)
                #expect(back == batch, "\(type) \(nulls) \(count)")
            }
        }
    }

    @Test("fixed-width values, string offsets and bytes, and validity bitmaps are handed over without a copy")
    func zeroCopy() throws {
        let ints: [Int64] = Array(0..<4096)
        let addresses: [UInt32] = (0..<4096).map { UInt32($0) &* 2_654_435_761 }
        let text = VarBytes((0..<4096).map { "host\($0).example" })
        var validity = Bitmap(count: 4096, value: true)
        validity[7] = false
        let schema = try Schema([Field("n", .int64), Field("ip", .ipv4), Field("s", .string)])
        let batch = try RecordBatch(schema: schema, columns: [ColumnVector(.int64(ints), validity: validity), ColumnVector(.ipv4(addresses)),
                                                              ColumnVector(.string(text))])
        var array = ArrowArray()
        ArrowExport.exportBatch(batch, into: &array)
        defer { array.release(&array) }
        func buffer(_ child: Int, _ b: Int) -> UnsafeRawPointer? { array.children[child]!.pointee.buffers[b] }
        #expect(buffer(0, 1) == ints.withUnsafeBytes { $0.baseAddress })
        #expect(buffer(0, 0) == validity.words.withUnsafeBytes { $0.baseAddress })
        #expect(buffer(1, 1) == addresses.withUnsafeBytes { $0.baseAddress })
        #expect(buffer(2, 1) == text.offsets.withUnsafeBytes { $0.baseAddress })
        #expect(buffer(2, 2) == text.bytes.withUnsafeBytes { $0.baseAddress })
        #expect(array.children[0]!.pointee.null_count == 1)
        #expect(array.children[1]!.pointee.buffers[0] == nil, "no validity buffer without nulls")
    }

    @Test("imports honour array offsets (sliced input) and parent struct offsets")
    func offsets() throws {
        var random = RandomColumns(seed: 42)
        for type in Self.types {
            let column = random.column(type, count: 300, shape: .uniform, nulls: .sparse)
            let schema = try Schema([Field("c", type)])
            let batch = try RecordBatch(schema: schema, columns: [column])
            var array = ArrowArray()
            ArrowExport.exportBatch(batch, into: &array)
            defer { array.release(&array) }
            // Slice as a consumer would: the child at offset 17, the parent at offset 5.
            array.children[0]!.pointee.offset = 17
            array.children[0]!.pointee.length = 283
            array.children[0]!.pointee.null_count = -1
            array.offset = 5
            array.length = 200
            let fields = [ArrowField(name: "c", format: ArrowTypeMapping.format(type))]
            let back = try ArrowImport.batch(&array, fields: fields, schema: schema)
            #expect(back.columns[0] == column.slice(22..<222), "\(type)")
        }
    }

    @Test("the schema carries names, nullability, the IP extension types and hints")
    func schema() throws {
        let schema = try Schema([Field("ts", .timestamp, nullable: false), Field("src", .ipv4), Field("dst", .ipv6), Field("q", .string, hint: .domain)])
        var arrow = ArrowSchema()
        ArrowExport.exportSchema(schema, into: &arrow)
        defer { arrow.release(&arrow) }
        let fields = try ArrowImport.fields(&arrow)
        #expect(fields.map(\.format) == ["tsu:UTC", "I", "w:16", "u"])
        #expect(fields.map(\.nullable) == [false, true, true, true])
        #expect(fields[1].metadata == ["ARROW:extension:name": "sift.ipv4", "ARROW:extension:metadata": ""])
        #expect(fields[2].metadata["ARROW:extension:name"] == "sift.ipv6")
        #expect(fields[3].metadata == ["sift.hint": "domain"])
        #expect(try fields.map { try ArrowTypeMapping.field($0) } == schema.fields)
        var plain = ArrowSchema()
        ArrowExport.exportSchema(schema, options: ArrowExportOptions(ips: .plain), into: &plain)
        defer { plain.release(&plain) }
        let plainFields = try ArrowImport.fields(&plain)
        #expect(plainFields[1].metadata == ["sift.type": "ipv4"])
        #expect(try plainFields.map { try ArrowTypeMapping.field($0) } == schema.fields)
    }

    @Test("a stream hands out batches in order, ends with a released array, and reports a producer's error")
    func stream() throws {
        let schema = try Schema([Field("n", .int64)])
        let batches = try (0..<5).map { i in try RecordBatch(schema: schema, columns: [ColumnVector(.int64([Int64(i), Int64(i) * 10]))]) }
        final class Counter: @unchecked Sendable { var closed = 0; var next = 0 }
        let counter = Counter()
        var stream = ArrowArrayStream()
        ArrowStreamExport.export(schema: schema, next: {
            defer { counter.next += 1 }
            if counter.next == 3 { throw ArrowInteropError(.invalidData, "disk on fire") }
            return counter.next < batches.count ? batches[counter.next] : nil
        }, close: { counter.closed += 1 }, into: &stream)
        let reader = try ArrowStreamImport(moving: &stream)
        #expect(stream.release == nil, "the caller's struct is marked moved")
        #expect(try reader.next(as: schema) == batches[0])
        #expect(try reader.next(as: schema) == batches[1])
        #expect(try reader.next(as: schema) == batches[2])
        do {
            _ = try reader.next(as: schema)
            Issue.record("the producer's error was not reported")
        } catch let error as ArrowInteropError {
            #expect(error.code == .producer && error.message.contains("disk on fire"))
        }
        _ = consume reader
        #expect(counter.closed == 1, "release closes the producer once")
    }

    @Test("imports reject what does not fit, naming the column and row")
    func rejects() throws {
        let schema = try Schema([Field("ip", .ipv4)])
        let text = try Schema([Field("ip", .string)])
        let batch = try RecordBatch(schema: text, columns: [.strings(["10.0.0.1", "10.0.0.256"])])
        var array = ArrowArray()
        ArrowExport.exportBatch(batch, into: &array)
        defer { array.release(&array) }
        let fields = [ArrowField(name: "ip", format: "u")]
        #expect(throws: ArrowInteropError(.invalidData, "'10.0.0.256' is not an IPv4 address", column: "ip", row: 1)) {
            try ArrowImport.batch(&array, fields: fields, schema: schema)
        }
        #expect(throws: ArrowInteropError.self) { try ArrowImport.mapping([ArrowField(name: "ip", format: "g")], to: schema) }
        #expect(throws: ArrowInteropError.self) { try ArrowImport.mapping([ArrowField(name: "ip", format: "I"), ArrowField(name: "x", format: "I")], to: schema) }
        #expect(throws: ArrowInteropError.self) { try ArrowTypeMapping.field(ArrowField(name: "l", format: "+l")) }
    }

    /// Exports a batch to a C struct array and imports it back.
    static func throughArrow(_ batch: RecordBatch) throws -> RecordBatch {
        var schema = ArrowSchema()
        ArrowExport.exportSchema(batch.schema, into: &schema)
        defer { schema.release(&schema) }
        var array = ArrowArray()
        ArrowExport.exportBatch(batch, into: &array)
        defer { array.release(&array) }
        return try ArrowImport.batch(&array, fields: try ArrowImport.fields(&schema), schema: batch.schema)
    }
}
