import SiftPlatform
import Synchronization
import SiftFormat

/// Which snapshot to read: the latest, a version, or the last version committed at or before
/// a time (milliseconds since the epoch).
public enum TimeTravel: Sendable, Equatable {
    case version(Int64)
    case timestamp(Int64)

    /// Parses a version number, or an ISO-8601 time (a date alone means midnight UTC).
    public init(parsing text: String) throws {
        if let v = Int64(text) {
            self = .version(v)
            return
        }
        guard let micros = TextForms.parseTime(text) else {
            throw TableError(.invalidArgument, "time travel takes a version number or an ISO-8601 time, not '\(text)'")
        }
        self = .timestamp(micros / 1000)
    }
}

/// A Sift table: immutable data files behind a transaction log (`spec/table.md`).
///
/// ```swift
/// let table = try Table.create(at: "conn", schema: schema, partitionBy: ["date(ts)"])
/// try table.append(ndjson: bytes)                         // one atomic commit
/// let snapshot = try table.snapshot()                     // or snapshot(asOf: .version(3))
/// ```
public struct Table: Sendable {
    /// Where the table's log lives, and the file system of its files.
    public let store: any LogStore
    /// The table folder.
    public var root: String { store.root }
    /// A checkpoint is written after every commit whose version is a multiple of this.
    public var checkpointInterval: Int64 = 10
    /// A checkpoint is also written after every commit whose entry is at least this many bytes
    /// (`spec/table.md` §7): an index compaction of a table of 100,000 files names every file
    /// (6.5 MB of JSON), and each reader until the next checkpoint would replay it.
    public var checkpointAfterBytes = 1 << 20
    /// The last snapshot this value loaded: log entries never change once written, so a later
    /// snapshot replays only the entries since (a long-running writer does not re-read the
    /// checkpoint for every commit).
    let cache = SnapshotCache()

    /// Opens an existing table folder.
    public init(root: String, store: (any LogStore)? = nil) throws {
        self.store = store ?? FileLogStore(root: root)
        let log: FileStatus?
        do { log = try self.store.fileSystem.status(root + "/" + LogLayout.logFolder) } catch {
            throw TableError(.io, "cannot open the table: \(error.message)", path: root)
        }
        guard log?.kind == .folder else {
            throw TableError(.notATable, "not a Sift table (no \(LogLayout.logFolder) folder)", path: root)
        }
    }

    init(store: any LogStore) {
        self.store = store
    }

    /// Creates a table: the folder, the log folder and commit 0 (protocol and metadata).
    public static func create(at root: String, schema: Schema, partitionBy: [String] = [], clusterBy: ClusteringSpec? = nil,
                              properties: [String: String] = [:], store: (any LogStore)? = nil) throws -> Table {
        _ = try Partitioning(expressions: partitionBy, schema: schema)
        if let clusterBy { try validate(clusterBy, schema: schema) }
        if let blooms = properties[MetadataAction.bloomColumnsProperty], blooms != "none" {
            for name in blooms.split(separator: ",").map({ $0.trimmingWhitespace() }) where schema.index(of: name) == nil {
                throw TableError(.invalidArgument, "bloom filter column '\(name)' is not in the schema")
            }
        }
        let logStore = store ?? FileLogStore(root: root)
        do { try logStore.fileSystem.createFolder(root + "/" + LogLayout.logFolder) } catch {
            throw TableError(.io, "cannot create the table folder: \(error.message)", path: root)
        }
        let table = Table(store: logStore)
        if !(try logStore.listLog().commits.isEmpty) { throw TableError(.alreadyExists, "a table already exists here", path: root) }
        let now = Self.nowMillis()
        let metadata = MetadataAction(id: UUID().uuidString.lowercased(), schema: MetadataAction.fields(schema), partitionBy: partitionBy,
                                      clusterBy: clusterBy, properties: properties, createdTime: now)
        let info = CommitInfo(timestamp: now, operation: "create", parameters: ["partition_by": partitionBy.joined(separator: ",")],
                              readVersion: nil, isBlindAppend: false, engine: engine, metrics: [:])
        let bytes = try LogEntryCodec.encode([.protocol(.current), .metadata(metadata), .commitInfo(info)])
        guard try logStore.createEntry(0, bytes) else { throw TableError(.alreadyExists, "another writer created the table first", path: root) }
        return table
    }

    static let engine = "sift \(FileLayout.majorVersion).\(FileLayout.minorVersion)"

    static func validate(_ spec: ClusteringSpec, schema: Schema) throws {
        guard !spec.columns.isEmpty else { throw TableError(.invalidArgument, "clustering needs at least one column") }
        for c in spec.columns where schema.index(of: c) == nil { throw TableError(.invalidArgument, "clustering column '\(c)' is not in the schema") }
    }

    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    // MARK: Reading the log

