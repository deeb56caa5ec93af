import SiftPlatform
import SiftFormat

/// Writes in two phases, for engines whose tasks write and whose driver commits (Spark): each
/// task calls ``Table/writeFiles(options:_:)``, which writes data files of the table but
/// commits nothing, and hands the files' add actions to the driver; the driver calls
/// ``Table/commitFiles(_:txn:overwrite:)`` once with every task's files, so the job lands in
/// one atomic commit or not at all. Files of a job that never commits stay unreferenced until
/// vacuum removes them (`spec/table.md` §8).
extension Table {
    /// Writes the rows `produce` hands to its sink as new data files of the table (its latest
    /// schema, partitioning and bloom settings), without committing them. Returns their add
    /// actions, as the log would record them.
    public func writeFiles(options: WriterOptions = WriterOptions(), _ produce: ((RecordBatch) throws -> Void) throws -> Void) throws -> [AddAction] {
        let read = try snapshot()
        let writer = DataFileWriter(root: root, schema: read.schema, partitioning: read.partitioning, options: read.metadata.writerOptions(options), tableClustering: read.metadata.clusterBy,
                                    fileSystem: store.fileSystem)
        try produce { batch in try writer.write(batch) }
        return try writer.finish().map { $0.addAction(schema: read.schema) }
    }

    /// Commits files written by ``writeFiles(options:_:)`` (possibly by other processes) in one
    /// commit: added to the table, or, with `overwrite`, replacing every file live at commit
    /// time. Each file is checked first: its path stays inside the table folder (no `..`, no
    /// absolute path, no symbolic link), it exists with the size its action states, it is not
    /// live already, and its partition values name the table's partition columns. With `txn`,
    /// a version that writer already committed commits nothing (`alreadyApplied`).
    public func commitFiles(_ adds: [AddAction], txn: WriterTransaction? = nil, overwrite: Bool = false) throws -> AppendResult {
        let read = try snapshot()
        if let txn, let done = read.txns[txn.appId], done.version >= txn.version {
            return AppendResult(version: nil, files: 0, rows: 0, bytes: 0, rejected: 0, alreadyApplied: true)
        }
        let partitionNames = Set(read.partitioning.columns.map(\.name))
        var seen = Set<String>()
        for add in adds {
            let location: String
            do {
                try TablePath.check(add.path, version: read.version + 1)
                location = try TablePath.resolve(add.path, root: root, version: nil, fileSystem: store.fileSystem)
            } catch let error as TableError {
                // A caller's argument, not a damaged log.
                throw TableError(.invalidArgument, error.message)
            }
            guard seen.insert(add.path).inserted else { throw TableError(.invalidArgument, "the commit names '\(add.path)' twice") }
            guard read.files[add.path] == nil else { throw TableError(.invalidArgument, "'\(add.path)' is already part of the table") }
            let size = ((try? store.fileSystem.status(location)) ?? nil).map { Int64($0.size) }
            guard let size, size == add.size else {
                throw TableError(.missingData, size == nil ? "the file to commit does not exist" : "the file has \(size!) bytes; its add action says \(add.size)", path: add.path)
            }
            guard Set(add.partitionValues.keys) == partitionNames else {
                throw TableError(.invalidArgument, "partition values name \(add.partitionValues.keys.sorted()); the table's partition columns are \(partitionNames.sorted())", path: add.path)
            }
        }
        guard !adds.isEmpty || txn != nil || overwrite else {
            return AppendResult(version: nil, files: 0, rows: 0, bytes: 0, rejected: 0, alreadyApplied: false)
        }
        let now = Self.nowMillis()
        var actions: [Action] = []
        let removed = overwrite ? read.sortedFiles : []
        actions += removed.map { .remove(RemoveAction(path: $0.path, deletionTime: now, dataChange: true, size: $0.size)) }
        actions += adds.map { .add($0) }
        actions += try indexActions(for: adds, read: read)
        if let txn { actions.append(.txn(TxnAction(appId: txn.appId, version: txn.version, lastUpdated: now))) }
        let rows = adds.reduce(0) { $0 + $1.rows }, bytes = adds.reduce(0) { $0 + $1.size }
        var parameters: [String: String] = ["mode": overwrite ? "overwrite" : "append"]
        if let txn { parameters["txn"] = "\(txn.appId):\(txn.version)" }
        let version = try commit(PendingCommit(actions: actions, operation: overwrite ? "overwrite" : "append", parameters: parameters,
                                               metrics: ["files_added": Int64(adds.count), "rows_added": rows, "bytes_added": bytes,
                                                         "files_removed": Int64(removed.count)]), read: read)
        return AppendResult(version: version, files: adds.count, rows: rows, bytes: bytes, rejected: 0, alreadyApplied: false)
    }

    /// An index segment (`spec/table.md` §11) for files other processes wrote, so a staged
    /// commit's files are skipped before they are opened like an append's: the driver reads
    /// each file's bloom-filtered columns once. None for version 1 tables.
    func indexActions(for adds: [AddAction], read: Snapshot) throws -> [Action] {
        guard read.protocolVersion.readerVersion >= 2, !adds.isEmpty else { return [] }
        var columns: [String: UInt8] = [:]
        for add in adds {
            for name in add.blooms {
                guard let i = read.schema.index(of: name) else { continue }
                columns[name] = BloomKeys.contents(for: read.schema.fields[i]).rawValue
            }
        }
        guard !columns.isEmpty else { return [] }
        let pairs = IndexSegment.pairs(clustering: read.metadata.clusterBy, indexed: Set(columns.keys))
        var files: [(path: String, keys: [UInt32])] = []
        for add in adds.sorted(by: { $0.path < $1.path }) {
            let file = try TableFile(add, schema: read.schema, version: read.version + 1)
            let keys = try IndexSegment.fingerprints(of: try openDataFile(file, schema: read.schema), columns: columns.keys, pairs: pairs)
            files.append((add.path, keys.sorted()))
        }
        return [.index(try IndexSegment.write(files, columns: columns, pairs: pairs, root: root, fileSystem: store.fileSystem))]
    }
}
