import Foundation
import SiftFormat
import SiftIndex
import SiftScan

/// Reads the rows of a table snapshot that a predicate accepts (`spec/table.md` §10):
/// partitions are pruned from the files' partition values, then files from the statistics in
/// the log, both before any data file is opened; the files left are scanned with their own
/// row group, bloom filter and page pruning.
///
/// ```swift
/// let scan = try TableScan(table: table, snapshot: try table.snapshot(),
///                          predicate: try SiftIndex.Predicate.parse("src_ip = 10.1.2.3"), columns: ["ts", "dst_ip"])
/// let report = try scan.run { batch in print(batch.rowCount); return true }
/// ```
public struct TableScan: Sendable {
    public let table: Table
    public let snapshot: Snapshot
    public let predicate: SiftIndex.Predicate?
    /// Projected table columns, in output order.
    public let columns: [Int]
    /// Selects rows instead of the predicate's row filter (the predicate still prunes): given a
    /// lookup of the predicate's columns by name for a run of rows, and its length, the selected
    /// row offsets, ascending (see `Scanner.rowSelector`).
    /// Called from several threads at once (one per file being scanned).
    public var rowSelector: (@Sendable (_ column: (String) -> ColumnVector?, _ count: Int) -> [Int])?
    /// Files scanned at once (1: one after another on the calling thread).
    public var workers = OrderedParallel.defaultWorkers
    /// Scans exactly these units (files and row groups from ``planUnits()``, e.g. one engine
    /// task's share) instead of planning; nil scans the whole snapshot.
    public var units: [ScanUnit]?
    let bound: BoundPredicate?

    public init(table: Table, snapshot: Snapshot, predicate: SiftIndex.Predicate?, columns: [String]? = nil) throws {
        self.table = table
        self.snapshot = snapshot
        self.predicate = predicate
        let schema = snapshot.schema
        self.columns = try (columns ?? schema.fields.map(\.name)).map { name in
            guard let i = schema.index(of: name) else {
                throw TableError(.invalidArgument, "no column '\(name)'; the table has: \(schema.fields.map(\.name).joined(separator: ", "))")
            }
            return i
        }
        bound = try predicate.map { try $0.bind(to: schema) }
    }

    public var outputSchema: Schema { get throws { try Schema(columns.map { snapshot.schema.fields[$0] }) } }

    /// The files that partition values and log statistics cannot rule out, in path order,
    /// with the counts of what each stage skipped.
    public func plan() -> (files: [TableFile], report: TableScanReport) {
        var report = TableScanReport()
        let files = snapshot.sortedFiles
        report.filesTotal = files.count
        report.bytesTotal = UInt64(files.reduce(0) { $0 + $1.size })
        guard let bound else { return (files, report) }
        let fields = snapshot.schema.fields
        var kept: [TableFile] = []
        // Files share few partitions: decide each partition once.
        var partitionMayMatch: [[String: String?]: Bool] = [:]
        for file in files {
            let mayMatch: Bool
            if snapshot.partitioning.isEmpty {
                mayMatch = true
            } else if let known = partitionMayMatch[file.partitionValues] {
                mayMatch = known
            } else {
                // Row counts do not matter here: partition values hold for every row.
                let implied: (Int) -> ColumnBounds? = { c in
                    snapshot.partitioning.impliedStatistics(column: c, values: file.partitionValues, type: fields[c].type, rows: 1)
                        .map { ColumnBounds($0, rows: 1, type: fields[c].type) }
                }
                mayMatch = PossibilityEvaluator(bounds: implied).evaluate(bound).mayBeTrue
                partitionMayMatch[file.partitionValues] = mayMatch
            }
            if !mayMatch {
                report.filesSkippedByPartition += 1
                report.bytesSkippedByPartition += UInt64(file.size)
                continue
            }
            let stats: (Int) -> ColumnBounds? = { c in
                ColumnBounds(file.statistics(c) ?? Statistics(nullCount: UInt64(file.rows)), rows: UInt64(file.rows), type: fields[c].type)
            }
            if !PossibilityEvaluator(bounds: stats).evaluate(bound).mayBeTrue {
                report.filesSkippedByFileStats += 1
                report.bytesSkippedByFileStats += UInt64(file.size)
                continue
            }
            kept.append(file)
        }
        return (kept, report)
    }

