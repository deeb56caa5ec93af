import SiftPlatform
import SiftFormat
import SiftIndex
import SiftScan

/// One piece of a planned table scan: a data file and the row groups of it that pruning could
/// not rule out. An engine makes one task per unit (or splits a unit's row groups further), and
/// each task scans its unit with ``TableScan/units``.
public struct ScanUnit: Sendable, Codable, Equatable {
    /// The data file, relative to the table folder (as the log names it).
    public var path: String
    /// Row groups to read, ascending.
    public var rowGroups: [Int]
    /// Bytes of the query's columns in those row groups: what a task reads at most.
    public var bytes: UInt64
    /// Rows in those row groups: an upper bound of the rows the unit yields.
    public var rows: Int64

    /// A unit from its parts (a plan read back from JSON, say).
    public init(path: String, rowGroups: [Int], bytes: UInt64, rows: Int64) {
        self.path = path
        self.rowGroups = rowGroups
        self.bytes = bytes
        self.rows = rows
    }

    /// The unit of a file whose row groups `kept` planning left (nil when none is left):
    /// `bytes` counts the `needed` columns' chunks in them.
    public init?(path: String, kept: [Int], metadata: FileMetadata, needed: Set<Int>) {
        guard !kept.isEmpty else { return nil }
        let groups = metadata.rowGroups
        self.init(path: path, rowGroups: kept,
                  bytes: kept.reduce(0) { total, g in total + needed.reduce(0) { $0 + groups[g].columns[$1].length } },
                  rows: kept.reduce(0) { $0 + Int64(groups[$1].rowCount) })
    }

    enum CodingKeys: String, CodingKey {
        case path
        case rowGroups = "row_groups"
        case bytes, rows
    }
}

extension TableScan {
    /// Plans the scan down to row groups without reading a data page: partitions and file
    /// statistics rule out files from the log; each file left is opened for its footer, and its
    /// row groups are ruled out by statistics, bloom filters and page zone maps. Returns a unit
    /// per file with row groups left (in path order), and a ledger of what planning read and
    /// skipped (`rows_matched` is 0: nothing was scanned).
    public func planUnits() throws -> (units: [ScanUnit], ledger: SkipLedger) {
        let started = Date()
        var (kept, ledger) = plan()
        let (table, schema, columns, predicate, files) = (self.table, snapshot.schema, self.columns, self.predicate, kept)
        let planned = try OrderedParallel.run(count: files.count, workers: min(workers, max(files.count, 1)), task: { (i: Int, _: (Bool) -> Bool) -> (ScanUnit?, SkipLedger) in
            let reader = try table.openDataFile(files[i], schema: schema)
            let (filePredicate, present) = try Self.bind(predicate: predicate, columns: columns, tableSchema: schema, fileSchema: reader.schema)
            let scanner = Scanner(reader: reader, predicate: filePredicate, columns: present)
            let (plans, fileLedger) = try scanner.plan()
            let kept = plans.filter { $0.skippedBy == nil }.map(\.index)
            return (ScanUnit(path: files[i].path, kept: kept, metadata: reader.metadata, needed: scanner.neededColumns), fileLedger)
        }, consume: { (_: Bool) in true })
        var units: [ScanUnit] = []
        for result in planned {
            guard let (unit, fileLedger) = result else { continue }
            ledger.mergeOpenedFile(fileLedger)
            if let unit { units.append(unit) }
        }
        ledger.planningSeconds = Date().timeIntervalSince(started)
        return (units, ledger)
    }

    /// The snapshot's files that `units` name, in the units' order, and a ledger whose totals
    /// cover just those files. A unit naming a file the snapshot does not hold is an error (a
    /// plan from another version, or a forged path): nothing outside the snapshot is opened.
    func unitFiles(_ units: [ScanUnit]) throws -> (files: [TableFile], ledger: SkipLedger) {
        var ledger = SkipLedger()
        let files = try units.map { unit in
            guard let file = snapshot.files[unit.path] else {
                throw TableError(.invalidArgument, "scan unit names '\(unit.path)', which is not a live file of version \(snapshot.version)")
            }
            return file
        }
        ledger.filesTotal = files.count
        ledger.bytesTotal = UInt64(files.reduce(0) { $0 + $1.size })
        return (files, ledger)
    }

    /// The table predicate bound to one file's schema (columns the file predates read as
    /// absent), and the projected columns' indices in that file.
    static func bind(predicate: RowPredicate?, columns: [Int], tableSchema: Schema, fileSchema: Schema) throws -> (BoundPredicate?, [Int]) {
        var absent: [String: ColumnType] = [:]
        for f in tableSchema.fields where fileSchema.index(of: f.name) == nil { absent[f.name] = f.type }
        let bound = try predicate.map { try $0.bind(to: fileSchema, absentColumns: absent) }
        let present = columns.compactMap { fileSchema.index(of: tableSchema.fields[$0].name) }
        return (bound, present)
    }
}

extension TableScan {
    /// Checks that ``units`` name live files of the snapshot (so a bad plan fails when the scan
    /// is set up, not when it is first read).
    public func unitFilesChecked() throws -> [TableFile] {
        guard let units else { return snapshot.sortedFiles }
        return try unitFiles(units).files
    }
}
