import SiftPlatform
import SiftFormat
import SiftTable

/// What a re-parse replaced.
public struct ReparseResult: Sendable {
    public var version: Int64?
    public var filesReplaced = 0
    public var rowsRemoved: Int64 = 0
    public var rowsAdded = 0
    public var quarantined = 0
}

extension Warehouse {
    /// Re-runs the current parser of `eventType` over the staged events of that type (from
    /// `since`, a `YYYY-MM-DD` date, on) and replaces the refined rows they produced, in one
    /// commit: a concurrent reader sees the old rows or the new ones, with no duplicate and no
    /// gap. The staged rows used are exactly those the refined table reflects (staging as of the
    /// version recorded by the last parse), so rows parse has not reached yet are left to it.
    public func reparse(eventType: String, since: String? = nil, registry: ParserRegistry = .standard,
                        options: WriterOptions = WriterOptions()) throws -> ReparseResult {
        guard let parser = registry.parser(for: eventType) else {
            throw PipelineError("no parser for event type '\(eventType)'; known: \(registry.parsers.keys.sorted().joined(separator: ", "))")
        }
        if let since, TextForms.parseDate(since) == nil {
            throw PipelineError("re-parse since takes a date, YYYY-MM-DD, not '\(since)'")
        }
        let table = try refined(parser.kind)
        var attempts = 0
        while true {
            attempts += 1
            let read = try table.snapshot()
            guard let covered = read.txns["parse"]?.version else { return ReparseResult() }
            func affected(_ values: [String: String?]) -> Bool {
                guard (values["event_type"] ?? nil) == eventType else { return false }
                guard let since else { return true }
                return ((values["date"] ?? nil) ?? "") >= since
            }
            let stagingThen = try staging.snapshot(asOf: .version(covered))
            let sources = stagingThen.sortedFiles.filter { affected($0.partitionValues) }
            let old = read.sortedFiles.filter { affected($0.partitionValues) }
            let stagingTable = staging
            let progress = self.progress
            let total = Int(sources.reduce(0) { $0 + $1.size })
            var router = try EventRouter.routeInParallel(sources.map(\.path), registry: registry, done: { i, rows in
                progress?(PipelineStep(stage: "parsing staged files", rows: rows, bytes: Int(sources[i].size), totalBytes: total))
            }) { try stagingTable.readRows(paths: [$0], snapshot: stagingThen) }
            let batch = try router.takeBatch(parser.kind)
            var result = ReparseResult(filesReplaced: old.count, rowsRemoved: old.reduce(0) { $0 + $1.rows },
                                       rowsAdded: batch?.rowCount ?? 0, quarantined: router.rejected.count)
            progress?(PipelineStep(stage: "replacing \(old.count) files of \(parser.kind.rawValue)", rows: batch?.rowCount ?? 0, bytes: 0, totalBytes: 0))
            do {
                result.version = try table.replace(old, read: read, operation: "reparse",
                                                   parameters: ["event_type": eventType, "since": since ?? "", "parser_version": String(parser.version)],
                                                   txn: WriterTransaction(appId: "parse", version: covered), options: options) { sink in
                    if let batch, batch.rowCount > 0 { try sink(batch) }
                }
            } catch let error as TableError where error.code == .conflict && attempts < 5 {
                continue   // a parse run committed meanwhile: start over from its state
            }
            let rejected = router.rejected
            _ = try quarantine.append { sink in
                if rejected.count > 0 { try sink(try rejected.batch()) }
                return 0
            }
            return result
        }
    }
}
