import Dispatch
import SiftPlatform
import SiftFormat
import SiftNDJSON
import SiftTable

/// What a parse run did. Staged rows read = parsed + quarantined.
public struct ParseResult: Sendable {
    public var stagingVersion: Int64 = -1
    public var stagedRows = 0
    public var parsed = 0
    public var quarantined = 0
    public var byTable: [RefinedKind: Int] = [:]
}

/// Where parse is (`_pipeline/parse.json`): staging versions up to `done` are parsed; when a
/// run stopped midway, `pending` is the version it was parsing up to and must finish first.
struct ParseCheckpoint: Codable {
    var done: Int64 = -1
    var pending: Int64?
}

/// Parses staged rows into refined rows and quarantine rows.
struct EventRouter {
    let registry: ParserRegistry
    var builders: [RefinedKind: NDJSONBatchBuilder] = [:]
    var rejected = QuarantineRows(stage: "parse")
    var parsed = 0

    init(registry: ParserRegistry) { self.registry = registry }

    /// Staged rows routed.
    var staged = 0

    /// Routes the rows of every file on all cores, one file per task, and merges the results
    /// in file order (so quarantine and refined rows keep staging's order).
    static func routeInParallel(_ paths: [String], registry: ParserRegistry, done: (@Sendable (Int, Int) -> Void)? = nil,
                                read: @escaping @Sendable (String) throws -> RecordBatch) throws -> EventRouter {
        let results = ParallelResults<Result<EventRouter, Error>>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            results[i] = (Result {
                var router = EventRouter(registry: registry)
                let batch = try read(paths[i])
                router.route(batch)
                done?(i, batch.rowCount)
                return router
            })
        }
        var merged = EventRouter(registry: registry)
        var batches: [RefinedKind: [RecordBatch]] = [:]
        for i in paths.indices {
            var part = try results[i]!.get()
            merged.staged += part.staged
            merged.parsed += part.parsed
            merged.rejected.append(part.rejected)
            for kind in Array(part.builders.keys) { batches[kind, default: []].append(part.builders[kind]!.takeBatch()) }
        }
        merged.batches = batches
        return merged
    }

    /// Parsed rows of the finished routers, by table (when routed in parallel).
    var batches: [RefinedKind: [RecordBatch]] = [:]

    /// Every parsed row for a table, as one batch.
    mutating func takeBatch(_ kind: RefinedKind) throws -> RecordBatch? {
        var parts = batches.removeValue(forKey: kind) ?? []
        if builders[kind] != nil { parts.append(builders[kind]!.takeBatch()) }
        guard var first = parts.first else { return nil }
        for part in parts.dropFirst() {
            first = try RecordBatch(schema: first.schema, columns: zip(first.columns, part.columns).map { var c = $0; c.append(contentsOf: $1); return c })
        }
        return first
    }

    /// Routes every row of a staging batch.
    mutating func route(_ batch: RecordBatch) {
        guard case .timestamp(let ts) = batch.columns[0].values, case .string(let types) = batch.columns[1].values,
              case .string(let sources) = batch.columns[2].values, case .string(let raws) = batch.columns[3].values,
              case .string(let files) = batch.columns[4].values, case .int64(let lines) = batch.columns[5].values else {
            preconditionFailure("staging schema")
        }
        staged += batch.rowCount
        for r in 0..<batch.rowCount {
            let eventType = String(decoding: types[r], as: UTF8.self)
            let raw = Array(raws[r])
            let file = batch.columns[4].isNull(r) ? nil : String(decoding: files[r], as: UTF8.self)
            let line = batch.columns[5].isNull(r) ? nil : lines[r]
            guard let parser = registry.parser(for: eventType) else {
                rejected.add(reason: "no parser for event type '\(eventType)'", raw: raw, file: file, line: line, eventType: eventType, eventTs: ts[r])
                continue
            }
            let source = String(decoding: sources[r], as: UTF8.self)
            var row = RowWriter()
            row.string("time", TextForms.formatTimestamp(ts[r]))
            row.string("event_type", eventType)
            row.string("source", source)
            row.string("parser", parser.eventType)
            row.number("parser_version", String(parser.version))
            do {
                let fields = try fields(of: raw, source: source, defaultTSVFields: defaultTSVFields(eventType))
                try parser.parse(fields, source: source, into: &row)
            } catch {
                rejected.add(reason: describe(error), raw: raw, file: file, line: line, eventType: eventType,
                             parser: parser.eventType, parserVersion: parser.version, eventTs: ts[r])
                continue
            }
            let bytes = row.line
            // Appended in place: a copy taken out of the dictionary would copy every column.
            if builders[parser.kind] == nil { builders[parser.kind] = NDJSONBatchBuilder(schema: parser.kind.schema) }
            do throws(LineError) {
                try bytes.withUnsafeBufferPointer { b throws(LineError) in try builders[parser.kind]!.append(b, 0..<b.count, line: 1) }
                parsed += 1
            } catch {
                rejected.add(reason: "column '\(error.field ?? "?")': \(error.reason)", raw: raw, file: file, line: line,
                             eventType: eventType, parser: parser.eventType, parserVersion: parser.version, eventTs: ts[r])
            }
        }
    }

    func describe(_ error: Error) -> String {
        if let e = error as? JSONSyntaxError { return "raw is not valid JSON: \(e.message) (byte \(e.column + 1))" }
        return "\(error)"
    }
}

