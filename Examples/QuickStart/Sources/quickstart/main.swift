import Foundation
import SiftFormat

// Write three connections, read them back, and check they match.
let schema = try Schema([
    Field("ts", .timestamp, nullable: false),
    Field("src_ip", .ipv4, nullable: false),
    Field("dst_ip", .ipv6),
    Field("domain", .string, hint: .domain),
    Field("bytes", .int64),
])
let ts = ["2026-08-01T10:00:00Z", "2026-08-01T10:00:01Z", "2026-08-01T10:00:02Z"].map { TextForms.parseTimestamp(Array($0.utf8))! }
let batch = try RecordBatch(schema: schema, columns: [
    ColumnVector(.timestamp(ts)),
    ColumnVector(.ipv4(["10.0.0.1", "10.0.0.2", "10.0.0.1"].map { TextForms.parseIPv4(Array($0.utf8))! })),
    ColumnVector(.ipv6(["203.0.113.7", "2001:db8::1", "0.0.0.0"].map { TextForms.parseIP(Array($0.utf8))! }), validity: Bitmap([true, true, false])),
    ColumnVector(.string(VarBytes(["evil.example", "cdn.evil.example", ""])), validity: Bitmap([true, true, false])),
    ColumnVector(.int64([100, 2000, 30000])),
])
let path = NSTemporaryDirectory() + "quickstart-\(getpid()).sift"
let writer = try SiftWriter(path: path, schema: schema)
try writer.write(batch)
try writer.close()
defer { try? FileManager.default.removeItem(atPath: path) }

let reader = try SiftReader(path: path)
let back = try reader.readBatches()
guard back.count == 1, back[0] == batch else {
    print("quickstart: read back different rows")
    exit(1)
}
var text: [UInt8] = []
RowFormatter.appendNDJSON(back[0], rows: 0..<back[0].rowCount, to: &text)
print(String(decoding: text, as: UTF8.self), terminator: "")
print("quickstart: wrote and read back \(reader.metadata.rowCount) rows through SiftFormat")
