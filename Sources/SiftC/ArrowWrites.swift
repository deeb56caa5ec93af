import CSiftABI
import SiftPlatform
import SiftArrow
import SiftFormat
import SiftIndex
import SiftTable

/// Writing Arrow streams into Sift: new files, new tables, and appends (`spec/arrow.md` §5).
enum ArrowWrites {
    /// Writer options from a JSON options object (the keys `sift.h` lists).
    static func writerOptions(_ object: [String: Any]) throws -> WriterOptions {
        var options = WriterOptions()
        if let name = object["compression"] {
            guard let name = name as? String, let codec = Codec(name: name) else {
                throw CArgumentError("compression must be zstd, lz4 or none, not '\(name)'")
            }
            options.compression = Compression(codec, level: options.compression.level)
        }
        if let level = object["zstd_level"] {
            guard let level = level as? Int else { throw CArgumentError("zstd_level must be an integer") }
            options.compression.level = Int32(clamping: level)
        }
        if let rows = object["row_group_rows"] {
            guard let rows = rows as? Int else { throw CArgumentError("row_group_rows must be an integer") }
            options.rowGroupRows = rows
        }
        if let rows = object["page_rows"] {
            guard let rows = rows as? Int else { throw CArgumentError("page_rows must be an integer") }
            options.pageRows = rows
        }
        if let bloom = object["bloom"] {
            if let word = bloom as? String, word == "none" { options.bloomFilterColumns = [] }
            else if let names = bloom as? [String] { options.bloomFilterColumns = Set(names) }
            else { throw CArgumentError("bloom must be an array of column names or \"none\"") }
        }
        return options
    }

    /// The idempotent writer of a "txn" option ("APP:VERSION"), if given.
    static func transaction(_ object: [String: Any]) throws -> WriterTransaction? {
        guard let text = object["txn"] else { return nil }
        guard let text = text as? String else { throw CArgumentError("txn must be a string APP:VERSION") }
        return try WriterTransaction(parsing: text)
    }

    /// Column types to store instead of the ones the Arrow schema implies ("types").
    static func typeOverrides(_ object: [String: Any]) throws -> [String: (ColumnType, ColumnHint)] {
        guard let raw = object["types"] else { return [:] }
        guard let map = raw as? [String: String] else { throw CArgumentError("types must map column names to type names") }
        var out: [String: (ColumnType, ColumnHint)] = [:]
        for (column, spec) in map {
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            guard let type = ColumnType(name: parts[0]) else {
                throw CArgumentError("types: '\(spec)' for column '\(column)' is not a Sift type (\(ColumnType.allCases.map(\.name).joined(separator: ", ")))")
            }
            var hint = ColumnHint.none
            if parts.count == 2 {
                guard let h = ColumnHint(name: parts[1]) else { throw CArgumentError("types: hint '\(parts[1])' for column '\(column)' is not domain or json") }
                hint = h
            }
            out[column] = (type, hint)
        }
        return out
    }

    /// The Sift schema for Arrow fields, with overrides.
    static func schema(_ fields: [ArrowField], overrides: [String: (ColumnType, ColumnHint)]) throws -> Schema {
        let unknown = Set(overrides.keys).subtracting(fields.map(\.name))
        guard unknown.isEmpty else { throw CArgumentError("types names columns the data lacks: \(unknown.sorted().joined(separator: ", "))") }
        return try Schema(try fields.map { try ArrowTypeMapping.field($0, override: overrides[$0.name]) })
    }