extension Warehouse {
    var parseCheckpointPath: String { root + "/_pipeline/parse.json" }

    func parseCheckpoint() -> ParseCheckpoint {
        FileManager.default.contents(atPath: parseCheckpointPath).flatMap { try? JSONDecoder().decode(ParseCheckpoint.self, from: $0) } ?? ParseCheckpoint()
    }

    /// Parses exactly what staging gained since the last run into the refined tables, and every
    /// event no parser takes, or a parser rejects, into quarantine with the parser's version and
    /// the reason. Each table's append is idempotent (it records the staging version it covers),
    /// so a run that stops midway is finished, not repeated, by the next one.
    public func parse(registry: ParserRegistry = .standard, options: WriterOptions = WriterOptions()) throws -> ParseResult {
        var checkpoint = parseCheckpoint()
        var total = ParseResult()
        while true {
            let target: Int64
            if let pending = checkpoint.pending {
                target = pending
            } else {
                target = try staging.snapshot().version
                guard target > checkpoint.done else { break }
                checkpoint.pending = target
                try save(checkpoint, to: parseCheckpointPath)
            }
            let result = try parse(from: checkpoint.done + 1, through: target, registry: registry, options: options)
            total.stagedRows += result.stagedRows
            total.parsed += result.parsed
            total.quarantined += result.quarantined
            for (k, v) in result.byTable { total.byTable[k, default: 0] += v }
            checkpoint = ParseCheckpoint(done: target, pending: nil)
            try save(checkpoint, to: parseCheckpointPath)
            total.stagingVersion = target
        }
        total.stagingVersion = checkpoint.done
        return total
    }

    func parse(from: Int64, through: Int64, registry: ParserRegistry, options: WriterOptions) throws -> ParseResult {
        var paths: [String] = []
        for (_, actions) in try staging.entries(from: from, through: through) {
            for case .add(let add) in actions where add.dataChange { paths.append(add.path) }
        }
        let snapshot = try staging.snapshot(asOf: .version(through))
        var result = ParseResult(stagingVersion: through)
        let stagingTable = staging
        let sizes = paths.map { Int(snapshot.files[$0]?.size ?? snapshot.tombstones[$0]?.size ?? 0) }
        let total = sizes.reduce(0, +)
        let progress = self.progress
        var router = try EventRouter.routeInParallel(paths, registry: registry, done: { i, rows in
            progress?(PipelineStep(stage: "parsing staged files", rows: rows, bytes: sizes[i], totalBytes: total))
        }) { try stagingTable.readRows(paths: [$0], snapshot: snapshot) }
        result.stagedRows = router.staged
        let txn = WriterTransaction(appId: "parse", version: through)
        // Every table a parser writes records the staging version, even with no new rows, so
        // a re-parse knows exactly which staged rows each refined table reflects.
        for kind in Set(registry.parsers.values.map(\.kind)).sorted(by: { $0.rawValue < $1.rawValue }) {
            let batch = try router.takeBatch(kind)
            result.byTable[kind] = batch?.rowCount ?? 0
            progress?(PipelineStep(stage: "writing \(kind.rawValue)", rows: batch?.rowCount ?? 0, bytes: 0, totalBytes: 0))
            _ = try refined(kind).append(txn: txn, options: options) { sink in
                if let batch, batch.rowCount > 0 { try sink(batch) }
                return 0
            }
        }
        let rejected = router.rejected
        _ = try quarantine.append(txn: txn) { sink in
            if rejected.count > 0 { try sink(try rejected.batch()) }
            return 0
        }
        result.parsed = router.parsed
        result.quarantined = router.rejected.count
        return result
    }
}