    /// The snapshot at the latest version, or as of a version or time.
    public func snapshot(asOf travel: TimeTravel? = nil) throws -> Snapshot {
        let (commits, checkpoints) = try store.listLog()
        guard let latest = commits.last else { throw TableError(.notATable, "the log holds no commits", path: root) }
        try checkLastCheckpoint(checkpoints)
        let target: Int64
        switch travel {
        case nil: target = max(latest, checkpoints.last ?? -1)
        case .version(let v):
            guard v >= 0, v <= latest else { throw TableError(.noSuchVersion, "no version \(v); the table's versions are 0...\(latest)") }
            target = v
        case .timestamp(let t): target = try version(at: t, latest: latest)
        }
        return try snapshot(target: target, commits: Set(commits), checkpoints: checkpoints)
    }

    func snapshot(target: Int64, commits: Set<Int64>, checkpoints: [Int64]) throws -> Snapshot {
        var builder = SnapshotBuilder()
        var start: Int64 = 0
        let checkpoint = checkpoints.last(where: { $0 <= target })
        if let cached = cache.builder, cached.version <= target, cached.version >= (checkpoint ?? -1) {
            builder = cached
            start = cached.version + 1
        } else if let cp = checkpoint {
            builder = try Checkpoint.read(path: root + "/" + LogLayout.checkpointName(cp), version: cp, fileSystem: store.fileSystem)
            start = cp + 1
        }
        if start <= target {
            for v in start...target {
                guard commits.contains(v), let bytes = try store.readEntry(v) else {
                    throw TableError(.missingLog, "log entry is missing (the log must be contiguous up to version \(target))", version: v, path: LogLayout.commitName(v))
                }
                try builder.apply(try LogEntryCodec.decode(bytes, version: v), version: v)
            }
        }
        if builder.version > cache.builder?.version ?? -1 { cache.builder = builder }
        // The newest version asked again (a long-lived process between commits): the snapshot
        // built last time, with whatever planning worked out over it.
        if let known = cache.snapshot, known.version == builder.version { return known }
        let snapshot = try builder.snapshot()
        if builder.version >= cache.builder?.version ?? -1 { cache.snapshot = snapshot }
        return snapshot
    }

    /// `_last_checkpoint` names the newest checkpoint; if that file is gone, say so rather than
    /// silently replaying from an older state.
    func checkLastCheckpoint(_ checkpoints: [Int64]) throws {
        guard let bytes = try? store.fileSystem.readFile(root + "/" + LogLayout.lastCheckpoint) else { return }
        guard let v = (try? JSONValue.parse(bytes))?["version"]?.integer else {
            throw TableError(.corruptLog, "\(LogLayout.lastCheckpoint) is not valid JSON with a version", path: LogLayout.lastCheckpoint)
        }
        // A writer may have added that checkpoint (and moved the pointer) since the log was
        // listed: only a checkpoint that does not exist now is missing.
        guard checkpoints.contains(v) || (try? store.fileSystem.status(root + "/" + LogLayout.checkpointName(v))) != nil else {
            throw TableError(.missingLog, "checkpoint named by \(LogLayout.lastCheckpoint) is missing", version: v, path: LogLayout.checkpointName(v))
        }
    }

    /// The commit info of one version.
    public func commitInfo(_ version: Int64) throws -> CommitInfo? {
        guard let bytes = try store.readEntry(version) else {
            throw TableError(.missingLog, "log entry is missing", version: version, path: LogLayout.commitName(version))
        }
        for action in try LogEntryCodec.decode(bytes, version: version) { if case .commitInfo(let info) = action { return info } }
        return nil
    }

    /// The last version committed at or before `millis` (timestamps increase along the log).
    func version(at millis: Int64, latest: Int64) throws -> Int64 {
        var lo: Int64 = 0, hi = latest, found: Int64 = -1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let t = try commitInfo(mid)?.timestamp ?? 0
            if t <= millis { found = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        guard found >= 0 else {
            let first = try commitInfo(0)?.timestamp ?? 0
            throw TableError(.noSuchVersion, "the table did not exist yet at \(TextForms.formatTimestamp(millis * 1000)); it was created at \(TextForms.formatTimestamp(first * 1000))")
        }
        return found
    }

    /// Every commit's version and info, oldest first.
    public func history() throws -> [(version: Int64, info: CommitInfo?)] {
        let commits = try store.listLog().commits
        return try commits.map { ($0, try commitInfo($0)) }
    }

    /// The absolute path of a data file the log names.
    public func absolutePath(_ file: String) throws -> String {
        try TablePath.resolve(file, root: root, version: nil, fileSystem: store.fileSystem)
    }
}

/// The newest snapshot state a `Table` value has built, shared by its copies.
final class SnapshotCache: Sendable {
    private let state = Mutex<SnapshotBuilder?>(nil)
    private let built = Mutex<Snapshot?>(nil)

    var builder: SnapshotBuilder? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// The snapshot of the newest version built (its planning aids with it).
    var snapshot: Snapshot? {
        get { built.withLock { $0 } }
        set { built.withLock { $0 = newValue } }
    }
}