    /// Writes a stream to a new file; on any failure no file (and no temporary file) is left.
    static func writeFile(path: String, stream: UnsafeMutablePointer<ArrowArrayStream>, options object: [String: Any]) throws -> String {
        let input = try ArrowStreamImport(moving: stream)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CArgumentError("\(path) exists; Sift does not overwrite files (remove it first)")
        }
        let schema = try schema(input.fields, overrides: try typeOverrides(object))
        var options = try writerOptions(object)
        var clustering: Clustering?
        if let text = object["cluster"] {
            guard let text = text as? String else { throw CArgumentError("cluster must be a string like \"hilbert:src_ip,dst_ip\"") }
            clustering = try Clustering(parsing: text)
            options.keyValues.append(("sift.clustering", clustering!.footerDescription))
        }
        var rows = 0
        try SiftWriter.write(to: path, schema: schema, options: options) { writer in
            if let clustering {
                // A clustered file orders all its rows along the curve, so they are gathered first.
                var all = try RecordBatch(schema: schema, columns: schema.fields.map { ColumnVector.empty($0.type) })
                while let batch = try input.next(as: schema) {
                    for c in all.columns.indices { all.columns[c].append(contentsOf: batch.columns[c]) }
                }
                let order = try clustering.order(all)
                try writer.write(try RecordBatch(schema: schema, columns: all.columns.map { $0.gather(order) }))
                rows = all.rowCount
            } else {
                while let batch = try input.next(as: schema) {
                    try writer.write(batch)
                    rows += batch.rowCount
                }
            }
        }
        let size = Int((try? LocalFileSystem().status(path))??.size ?? 0)
        return try jsonText(["path": path, "rows": rows, "bytes": size])
    }

    /// Creates a table whose schema comes from an Arrow schema.
    static func createTable(path: String, schema arrowSchema: UnsafeMutablePointer<ArrowSchema>, options object: [String: Any]) throws {
        let fields = try ArrowImport.fields(arrowSchema)
        let schema = try schema(fields, overrides: try typeOverrides(object))
        let partitionBy = (object["partition_by"] as? [String]) ?? []
        if object["partition_by"] != nil, object["partition_by"] as? [String] == nil {
            throw CArgumentError("partition_by must be an array such as [\"date(ts)\"]")
        }
        var clusterBy: ClusteringSpec?
        if let text = object["cluster_by"] {
            guard let text = text as? String else { throw CArgumentError("cluster_by must be a string like \"hilbert:src_ip,dst_ip\"") }
            let clustering = try Clustering(parsing: text)
            clusterBy = ClusteringSpec(curve: clustering.curve, columns: clustering.columns)
        }
        var properties: [String: String] = [:]
        if let bloom = object["bloom"] {
            if let word = bloom as? String, word == "none" { properties[MetadataAction.bloomColumnsProperty] = "none" }
            else if let names = bloom as? [String] { properties[MetadataAction.bloomColumnsProperty] = names.joined(separator: ",") }
            else { throw CArgumentError("bloom must be an array of column names or \"none\"") }
        }
        _ = try Table.create(at: path, schema: schema, partitionBy: partitionBy, clusterBy: clusterBy, properties: properties)
    }

    /// Appends a stream to a table in one commit; a failure commits nothing.
    static func append(path: String, stream: UnsafeMutablePointer<ArrowArrayStream>, options object: [String: Any]) throws -> String {
        let input = try ArrowStreamImport(moving: stream)
        let table = try Table(root: path)
        let schema = try table.snapshot().schema
        _ = try ArrowImport.mapping(input.fields, to: schema)
        let txn = try transaction(object)
        let result = try table.append(txn: txn, options: try writerOptions(object)) { sink in
            while let batch = try input.next(as: schema) { try sink(batch) }
            return 0
        }
        return try jsonText(["version": result.version.map { JSONValue.int($0) } ?? .null, "files": result.files, "rows": result.rows,
                             "bytes": result.bytes, "already_applied": result.alreadyApplied])
    }

    /// Writes a stream as data files of a table without committing them (a task's share of a
    /// job); the result lists their add actions for ``commitFiles(path:files:options:)``.
    static func writeFiles(path: String, stream: UnsafeMutablePointer<ArrowArrayStream>, options object: [String: Any]) throws -> String {
        let input = try ArrowStreamImport(moving: stream)
        let table = try Table(root: path)
        let schema = try table.snapshot().schema
        _ = try ArrowImport.mapping(input.fields, to: schema)
        let adds = try table.writeFiles(options: try writerOptions(object)) { sink in
            while let batch = try input.next(as: schema) { try sink(batch) }
        }
        let files = try JSONValue.parse(Array(try JSONEncoder().encode(adds)))
        return try jsonText(["files": files, "rows": adds.reduce(0) { $0 + $1.rows }])
    }

    /// Commits files from ``writeFiles(path:stream:options:)`` in one commit.
    static func commitFiles(path: String, files json: String, options object: [String: Any]) throws -> String {
        let adds: [AddAction]
        do { adds = try JSONDecoder().decode([AddAction].self, from: Data(json.utf8)) } catch {
            throw CArgumentError("files must be the JSON array of add actions sift_table_write_files returned: \(error)")
        }
        let txn = try transaction(object)
        let mode = (object["mode"] as? String) ?? "append"
        guard mode == "append" || mode == "overwrite" else { throw CArgumentError("mode must be append or overwrite, not '\(mode)'") }
        let result = try Table(root: path).commitFiles(adds, txn: txn, overwrite: mode == "overwrite")
        return try jsonText(["version": result.version.map { JSONValue.int($0) } ?? .null, "files": result.files, "rows": result.rows,
                             "bytes": result.bytes, "already_applied": result.alreadyApplied])
    }
}
