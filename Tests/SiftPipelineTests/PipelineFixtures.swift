import Foundation
import SiftFormat
import SiftNDJSON
import SiftIndex
@testable import SiftPipeline
import SiftTable
import SiftTestSupport

enum PipelineFixtures {
    static let real = RepositoryPaths.corpus + "/real"

    /// The real samples, wrapped as a shipper would: (file, format).
    static let samples: [(String, EventWrapping.Format)] = [
        ("zeek/zat-conn.log", .zeek), ("zeek/zat-conn.json", .zeek), ("zeek/zat-dns.log", .zeek), ("zeek/zat-dns.json", .zeek),
        ("zeek/zat-http.log", .zeek), ("zeek/zat-http.json", .zeek), ("zeek/zat-ssl.json", .zeek),
        ("zeek/wrccdc2018-dns-head2000.log", .zeek), ("zeek/wrccdc2018-ssl-head1500.json", .zeek),
        ("suricata/surevego-eve.json", .suricata), ("suricata/suricatalog-eve_udp_flow.json", .suricata),
        ("suricata/suricatalog-eve-2.json", .suricata),
    ]

    /// Wrapper lines of a sample file.
    static func wrapped(_ file: String, _ format: EventWrapping.Format) throws -> [UInt8] {
        var out: [UInt8] = []
        let bytes = Array(FileManager.default.contents(atPath: real + "/" + file)!)
        _ = try bytes.withUnsafeBufferPointer { try EventWrapping(format: format).wrap($0, file: file) { out += $0 } }
        return out
    }

    static func ingest(_ wh: Warehouse, _ bytes: [UInt8], file: String) throws -> IngestResult {
        try bytes.withUnsafeBufferPointer { try wh.ingest($0, file: file) }
    }

    /// Rows of a table matching a predicate, as NDJSON lines.
    static func rows(_ table: Table, where text: String? = nil, columns: [String]? = nil) throws -> [String] {
        let scan = try TableScan(table: table, snapshot: try table.snapshot(), predicate: try text.map { try RowPredicate.parse($0) }, columns: columns)
        var lines: [String] = []
        try scan.run { batch in
            var bytes: [UInt8] = []
            RowFormatter.appendNDJSON(batch, rows: 0..<batch.rowCount, to: &bytes)
            lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            return true
        }
        return lines
    }

    static func count(_ table: Table, where text: String? = nil) throws -> Int {
        try rows(table, where: text, columns: [try table.snapshot().schema.fields[0].name]).count
    }

    static func json(_ line: String) -> [String: Any] { try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any] }
}
