import SiftPlatform
import SiftFormat
import SiftTable

/// One alert as detections write it to the alerts table (`spec/pipeline.md` §8).
public struct AlertRecord: Sendable, Equatable {
    public var ruleId: String
    public var severity: String
    public var title: String
    /// What the alert is about, e.g. `src_ip=10.0.0.5`; de-duplication is by rule and key.
    public var key: String
    public var windowStart: Int64
    public var windowEnd: Int64
    public var srcIP: IPv6Address?
    public var dstIP: IPv6Address?
    public var domain: String?
    public var dstPort: UInt16?
    /// Events (or distinct values) behind the alert.
    public var count: Int64
    public var indicator: String?
    public var indicatorFeed: String?
    /// Where the events are: `{"table": ..., "event_type": ..., "uids": [...]}` (first few).
    public var evidence: String
    public var owner: String?
    public var criticality: String?

    /// Same rule, key and window: the same alert, whichever run found it.
    public var id: String {
        let text = "\(ruleId)|\(key)|\(windowStart)"
        let hex = String(Checksum.hash(Array(text.utf8)), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Warehouse {
    /// Every alert ever raised, with its delivery status (`spec/pipeline.md` §8.1).
    public static let alertSchema = try! Schema([
        Field("alert_id", .string, nullable: false), Field("detected_at", .timestamp, nullable: false),
        Field("rule_id", .string, nullable: false), Field("severity", .string, nullable: false), Field("title", .string, nullable: false),
        Field("key", .string, nullable: false), Field("window_start", .timestamp, nullable: false), Field("window_end", .timestamp, nullable: false),
        Field("src_ip", .ipv6), Field("dst_ip", .ipv6), Field("domain", .string, hint: .domain), Field("dst_port", .uint16),
        Field("count", .int64, nullable: false), Field("indicator", .string), Field("indicator_feed", .string),
        Field("evidence", .string, nullable: false, hint: .json), Field("owner", .string), Field("criticality", .string),
        Field("status", .string, nullable: false), Field("status_reason", .string),
    ])

    /// The alerts table, partitioned by status: `new` is the queue the alert stage drains.
    public func alerts() throws -> Table {
        try Self.openOrCreate(root + "/alerts", schema: Self.alertSchema, partitionBy: ["status"])
    }
}

/// Alerts as a record batch of the alerts table.
func alertBatch(_ alerts: [AlertRecord], detectedAt: Int64, status: [String], reasons: [String?]) throws -> RecordBatch {
    let strings = ColumnVector.strings, ips: ([IPv6Address?]) -> ColumnVector = ColumnVector.ipv6s
    return try RecordBatch(schema: Warehouse.alertSchema, columns: [
        strings(alerts.map(\.id)), ColumnVector(.timestamp(Array(repeating: detectedAt, count: alerts.count))),
        strings(alerts.map(\.ruleId)), strings(alerts.map(\.severity)), strings(alerts.map(\.title)), strings(alerts.map(\.key)),
        ColumnVector(.timestamp(alerts.map(\.windowStart))), ColumnVector(.timestamp(alerts.map(\.windowEnd))),
        ips(alerts.map(\.srcIP)), ips(alerts.map(\.dstIP)), strings(alerts.map(\.domain)),
        .uint16s(alerts.map(\.dstPort)),
        ColumnVector(.int64(alerts.map(\.count))), strings(alerts.map(\.indicator)), strings(alerts.map(\.indicatorFeed)),
        strings(alerts.map(\.evidence)), strings(alerts.map(\.owner)), strings(alerts.map(\.criticality)),
        strings(status), strings(reasons),
    ])
}
