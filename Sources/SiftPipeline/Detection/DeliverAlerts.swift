import SiftPlatform
import SiftFormat
import SiftNDJSON
import SiftIndex
import SiftTable

/// What the alert stage did with the new alerts.
public struct AlertsResult: Sendable {
    public var delivered = 0
    public var duplicates = 0
    public var allowlisted = 0
    public var version: Int64?
}

/// Delivery progress per sink: the alerts of the current batch already delivered, and where
/// the sink was after the last of them.
struct SinkCheckpoint: Codable {
    var delivered: [String] = []
    var position: Int64 = 0
}

extension Warehouse {
    func sinkCheckpointPath(_ sink: any AlertSink) -> String {
        root + "/_pipeline/sink-" + String(Checksum.hash(Array(sink.name.utf8)), radix: 16) + ".json"
    }

    /// Takes every alert with status `new`: suppresses those an allowlist entry covers
    /// (`allowlisted`) and repeats of an alert of the same rule and key delivered within
    /// `dedupMinutes` (`duplicate`), delivers the rest to `sink` (`delivered`), and records every
    /// decision in the alerts table in one commit. Delivery is checkpointed alert by alert, so
    /// after a crash each alert reaches a file sink exactly once.
    public func deliverAlerts(to sink: inout some AlertSink, allowlist: Allowlist = Allowlist(), dedupMinutes: Int = 1440) throws -> AlertsResult {
        let table = try alerts()
        let read = try table.snapshot()
        let queued = read.sortedFiles.filter { ($0.partitionValues["status"] ?? nil) == "new" }
        var result = AlertsResult()
        let checkpointPath = sinkCheckpointPath(sink)
        var checkpoint = FileManager.default.contents(atPath: checkpointPath).flatMap { try? JSONDecoder().decode(SinkCheckpoint.self, from: $0) } ?? SinkCheckpoint()
        try sink.resume(at: checkpoint.position)
        guard !queued.isEmpty else { return result }

        // What was delivered before: by id, and by rule and key with the windows.
        var deliveredIDs = Set<String>()
        var deliveredWindows: [String: [Int64]] = [:]
        var past = read
        past.files = read.files.filter { ($0.value.partitionValues["status"] ?? nil) == "delivered" }
        _ = try scanRows(table, past, columns: ["alert_id", "rule_id", "key", "window_start"]) { batch in
            for r in 0..<batch.rowCount {
                deliveredIDs.insert(batch.columns[0].string(at: r) ?? "")
                deliveredWindows[(batch.columns[1].string(at: r) ?? "") + "|" + (batch.columns[2].string(at: r) ?? ""), default: []].append(batch.columns[3].integer(at: r) ?? 0)
            }
        }
        var fresh = read
        fresh.files = read.files.filter { ($0.value.partitionValues["status"] ?? nil) == "new" }
        var rows: [RecordBatch] = []
        _ = try scanRows(table, fresh, columns: Self.alertSchema.fields.map(\.name)) { rows.append($0) }
        let inBatch = Set(rows.flatMap { b in (0..<b.rowCount).map { b.columns[0].string(at: $0) ?? "" } })
        checkpoint.delivered = checkpoint.delivered.filter(inBatch.contains)   // ids of an older, finished batch
        var alreadySent = Set(checkpoint.delivered)

        let dedup = Int64(dedupMinutes) * 60_000_000
        var decided: [RecordBatch] = []
        for batch in rows {
            let c = { (name: String) in batch.columns[batch.schema.index(of: name)!] }
            var status: [String] = [], reasons: [String?] = []
            for r in 0..<batch.rowCount {
                let id = c("alert_id").string(at: r) ?? "", rule = c("rule_id").string(at: r) ?? "", key = c("key").string(at: r) ?? ""
                let window = c("window_start").integer(at: r) ?? 0
                if let entry = allowlist.suppresses(rule: rule, src: c("src_ip").ipAddress(at: r), dst: c("dst_ip").ipAddress(at: r), domain: c("domain").string(at: r)) {
                    status.append("allowlisted"); reasons.append("allowlist entry '\(entry)'"); result.allowlisted += 1
                    continue
                }
                if deliveredIDs.contains(id) || (deliveredWindows[rule + "|" + key] ?? []).contains(where: { abs($0 - window) < dedup }) {
                    status.append("duplicate"); reasons.append("same rule and key delivered within \(dedupMinutes) minutes"); result.duplicates += 1
                    continue
                }
                if !alreadySent.contains(id) {
                    var line: [UInt8] = []
                    RowFormatter.appendNDJSON(try RecordBatch(schema: batch.schema, columns: batch.columns.map { $0.slice(r..<(r + 1)) }), rows: 0..<1, to: &line)
                    checkpoint.position = try sink.deliver(line, id: id)
                    checkpoint.delivered.append(id)
                    alreadySent.insert(id)
                    try save(checkpoint, to: checkpointPath)
                }
                deliveredIDs.insert(id)
                deliveredWindows[rule + "|" + key, default: []].append(window)
                status.append("delivered"); reasons.append(nil); result.delivered += 1
            }
            var columns = batch.columns
            columns[batch.schema.index(of: "status")!] = ColumnVector(.string(VarBytes(status)))
            columns[batch.schema.index(of: "status_reason")!] = ColumnVector(.string(VarBytes(reasons.map { $0 ?? "" })), validity: Bitmap(reasons.map { $0 != nil }))
            decided.append(try RecordBatch(schema: batch.schema, columns: columns))
        }
        result.version = try table.replace(queued, read: read, operation: "deliver_alerts",
                                           parameters: ["sink": sink.name, "delivered": String(result.delivered)]) { sink in
            for b in decided { try sink(b) }
        }
        checkpoint.delivered = []
        try save(checkpoint, to: checkpointPath)
        return result
    }
}