    /// Calls `body` with each batch of matching rows (projected columns, in table order of
    /// files by path, then row order within each file), until it returns false.
    ///
    /// Files (or, when fewer files than `workers` are left, the row groups of each) are scanned
    /// by up to `workers` threads at once (`OrderedParallel`): batches still reach `body` on the
    /// calling thread in the order above, memory stays bounded (each task buffers a few batches
    /// ahead of `body`), and returning false stops every scan in flight.
    @discardableResult
    public func run(_ body: (RecordBatch) throws -> Bool) throws -> TableScanReport {
        let started = Date()
        // Units were planned already (by planUnits, maybe in another process): no log pruning.
        let (files, planReport) = try units.map(unitFiles) ?? plan()
        var report = planReport
        let rowGroupsOf: [Set<Int>?] = units?.map { Set($0.rowGroups) } ?? Array(repeating: nil, count: files.count)
        report.planningSeconds = Date().timeIntervalSince(started)
        let (table, schema, columns, predicate, rowSelector) = (self.table, snapshot.schema, self.columns, self.predicate, self.rowSelector)
        let output = try outputSchema
        // Parallel across files when there are enough of them, else across the row groups of
        // each file: never both, so no more than `workers` threads decode at once.
        let fileWorkers = files.count >= workers ? workers : 1
        let rowGroupWorkers = fileWorkers == 1 ? workers : 1
        let scans = try OrderedParallel.run(count: files.count, workers: fileWorkers, task: { (i: Int, emit: (RecordBatch) -> Bool) -> ScanReport in
            let reader = try table.openDataFile(files[i].path)
            let (filePredicate, present) = try Self.bind(predicate: predicate, columns: columns, tableSchema: schema, fileSchema: reader.schema)
            // Each projected column's index in this file (nil: the file predates it), found once.
            let inFile = columns.map { reader.schema.index(of: schema.fields[$0].name) }
            var scanner = Scanner(reader: reader, predicate: filePredicate, columns: present)
            scanner.workers = rowGroupWorkers
            scanner.rowGroups = rowGroupsOf[i]
            if let rowSelector {
                let names = reader.schema
                scanner.rowSelector = { columns, count in rowSelector({ name in names.index(of: name).flatMap { columns[$0] } }, count) }
            }
            return try scanner.scan { batch in
                var out: [ColumnVector] = []
                var k = 0
                for (c, i) in zip(columns, inFile) {
                    if i != nil { out.append(batch.columns[k]); k += 1 }
                    else { out.append(.nulls(schema.fields[c].type, count: batch.rowCount)) }
                }
                return emit(try RecordBatch(schema: output, columns: out))
            }
        }, consume: body)
        for scan in scans {
            guard let scan else { continue }
            report.filesRead += 1
            report.add(scan)
        }
        return report
    }
}

/// What a table scan read and skipped, at every stage (`--explain`).
public struct TableScanReport: Sendable {
    public var filesTotal = 0
    public var filesRead = 0
    public var filesSkippedByPartition = 0
    public var bytesSkippedByPartition: UInt64 = 0
    public var filesSkippedByFileStats = 0
    public var bytesSkippedByFileStats: UInt64 = 0
    /// Every live file's bytes.
    public var bytesTotal: UInt64 = 0
    /// What the scans of the files read (summed over files).
    public var rowsMatched = 0
    public var bytesRead: UInt64 = 0
    public var rowGroupsTotal = 0
    public var rowGroupsRead = 0
    public var pagesTotal = 0
    public var pagesRead = 0
    public var skippedBy: [PruneIndex: UInt64] = [:]
    /// Row groups of opened files ruled out whole, by index; pages ruled out by zone maps.
    public var rowGroupsSkippedBy: [PruneIndex: Int] = [:]
    public var pagesSkippedByZoneMap = 0
    public var notMaterialized: UInt64 = 0
    /// Wall time of each timed repetition of the query (`sift query --timing-runs`).
    public var runSeconds: [Double] = []
    /// Time to plan (partitions and file statistics), and to load the snapshot when the caller
    /// measured it (`sift query` does).
    public var planningSeconds = 0.0
    public var snapshotSeconds = 0.0

    public init() {}

    /// Totals another table's report into this one (a search over several tables).
    public mutating func merge(_ o: TableScanReport) {
        filesTotal += o.filesTotal
        filesRead += o.filesRead
        filesSkippedByPartition += o.filesSkippedByPartition
        bytesSkippedByPartition += o.bytesSkippedByPartition
        filesSkippedByFileStats += o.filesSkippedByFileStats
        bytesSkippedByFileStats += o.bytesSkippedByFileStats
        bytesTotal += o.bytesTotal
        rowsMatched += o.rowsMatched
        bytesRead += o.bytesRead
        rowGroupsTotal += o.rowGroupsTotal
        rowGroupsRead += o.rowGroupsRead
        pagesTotal += o.pagesTotal
        pagesRead += o.pagesRead
        for (k, v) in o.skippedBy { skippedBy[k, default: 0] += v }
        for (k, v) in o.rowGroupsSkippedBy { rowGroupsSkippedBy[k, default: 0] += v }
        pagesSkippedByZoneMap += o.pagesSkippedByZoneMap
        notMaterialized += o.notMaterialized
        planningSeconds += o.planningSeconds
        snapshotSeconds += o.snapshotSeconds
    }

