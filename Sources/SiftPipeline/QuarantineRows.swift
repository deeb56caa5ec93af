import SiftPlatform
import SiftFormat

/// Rows for the quarantine table, gathered while a stage runs.
struct QuarantineRows {
    var time: [Int64] = []
    var reason: [String] = []
    var file: [String?] = []
    var line: [Int64?] = []
    var eventType: [String?] = []
    var parser: [String?] = []
    var parserVersion: [Int32?] = []
    var eventTs: [Int64?] = []
    var raw: [[UInt8]] = []
    let stage: String
    let now = Int64(Date().timeIntervalSince1970 * 1_000_000)

    init(stage: String) { self.stage = stage }

    var count: Int { reason.count }

    mutating func add(reason: String, raw: [UInt8], file: String? = nil, line: Int64? = nil, eventType: String? = nil,
                      parser: String? = nil, parserVersion: Int? = nil, eventTs: Int64? = nil) {
        time.append(now)
        self.reason.append(reason)
        self.raw.append(raw)
        self.file.append(file)
        self.line.append(line)
        self.eventType.append(eventType)
        self.parser.append(parser)
        self.parserVersion.append(parserVersion.map(Int32.init))
        self.eventTs.append(eventTs)
    }

    /// Adds another stage's rows after these.
    mutating func append(_ o: QuarantineRows) {
        time += o.time; reason += o.reason; file += o.file; line += o.line; eventType += o.eventType
        parser += o.parser; parserVersion += o.parserVersion; eventTs += o.eventTs; raw += o.raw
    }

    func batch() throws -> RecordBatch {
        var offsets: [UInt32] = [0], bytes: [UInt8] = []
        for r in raw { bytes += r; offsets.append(UInt32(bytes.count)) }
        return try RecordBatch(schema: Warehouse.quarantineSchema, columns: [
            ColumnVector(.timestamp(time)), ColumnVector(.string(VarBytes(Array(repeating: stage, count: count)))),
            ColumnVector(.string(VarBytes(reason))), .strings(file), .int64s(line), .strings(eventType), .strings(parser),
            .int32s(parserVersion), .timestamps(eventTs), ColumnVector(.binary(VarBytes(offsets: offsets, bytes: bytes))),
        ])
    }
}
