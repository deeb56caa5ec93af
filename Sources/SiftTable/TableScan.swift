import SiftPlatform
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
///                          predicate: try RowPredicate.parse("src_ip = 10.1.2.3"), columns: ["ts", "dst_ip"])
/// let ledger = try scan.run { batch in print(batch.rowCount); return true }
/// ```
public struct TableScan: Sendable {
    /// The table scanned.
    public let table: Table
    /// The version scanned.
    public let snapshot: Snapshot
    /// The predicate; nil for every row.
    public let predicate: RowPredicate?
    /// Projected table columns, in output order.
    public let columns: [Int]
    /// Selects rows instead of the predicate's row filter (the predicate still prunes): given a
    /// lookup of the predicate's columns by name for a run of rows, and its length, the selected
    /// row offsets, ascending (see `Scanner.rowSelector`).
    /// Called from several threads at once (one per file being scanned).
    public var rowSelector: (@Sendable (_ column: (String) -> ColumnVector?, _ count: Int) -> [Int])?
    /// Files scanned at once (1: one after another on the calling thread).
    public var workers = OrderedParallel.defaultWorkers
    /// Whether the table index (`spec/table.md` §11) may rule files out; false plans as if the
    /// table had none (to measure what it saves).
    public var useTableIndex = true
    /// Scans exactly these units (files and row groups from ``planUnits()``, e.g. one engine
    /// task's share) instead of planning; nil scans the whole snapshot.
    public var units: [ScanUnit]?
    let bound: BoundPredicate?

