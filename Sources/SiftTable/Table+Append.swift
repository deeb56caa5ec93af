import SiftPlatform
import SiftFormat
import SiftNDJSON

/// What an append did.
public struct AppendResult: Sendable {
    /// The version committed; nil when nothing was committed (no rows, or a duplicate `txn`).
    public var version: Int64?
    /// Data files written.
    public var files: Int
    /// Rows appended.
    public var rows: Int64
    /// Bytes of the files written.
    public var bytes: Int64
    /// Lines rejected (to the caller's reject handler) instead of appended.
    public var rejected: Int
    /// The idempotent writer's version was already committed: nothing was written.
    public var alreadyApplied: Bool
}

/// An idempotent writer's identity and the version of its data (`--txn APP:VERSION`).
public struct WriterTransaction: Sendable, Equatable {
    /// The writer's application id.
    public var appId: String
    /// The writer's version of this change; a version the table already holds for `appId` appends nothing.
    public var version: Int64

    /// A writer transaction.
    public init(appId: String, version: Int64) {
        self.appId = appId
        self.version = version
    }

    /// Parses `APP:VERSION`.
    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let v = Int64(text[text.index(after: colon)...]), v >= 0, colon != text.startIndex else {
            throw TableError(.invalidArgument, "writer transaction '\(text)': expected APP:VERSION with a non-negative integer version")
        }
        self.init(appId: String(text[..<colon]), version: v)
    }
}

extension Table {
    /// Appends the rows `produce` hands to its sink (each batch in the table's schema) as new
    /// files, one per partition, in one commit. With `txn`, an append whose version that
    /// writer already committed does nothing.
    public func append(txn: WriterTransaction? = nil, options: WriterOptions = WriterOptions(),
                       _ produce: ((RecordBatch) throws -> Void) throws -> Int) throws -> AppendResult {
        let read = try snapshot()
        if let txn, let done = read.txns[txn.appId], done.version >= txn.version {
            return AppendResult(version: nil, files: 0, rows: 0, bytes: 0, rejected: 0, alreadyApplied: true)
        }
        let writer = DataFileWriter(root: root, schema: read.schema, partitioning: read.partitioning, options: read.metadata.writerOptions(options), tableClustering: read.metadata.clusterBy,
                                    fileSystem: store.fileSystem)
        let rejected = try produce { batch in try writer.write(batch) }
        let files = try writer.finish()
        let rows = files.reduce(0) { $0 + $1.rows }, bytes = files.reduce(0) { $0 + $1.size }
        guard !files.isEmpty || txn != nil else {
            return AppendResult(version: nil, files: 0, rows: 0, bytes: 0, rejected: rejected, alreadyApplied: false)
        }
        var actions = files.map { Action.add($0.addAction(schema: read.schema)) }
        actions += try writer.indexActions(read)
        if let txn { actions.append(.txn(TxnAction(appId: txn.appId, version: txn.version, lastUpdated: Self.nowMillis()))) }
        var parameters: [String: String] = [:]
        if let txn { parameters["txn"] = "\(txn.appId):\(txn.version)" }
        let version = try commit(PendingCommit(actions: actions, operation: "append", parameters: parameters,
                                               metrics: ["files_added": Int64(files.count), "rows_added": rows, "bytes_added": bytes]), read: read)
        return AppendResult(version: version, files: files.count, rows: rows, bytes: bytes, rejected: rejected, alreadyApplied: false)
    }

    /// Appends NDJSON lines (parsed against the table's schema, in parallel) in one commit.
    /// Lines that do not fit go to `reject` (or, when it is nil, fail the append before any
    /// commit).
    public func append(ndjson input: UnsafeBufferPointer<UInt8>, txn: WriterTransaction? = nil, options: WriterOptions = WriterOptions(),
                       reject: ((LineError) -> Void)?) throws -> AppendResult {
        let schema = try snapshot().schema
        return try append(txn: txn, options: options) { sink in
            let summary = try NDJSONImport(options: options, schema: schema).batches(input, schema: schema, reject: reject, sink)
            return summary.rejected
        }
    }

    /// Adds a nullable column at the end of the schema; files written before read it as null.
    @discardableResult
    public func addColumn(_ field: Field) throws -> Int64 {
        let read = try snapshot()
        guard field.nullable else { throw TableError(.invalidArgument, "a new column must be nullable: older files have no values for it") }
        guard read.schema.index(of: field.name) == nil else { throw TableError(.invalidArgument, "column '\(field.name)' already exists") }
        var metadata = read.metadata
        metadata.schema = MetadataAction.fields(try Schema(read.schema.fields + [field]))
        return try commit(PendingCommit(actions: [.metadata(metadata)], operation: "add_column",
                                        parameters: ["column": field.name, "type": field.type.name]), read: read)
    }
}
