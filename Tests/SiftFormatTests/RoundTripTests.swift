import SiftFormat
import SiftTestSupport
import Testing

@Suite("Round trips")
struct RoundTripTests {
    static let seed: UInt64 = 0x51F7

    @Test("every type, shape and null pattern round-trips with every codec",
          arguments: ColumnType.allCases, Codec.allCases)
    func roundTrip(type: ColumnType, codec: Codec) throws {
        var gen = RandomColumns(seed: Self.seed &+ UInt64(type.rawValue) &* 31 &+ UInt64(codec.rawValue))
        let dir = TemporaryDirectory()
        for shape in ValueShape.allCases {
            for nulls in NullPattern.allCases {
                let count = 1 + Int(gen.rng.next() % 5000)
                let column = gen.column(type, count: count, shape: shape, nulls: nulls)
                var options = WriterOptions()
                options.compression = Compression(codec)
                options.pageRows = 1024
                options.rowGroupRows = 3000
                let reader = try SingleColumnFile.write(column, to: dir.file("\(shape)-\(nulls).sift"), options: options)
                var back = ColumnVector.empty(type)
                for g in reader.metadata.rowGroups.indices { back.append(contentsOf: try reader.readColumn(rowGroup: g, column: 0)) }
                // `==` is logical and compares doubles bitwise, so NaN and -0.0 must round-trip exactly.
                #expect(back == column, "seed \(Self.seed) type \(type) shape \(shape) nulls \(nulls) codec \(codec)")
                _ = try reader.verify()
            }
        }
    }

    @Test("every allowed encoding can be forced and round-trips", arguments: ColumnType.allCases)
    func forcedEncodings(type: ColumnType) throws {
        var gen = RandomColumns(seed: Self.seed ^ UInt64(type.rawValue))
        let dir = TemporaryDirectory()
        for encoding in Encoding.allCases {
            for nulls in [NullPattern.none, .alternating, .all] {
                let column = gen.column(type, count: 2500, shape: .narrowRange, nulls: nulls)
                var options = WriterOptions()
                options.columnEncoding = ["v": encoding]
                options.compression = .none
                let reader = try SingleColumnFile.write(column, to: dir.file("\(encoding)-\(nulls).sift"), options: options)
                let back = try reader.readColumn(rowGroup: 0, column: 0)
                #expect(back == column, "type \(type) encoding \(encoding) nulls \(nulls)")
                let used = Set(try reader.pages(rowGroup: 0, column: 0).map(\.encoding))
                if type != .ipv6 && nulls != .all {
                    // Forcing is honoured whenever the type allows the encoding.
                    let allowed = Set(Encoding.allowed(for: type, narrow: false))
                    if allowed.contains(encoding) { #expect(used == [encoding], "type \(type) used \(used)") }
                }
            }
        }
    }

    @Test("an empty file has a schema and no row groups")
    func emptyFile() throws {
        let dir = TemporaryDirectory()
        let schema = try Schema([Field("a", .int32), Field("b", .string)])
        let writer = try SiftWriter(path: dir.file("e.sift"), schema: schema)
        try writer.close()
        let reader = try SiftReader(path: dir.file("e.sift"))
        #expect(reader.schema == schema)
        #expect(reader.metadata.rowCount == 0)
        #expect(reader.metadata.rowGroups.isEmpty)
    }

    @Test("the writer picks the smallest encoding for each shape")
    func encodingChoice() throws {
        let cases: [(ValueShape, Encoding)] = [(.sorted, .delta), (.runs, .runLength), (.narrowRange, .frameOfReference), (.lowCardinality, .dictionary)]
        var gen = RandomColumns(seed: 7)
        let dir = TemporaryDirectory()
        for (shape, expected) in cases {
            let column = gen.column(.int64, count: 8192, shape: shape, nulls: .none)
            let reader = try SingleColumnFile.write(column, to: dir.file("\(shape).sift"))
            #expect(try reader.pages(rowGroup: 0, column: 0)[0].encoding == expected, "shape \(shape)")
        }
    }
}
