import SiftPlatform
import SiftFormat
import SiftIndex
import SiftTable

/// What a hunt searched.
public struct HuntReport: Sendable {
    /// Totalled over the tables searched.
    public var total = SkipLedger()
    public var perTable: [(RefinedKind, SkipLedger)] = []
    /// Tables left out because they lack a column the predicate names.
    public var skippedTables: [(RefinedKind, String)] = []
}

extension Warehouse {
    /// The columns a hunt prints by default: those every refined table has.
    public static let huntColumns = ["time", "event_type", "src_ip", "src_port", "dst_ip", "dst_port", "proto", "domain"]

    /// Searches the refined tables (all, or `tables`) for events matching `predicate`, since a
    /// date or time if given, calling `body` with each table's matching batches (projected to
    /// `columns` that table has) until it returns false.
    public func hunt(_ predicate: RowPredicate, since: String? = nil, tables: [RefinedKind]? = nil, columns: [String] = Warehouse.huntColumns,
                     _ body: (RefinedKind, RecordBatch) throws -> Bool) throws -> HuntReport {
        var full = predicate
        if let since { full = .and([predicate, .compare(column: "time", .greaterOrEqual, .string(since))]) }
        var report = HuntReport()
        var stopped = false
        for (kind, table) in existingRefined() where tables?.contains(kind) ?? true {
            guard !stopped else { break }
            let started = Date()
            let snapshot = try table.snapshot()
            let names = Set(snapshot.schema.fields.map(\.name))
            if let missing = full.columns.sorted().first(where: { !names.contains($0) }) {
                report.skippedTables.append((kind, "no column '\(missing)'"))
                continue
            }
            let loaded = Date().timeIntervalSince(started)
            let scan = try TableScan(table: table, snapshot: snapshot, predicate: full, columns: columns.filter(names.contains))
            var tableReport = try scan.run { batch in
                if try !body(kind, batch) { stopped = true }
                return !stopped
            }
            tableReport.snapshotSeconds = loaded
            report.total.merge(tableReport)
            report.perTable.append((kind, tableReport))
        }
        return report
    }
}

extension Warehouse {
    /// Optimizes every refined table (compaction and clustering by its columns, per partition).
    public func optimize(targetFileBytes: Int64 = 256 << 20, full: Bool = false) throws -> [(RefinedKind, OptimizeResult)] {
        try existingRefined().map { kind, table in (kind, try table.optimize(targetFileBytes: targetFileBytes, full: full)) }
    }
}
