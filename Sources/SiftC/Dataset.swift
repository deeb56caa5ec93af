import SiftPlatform
import SiftFormat
import SiftIndex
import SiftScan
import SiftTable

/// What a `sift_dataset` handle holds: one Sift file, or a table pinned at one snapshot.
final class Dataset: Sendable {
    enum Source: Sendable {
        case file(path: String, reader: SiftReader)
        case table(Table, Snapshot)
    }

    let source: Source

    init(path: String, asOf: String?) throws {
        guard let kind = LocalFileSystem().kindFollowingLinks(path) else {
            throw TableError(.notATable, "no such file or table folder", path: path)
        }
        if kind == .folder {
            let table = try Table(root: path)
            source = .table(table, try table.snapshot(asOf: try asOf.map(TimeTravel.init(parsing:))))
        } else {
            guard asOf == nil else { throw CArgumentError("as_of applies to tables; \(path) is a single file") }
            source = .file(path: path, reader: try SiftReader(path: path))
        }
    }

    var schema: Schema {
        switch source {
        case .file(_, let reader): reader.schema
        case .table(_, let snapshot): snapshot.schema
        }
    }

    /// The columns of a projection by name, checked against the schema (nil: all).
    func projection(_ names: [String]?) throws -> [String] {
        let all = schema.fields.map(\.name)
        guard let names else { return all }
        for name in names where schema.index(of: name) == nil {
            throw CArgumentError("no column '\(name)'; the columns are: \(all.joined(separator: ", "))")
        }
        return names
    }

    func outputSchema(_ names: [String]?) throws -> Schema {
        try Schema(try projection(names).map { schema.fields[schema.index(of: $0)!] })
    }

    func describe() throws -> String {
        var object: [String: Any] = ["schema": Self.fieldObjects(schema.fields)]
        switch source {
        case .file(let path, let reader):
            object["kind"] = "file"
            object["path"] = path
            object["rows"] = reader.metadata.rowCount
            object["bytes"] = reader.source.size
            object["row_groups"] = reader.metadata.rowGroups.count
            object["version"] = JSONValue.null
        case .table(let table, let snapshot):
            object["kind"] = "table"
            object["path"] = table.root
            object["version"] = snapshot.version
            object["timestamp_ms"] = snapshot.timestamp
            object["rows"] = snapshot.rowCount
            object["bytes"] = snapshot.byteCount
            object["files"] = snapshot.fileCount
            object["partition_by"] = snapshot.metadata.partitionBy
            object["cluster_by"] = snapshot.metadata.clusterBy.map { JSONValue.string($0.description) } ?? .null
        }
        return try jsonText(object)
    }

    /// Fields as the JSON of `describe` and `plan` show them.
    static func fieldObjects(_ fields: [Field]) -> [[String: Any]] {
        fields.map { f in
            ["name": f.name, "type": f.type.name, "nullable": f.nullable, "hint": f.hint == .none ? JSONValue.null : .string(f.hint.name)]
        }
    }

    func history() throws -> String {
        guard case .table(let table, let snapshot) = source else { throw CArgumentError("a single file has no history; open a table folder") }
        let entries = try table.history().filter { $0.version <= snapshot.version }.map { entry -> [String: Any] in
            var object: [String: Any] = ["version": entry.version]
            if let info = entry.info {
                object["timestamp_ms"] = info.timestamp
                object["operation"] = info.operation
                object["parameters"] = info.parameters
                object["metrics"] = info.metrics
            }
            return object
        }
        return try jsonText(entries)
    }

    /// Units of work a scan of `predicate` leaves, the scan's output schema and the report of
    /// planning.
    func plan(predicate: RowPredicate?, columns: [String]?) throws -> String {
        let units: [ScanUnit]
        let report: String
        var version: Any = JSONValue.null
        switch source {
        case .file(let path, let reader):
            let scanner = try fileScanner(reader, predicate: predicate, columns: columns, threads: 0, rowGroups: nil)
            let (plans, planReport) = try scanner.plan()
            let kept = plans.filter { $0.skippedBy == nil }.map(\.index)
            units = ScanUnit(path: path, kept: kept, metadata: reader.metadata, needed: scanner.neededColumns).map { [$0] } ?? []
            report = try planReport.jsonText()
        case .table(let table, let snapshot):
            let scan = try TableScan(table: table, snapshot: snapshot, predicate: predicate, columns: try projection(columns))
            let (planned, planReport) = try scan.planUnits()
            units = planned
            report = try planReport.jsonText()
            version = snapshot.version
        }
        let unitObjects = units.map { ["path": $0.path, "row_groups": $0.rowGroups, "bytes": $0.bytes, "rows": $0.rows] as [String: Any] }
        let reportObject = try JSONValue.parse(Array(report.utf8))
        return try jsonText(["version": version, "schema": Self.fieldObjects(try outputSchema(columns).fields), "units": unitObjects,
                             "report": reportObject])
    }

    /// A pull-style scan: its output schema and a puller whose summary is the explain report
    /// (JSON) once the scan has run to its end.
    func scan(predicate: RowPredicate?, columns: [String]?, units: [ScanUnit]?, threads: Int) throws -> (Schema, BatchPuller<RecordBatch, String>) {
        let output = try outputSchema(columns)
        switch source {
        case .file(let path, let reader):
            var rowGroups: Set<Int>?
            if let units {
                for unit in units where unit.path != path {
                    throw CArgumentError("scan unit names '\(unit.path)'; this dataset is the file \(path)")
                }
                rowGroups = Set(units.flatMap(\.rowGroups))
                for g in rowGroups! where !(0..<reader.metadata.rowGroups.count).contains(g) {
                    throw CArgumentError("scan unit names row group \(g); \(path) has \(reader.metadata.rowGroups.count)")
                }
            }
            let scanner = try fileScanner(reader, predicate: predicate, columns: columns, threads: threads, rowGroups: rowGroups)
            return (output, BatchPuller { sink in try scanner.scan(sink).jsonText() })
        case .table(let table, let snapshot):
            var scan = try TableScan(table: table, snapshot: snapshot, predicate: predicate, columns: try projection(columns))
            if threads > 0 { scan.workers = threads }
            scan.units = units
            if units != nil { _ = try scan.unitFilesChecked() }
            let ready = scan
            return (output, BatchPuller { sink in try ready.run(sink).jsonText() })
        }
    }

    private func fileScanner(_ reader: SiftReader, predicate: RowPredicate?, columns: [String]?, threads: Int, rowGroups: Set<Int>?) throws -> SiftScan.Scanner {
        let indices = try projection(columns).map { reader.schema.index(of: $0)! }
        var scanner = SiftScan.Scanner(reader: reader, predicate: try predicate.map { try $0.bind(to: reader.schema) }, columns: indices)
        if threads > 0 { scanner.workers = threads }
        scanner.rowGroups = rowGroups
        return scanner
    }
}
