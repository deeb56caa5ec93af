import SiftPlatform
import SiftFormat
import SiftIndex

/// What optimize did.
public struct OptimizeResult: Sendable {
    /// The version optimize committed; nil when nothing needed rewriting.
    public var version: Int64?
    /// Partitions whose files were rewritten.
    public var partitionsRewritten: Int
    /// Files replaced.
    public var filesRemoved: Int
    /// Files written.
    public var filesAdded: Int
    /// Bytes of the files replaced.
    public var bytesRemoved: Int64
    /// Bytes of the files written.
    public var bytesAdded: Int64
}

extension Table {
    /// Compacts small files toward `targetFileBytes` and orders rows along a curve, partition by
    /// partition (so a date partition still prunes a time window after clustering), in one
    /// commit that removes the old files and adds the new ones.
    ///
    /// Incremental unless `full`: in each partition only files that are small (under half the
    /// target) or not clustered as asked are rewritten, and a partition with a single such file
    /// that is already clustered is left alone.
    public func optimize(clustering requested: ClusteringSpec? = nil, targetFileBytes: Int64 = 256 << 20, full: Bool = false,
                         options: WriterOptions = WriterOptions(), progress: ((Int, Int) -> Void)? = nil) throws -> OptimizeResult {
        let read = try snapshot()
        let spec = requested ?? read.metadata.clusterBy
        if let spec { try Self.validate(spec, schema: read.schema) }
        var byPartition: [String: [TableFile]] = [:]
        for file in read.sortedFiles { byPartition[Self.partitionKey(file.partitionValues, read.partitioning), default: []].append(file) }

        var plans: [(values: [String: String?], files: [TableFile])] = []
        for key in byPartition.keys.sorted() {
            let files = byPartition[key]!
            let candidates = full ? files : files.filter { $0.size < targetFileBytes / 2 || $0.clustering != spec }
            let done = candidates.count == 1 && candidates[0].clustering == spec
            if candidates.isEmpty || (done && !full) { continue }
            plans.append((files[0].partitionValues, candidates))
        }
        var result = OptimizeResult(version: nil, partitionsRewritten: 0, filesRemoved: 0, filesAdded: 0, bytesRemoved: 0, bytesAdded: 0)
        guard !plans.isEmpty else { return result }

        var actions: [Action] = []
        // One index segment for every file optimize writes, whatever its partition.
        var indexFiles: [(path: String, keys: [UInt32])] = []
        var indexColumns: [String: UInt8] = [:]
        var indexPairs: [[String]] = []
        let now = Self.nowMillis()
        for (i, plan) in plans.enumerated() {
            progress?(i, plans.count)
            var batch = try readRows(plan.files, schema: read.schema)
            if let spec {
                let clustering = spec.clustering
                let order = try clustering.order(batch)
                batch = try RecordBatch(schema: read.schema, columns: batch.columns.map { $0.gather(order) })
            }
            let bytes = plan.files.reduce(0) { $0 + $1.size }
            let rowsPerFile = max(1, Int(Double(batch.rowCount) * Double(targetFileBytes) / Double(max(1, bytes))))
            let writer = DataFileWriter(root: root, schema: read.schema, partitioning: read.partitioning, options: read.metadata.writerOptions(options),
                                        clustering: spec, tableClustering: read.metadata.clusterBy, maxRowsPerFile: rowsPerFile, fileSystem: store.fileSystem)
            try writer.write(batch)
            var added = try writer.finish()
            for k in added.indices { added[k].dataChange = false }
            actions += plan.files.map { .remove(RemoveAction(path: $0.path, deletionTime: now, dataChange: false, size: $0.size)) }
            actions += added.map { .add($0.addAction(schema: read.schema)) }
            let (keys, columns) = writer.indexKeys
            indexFiles += keys
            indexColumns.merge(columns) { a, _ in a }
            indexPairs = IndexSegment.union(ofPairs: [indexPairs, writer.pairNames])
            result.partitionsRewritten += 1
            result.filesRemoved += plan.files.count
            result.filesAdded += added.count
            result.bytesRemoved += bytes
            result.bytesAdded += added.reduce(0) { $0 + $1.size }
        }
        progress?(plans.count, plans.count)
        if read.protocolVersion.readerVersion >= 2, !indexFiles.isEmpty, !indexColumns.isEmpty {
            actions.append(.index(try IndexSegment.write(indexFiles, columns: indexColumns, pairs: indexPairs, root: root, fileSystem: store.fileSystem)))
        }
        var parameters = ["full": String(full), "target_file_bytes": String(targetFileBytes)]
        if let spec { parameters["clustering"] = spec.description }
        result.version = try commit(PendingCommit(actions: actions, operation: "optimize", parameters: parameters,
                                                  metrics: ["files_removed": Int64(result.filesRemoved), "files_added": Int64(result.filesAdded),
                                                            "bytes_removed": result.bytesRemoved, "bytes_added": result.bytesAdded]), read: read)
        return result
    }

    static func partitionKey(_ values: [String: String?], _ partitioning: Partitioning) -> String {
        partitioning.columns.map { "\($0.name)=\(Partitioning.escape(values[$0.name] ?? nil))" }.joined(separator: "/")
    }

    /// Every row of `files`, in the table's schema (columns a file lacks read as null).
    func readRows(_ files: [TableFile], schema: Schema) throws -> RecordBatch {
        var columns = schema.fields.map { ColumnVector.empty($0.type) }
        for file in files {
            let reader = try openDataFile(file, schema: schema)
            for batch in try reader.readBatches() {
                for (c, field) in schema.fields.enumerated() {
                    if let i = reader.schema.index(of: field.name) { columns[c].append(contentsOf: batch.columns[i]) }
                    else { columns[c].append(contentsOf: .nulls(field.type, count: batch.rowCount)) }
                }
            }
        }
        return try RecordBatch(schema: schema, columns: columns)
    }

    /// Opens a live data file of `snapshot`, refusing paths that leave the table folder, and
    /// checks it is the file its `add` describes (`spec/table.md` §4.3): the same size (unless
    /// `file.size` is negative: a path whose size the log does not give), and
    /// columns the table has, of the same types, never nullable where the table's is not.
    /// A file replaced or damaged behind the log's back is `missing_data`, never rows of the
    /// wrong type.
    func openDataFile(_ file: TableFile, schema: Schema) throws -> SiftReader {
        let absolute = try TablePath.resolve(file.path, root: root, version: nil, fileSystem: store.fileSystem)
        let reader: SiftReader
        do { reader = try SiftReader(path: absolute, fileSystem: store.fileSystem) } catch {
            if error.code == .io { throw TableError(.missingData, "data file is missing or unreadable (vacuumed too early?): \(error)", path: file.path) }
            throw error
        }
        guard file.size < 0 || reader.source.size == UInt64(file.size) else {
            throw TableError(.missingData, "the file has \(reader.source.size) bytes; its add action says \(file.size) (replaced or damaged)", path: file.path)
        }
        for field in reader.schema.fields {
            guard let i = schema.index(of: field.name) else {
                throw TableError(.missingData, "the file has a column '\(field.name)' the table does not have", path: file.path)
            }
            let expected = schema.fields[i]
            guard field.type == expected.type, !field.nullable || expected.nullable else {
                throw TableError(.missingData, "the file's column '\(field.name)' is \(field.nullable ? "nullable " : "")\(field.type); the table's is \(expected.nullable ? "nullable " : "")\(expected.type)", path: file.path)
            }
        }
        return reader
    }
}