    mutating func add(_ s: ScanReport) {
        rowsMatched += s.rowsMatched
        bytesRead += s.bytesRead
        rowGroupsTotal += s.rowGroupsTotal
        rowGroupsRead += s.rowGroupsRead
        pagesTotal += s.pagesTotal
        pagesRead += s.pagesRead
        for (k, v) in s.skippedBy { skippedBy[k, default: 0] += v }
        for (k, v) in s.rowGroupsSkippedBy { rowGroupsSkippedBy[k, default: 0] += v }
        pagesSkippedByZoneMap += s.pagesSkippedByZoneMap
        notMaterialized += s.lateMaterializationBytes
    }

    /// The `--explain --json` object: `sift cat`'s fields plus the table's stages.
    public var json: String {
        let indexes = PruneIndex.allCases.map { "\"\($0.rawValue)\":\(skippedBy[$0] ?? 0)" }.joined(separator: ",")
        return "{\"rows_matched\":\(rowsMatched),\"bytes_total\":\(bytesTotal),\"bytes_read\":\(bytesRead),"
            + "\"row_groups_total\":\(rowGroupsTotal),\"row_groups_read\":\(rowGroupsRead),"
            + "\"pages_total\":\(pagesTotal),\"pages_read\":\(pagesRead),"
            + "\"skipped_by\":{\"partition\":\(bytesSkippedByPartition),\"file_stats\":\(bytesSkippedByFileStats),\(indexes)},"
            + "\"row_groups_skipped_by\":{\"min_max\":\(rowGroupsSkippedBy[.minMax] ?? 0),\"bloom\":\(rowGroupsSkippedBy[.bloom] ?? 0)},"
            + "\"pages_skipped_by_zone_map\":\(pagesSkippedByZoneMap),"
            + "\"not_materialized\":\(notMaterialized),\"files_total\":\(filesTotal),\"files_read\":\(filesRead),"
            + "\"files_skipped_by\":{\"partition\":\(filesSkippedByPartition),\"file_stats\":\(filesSkippedByFileStats)},"
            + "\"snapshot_ms\":\(String(format: "%.3f", snapshotSeconds * 1000)),\"planning_ms\":\(String(format: "%.3f", planningSeconds * 1000))"
            + (runSeconds.isEmpty ? "" : ",\"run_ms\":[" + runSeconds.map { String(format: "%.3f", $0 * 1000) }.joined(separator: ",") + "]")
            + "}"
    }

    public var text: String {
        let percent = bytesTotal == 0 ? 0 : Double(bytesRead) * 100 / Double(bytesTotal)
        var out = "files: \(filesTotal) in the snapshot, \(filesSkippedByPartition) skipped by partition (\(bytesSkippedByPartition) bytes), "
        out += "\(filesSkippedByFileStats) by file statistics (\(bytesSkippedByFileStats) bytes), \(filesRead) opened\n"
        out += "rows matched: \(rowsMatched)\n"
        out += "row groups read: \(rowGroupsRead) of \(rowGroupsTotal) in opened files; pages read: \(pagesRead) of \(pagesTotal)\n"
        out += "bytes read: \(bytesRead) of \(bytesTotal) (\(String(format: "%.3f", percent))%)\n"
        out += "skipped by, in opened files: " + PruneIndex.allCases.map { "\($0.rawValue) \(skippedBy[$0] ?? 0) bytes" }.joined(separator: ", ") + "\n"
        out += "row groups skipped by min_max: \(rowGroupsSkippedBy[.minMax] ?? 0), by bloom: \(rowGroupsSkippedBy[.bloom] ?? 0); pages skipped by zone maps: \(pagesSkippedByZoneMap)\n"
        if !runSeconds.isEmpty {
            let sorted = runSeconds.sorted()
            out += "timed runs: \(runSeconds.count), median \(String(format: "%.2f", sorted[sorted.count / 2] * 1000)) ms\n"
        }
        out += "not materialised: \(notMaterialized) bytes; snapshot: \(String(format: "%.1f", snapshotSeconds * 1000)) ms, planning: \(String(format: "%.1f", planningSeconds * 1000)) ms\n"
        return out
    }
}