    /// A scan of `snapshot` for the rows `predicate` accepts, returning `columns` (all when nil).
    /// - Throws: `BindError` when the predicate does not fit the schema; `TableError.invalidArgument` for an unknown column.
    public init(table: Table, snapshot: Snapshot, predicate: RowPredicate?, columns: [String]? = nil) throws {
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

    /// The columns the scan returns, in order.
    public var outputSchema: Schema { get throws { try Schema(columns.map { snapshot.schema.fields[$0] }) } }

    /// The files that partition values and log statistics cannot rule out, in path order,
    /// and a ledger with the files each index skipped (from the log: no file is opened).
    ///
    /// Built for tables of 100,000 files: files are planned by position in the snapshot's
    /// sorted list, against arrays the snapshot keeps (``PlanningAids``: partition groups,
    /// index slots, bounds of the predicate's columns), with one piece of evidence per rule
    /// pointed at each file in turn; only the files kept are copied out.
    public func plan() -> (files: [TableFile], ledger: SkipLedger) {
        var ledger = SkipLedger()
        let live = snapshot.live
        let aids = snapshot.planningAids
        ledger.filesTotal = live.count
        ledger.bytesTotal = UInt64(snapshot.byteCount)
        guard let bound else { return (snapshot.sortedFiles, ledger) }
        let (fields, partitioning) = (snapshot.schema.fields, snapshot.partitioning)
        let groups = aids.partitionGroups(snapshot)
        // The bounds of the columns the predicate reads, by column; other columns answer nil.
        let columnBounds: [[ColumnBounds]?] = (0..<fields.count).map { bound.columns.contains($0) ? aids.bounds(snapshot, column: $0) : nil }
        // Partition values bound only the columns partitions derive from: a predicate on none
        // of them is never decided by partition (a cached decision per file saved, 100,000 times).
        let partitionDecides = partitioning.columns.contains { bound.columns.contains($0.column) }
        let reads = SegmentReads(snapshot: snapshot, root: table.root, fileSystem: table.store.fileSystem)
        // Pairs are asked of every file only where some segment holds pairs (§11.1).
        let pairsIndexed = !snapshot.indexPairs.isEmpty

        /// Plans the files at positions `range` with a probe and evidence of its own.
        @Sendable func planPart(_ range: Range<Int>) -> (kept: [Int], ledger: SkipLedger) {
            var ledger = SkipLedger()
            let index = TableIndexProbe(snapshot: snapshot, reads: reads)
            let cursor = FileCursor()
            let statistics: (Int) -> ColumnBounds? = { c in columnBounds[c]?[cursor.file] }
            let partitionEvidence = Evidence.bounds { c in
                // Row counts do not matter here: partition values hold for every row.
                partitioning.impliedStatistics(column: c, values: groups.values[Int(groups.groupOfFile[cursor.file])], type: fields[c].type, rows: 1)
                    .map { ColumnBounds($0, rows: 1, type: fields[c].type) }
            }
            let statsEvidence = Evidence.bounds(statistics)
            // Membership, with the file's statistics so a disjunction ruled out half by each is
            // still ruled out.
            let indexEvidence = Evidence(bounds: statistics, membership: { c, key in index.mayHold(file: cursor.file, column: c, key: key) },
                                         pairMembership: pairsIndexed ? { ca, a, cb, b in index.mayHoldPair(file: cursor.file, ca, a, cb, b) } : nil)
            let kept = Planner(predicate: bound).planFiles(Array(range), bytes: { UInt64(live.size(at: $0)) }, ledger: &ledger,
                                                           shared: { i, kind in kind == .partition && partitionDecides ? groups.groupOfFile[i] : nil }) { i, kind in
                cursor.file = i
                switch kind {
                case .partition: return partitionDecides ? partitionEvidence : nil
                case .fileStats: return statsEvidence
                case .tableIndex: return useTableIndex && index.covers(i) ? indexEvidence : nil
                default: return nil
                }
            }
            return (kept, ledger)
        }

        // A table of many files is planned in parts on the free cores (the parts share the
        // segment blocks they read); the files kept come out in path order all the same.
        let parts = live.count >= 2 * Self.filesPerPlanningPart ? min(Cores.available, live.count / Self.filesPerPlanningPart) : 1
        var kept: [Int] = []
        if parts == 1 {
            let part = planPart(0..<live.count)
            kept = part.kept
            ledger.merge(part.ledger)
        } else {
            let results = ParallelResults<(kept: [Int], ledger: SkipLedger)>(count: parts)
            SharedParallel.forEach(parts) { p in results[p] = planPart(live.count * p / parts..<live.count * (p + 1) / parts) }
            for p in 0..<parts {
                kept += results[p]!.kept
                ledger.merge(results[p]!.ledger)
            }
        }
        ledger.countRead(reads.bytesRead, as: .tableIndex)
        return (kept.map(live.file(at:)), ledger)
    }

    /// Below twice this many files a plan runs on the calling thread alone.
    static let filesPerPlanningPart = 20_000

    /// Calls `body` with each batch of matching rows (projected columns, in table order of
    /// files by path, then row order within each file), until it returns false.
    ///
    /// Files (or, when fewer files than `workers` are left, the row groups of each) are scanned
    /// by up to `workers` threads at once (`OrderedParallel`): batches still reach `body` on the
    /// calling thread in the order above, memory stays bounded (each task buffers at most
    /// `Scanner.rowsAheadPerTask` rows ahead of `body`), and returning false stops every scan in
    /// flight.
    @discardableResult
    public func run(_ body: (RecordBatch) throws -> Bool) throws -> SkipLedger {
        let started = Date()
        // Units were planned already (by planUnits, maybe in another process): no log pruning.
        let (files, planned) = try units.map(unitFiles) ?? plan()
        var ledger = planned
        let rowGroupsOf: [Set<Int>?] = units?.map { Set($0.rowGroups) } ?? Array(repeating: nil, count: files.count)
        ledger.planningSeconds = Date().timeIntervalSince(started)
        let (table, schema, columns, predicate, rowSelector) = (self.table, snapshot.schema, self.columns, self.predicate, self.rowSelector)
        let output = try outputSchema
        // Parallel across files when there are enough of them, else across the row groups of
        // each file: never both, so no more than `workers` threads decode at once.
        let fileWorkers = files.count >= workers ? workers : 1
        let rowGroupWorkers = fileWorkers == 1 ? workers : 1
        let scans = try OrderedParallel.run(count: files.count, workers: fileWorkers, bufferLimit: Scanner.rowsAheadPerTask,
                                            weight: { $0.rowCount }, task: { (i: Int, emit: (RecordBatch) -> Bool) -> SkipLedger in
            let reader = try table.openDataFile(files[i], schema: schema)
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
        for (i, scan) in scans.enumerated() {
            guard let scan else {
                // Stopped before this file was opened (the consumer had enough).
                ledger.unread.files += 1
                ledger.unread.bytes += UInt64(files[i].size)
                continue
            }
            ledger.mergeOpenedFile(scan)
        }
        return ledger
    }
}
