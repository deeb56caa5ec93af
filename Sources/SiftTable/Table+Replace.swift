import SiftPlatform
import SiftFormat

extension Table {
    /// The actions of log entries `from...through`, in order (for readers that follow what a
    /// table gained, like an incremental parser).
    public func entries(from: Int64, through: Int64) throws -> [(version: Int64, actions: [Action])] {
        guard from <= through else { return [] }
        return try (from...through).map { v in
            guard let bytes = try store.readEntry(v) else {
                throw TableError(.missingLog, "log entry is missing", version: v, path: LogLayout.commitName(v))
            }
            return (v, try LogEntryCodec.decode(bytes, version: v))
        }
    }

    /// Every row of the data files at `paths` (files of this table, live or removed but not yet
    /// vacuumed), in the schema of `snapshot`.
    public func readRows(paths: [String], snapshot: Snapshot) throws -> RecordBatch {
        for path in paths { try TablePath.check(path, version: snapshot.version) }
        // The size the log records for each (live, or its tombstone's); -1 when neither says.
        let files = paths.map { path in
            snapshot.files[path] ?? TableFile(path: path, partitionValues: [:], size: snapshot.tombstones[path]?.size ?? -1, rows: 0, modificationTime: 0,
                                              dataChange: true, statistics: [], blooms: [], clustering: nil)
        }
        return try readRows(files, schema: snapshot.schema)
    }

    /// Replaces `files` of the snapshot `read` by the rows `produce` hands to its sink, in one
    /// commit: readers see the old files or the new ones, never both and never neither. With
    /// `txn`, the commit also records that writer's version (and so conflicts with a concurrent
    /// commit of the same writer).
    @discardableResult
    public func replace(_ files: [TableFile], read: Snapshot, operation: String, parameters: [String: String] = [:],
                        txn: WriterTransaction? = nil, options: WriterOptions = WriterOptions(),
                        _ produce: ((RecordBatch) throws -> Void) throws -> Void) throws -> Int64 {
        let writer = DataFileWriter(root: root, schema: read.schema, partitioning: read.partitioning, options: read.metadata.writerOptions(options), tableClustering: read.metadata.clusterBy,
                                    fileSystem: store.fileSystem)
        try produce { try writer.write($0) }
        let added = try writer.finish()
        let now = Self.nowMillis()
        var actions = files.map { Action.remove(RemoveAction(path: $0.path, deletionTime: now, dataChange: true, size: $0.size)) }
        actions += added.map { .add($0.addAction(schema: read.schema)) }
        actions += try writer.indexActions(read)
        if let txn { actions.append(.txn(TxnAction(appId: txn.appId, version: txn.version, lastUpdated: now))) }
        return try commit(PendingCommit(actions: actions, operation: operation, parameters: parameters,
                                        metrics: ["files_removed": Int64(files.count), "files_added": Int64(added.count),
                                                  "rows_added": added.reduce(0) { $0 + $1.rows }, "rows_removed": files.reduce(0) { $0 + $1.rows }]),
                          read: read)
    }
}

extension Table {
    /// The data files that added rows in versions `from...through` (adds with `data_change`),
    /// whether or not a later optimize has rewritten them since: their rows are the rows those
    /// versions added. A file a later commit of the range removed as a data change (replaced
    /// rows) is left out. Files stay readable until vacuum deletes them.
    public func addedFiles(from: Int64, through: Int64) throws -> [TableFile] {
        let schema = try snapshot(asOf: .version(through)).schema
        var added: [String: TableFile] = [:]
        var order: [String] = []
        for (version, actions) in try entries(from: from, through: through) {
            for action in actions {
                switch action {
                case .add(let a) where a.dataChange:
                    if added[a.path] == nil { order.append(a.path) }
                    added[a.path] = try TableFile(a, schema: schema, version: version)
                case .remove(let r) where r.dataChange:
                    added[r.path] = nil
                default: break
                }
            }
        }
        return order.compactMap { added[$0] }
    }
}
