import SiftFormat
import Synchronization

/// The state of a table at one version: what a reader sees (`spec/table.md` §6).
public struct Snapshot: Sendable {
    /// The log version this snapshot is the state of.
    public var version: Int64
    /// The reader and writer versions the table needs.
    public var protocolVersion: ProtocolAction
    /// Schema, partitioning, clustering and properties as of this version.
    public var metadata: MetadataAction
    /// The table's schema.
    public var schema: Schema
    /// How files are partitioned.
    public var partitioning: Partitioning
    /// Live data files by path (made from ``sortedFiles`` on first use: a needle's plan needs
    /// only the sorted list, and a snapshot loaded from a checkpoint of 100,000 files spent a
    /// fifth of its load building and freeing this dictionary).
    public var files: [String: TableFile] {
        get { live.byPath }
        set {
            live = LiveFiles(sorted: Self.sorted(newValue), byPath: newValue)
            planningAids = PlanningAids()
        }
    }
    /// Files removed, by path, with when (for vacuum's retention).
    public var tombstones: [String: RemoveAction]
    /// The last version each idempotent writer committed.
    public var txns: [String: TxnAction]
    /// The commit timestamp of `version` (milliseconds since the epoch).
    public var timestamp: Int64
    /// Index segments in log order, each the latest to cover at least one live file
    /// (`spec/table.md` §4.7): a file's segment is the last one that lists it.
    public var indexSegments: [IndexAction] = [] { didSet { planningAids = PlanningAids() } }

    /// Live files in a stable order (by path). Kept beside `files` rather than sorted on each
    /// use: every plan walks it, and sorting 100,000 paths per query cost more than planning.
    public var sortedFiles: [TableFile] { live.sorted }
    private var live: LiveFiles
    /// Arrays over `sortedFiles` that planning works out once per snapshot.
    private(set) var planningAids = PlanningAids()

    /// `sortedFiles` must be `files` by path (one of them given at least), and `indexSlots`
    /// (when given) each sorted file's place in `indexSegments`.
    init(version: Int64, protocolVersion: ProtocolAction, metadata: MetadataAction, schema: Schema, partitioning: Partitioning,
         files: [String: TableFile]?, sortedFiles: [TableFile]? = nil, tombstones: [String: RemoveAction], txns: [String: TxnAction],
         timestamp: Int64, indexSegments: [IndexAction], indexSlots: [PlanningAids.IndexSlot]? = nil) {
        self.version = version
        self.protocolVersion = protocolVersion
        self.metadata = metadata
        self.schema = schema
        self.partitioning = partitioning
        live = LiveFiles(sorted: sortedFiles ?? Self.sorted(files ?? [:]), byPath: files)
        self.tombstones = tombstones
        self.txns = txns
        self.timestamp = timestamp
        self.indexSegments = indexSegments
        planningAids = PlanningAids(indexSlots: indexSlots)
    }

    static func sorted(_ files: [String: TableFile]) -> [TableFile] { files.values.sorted { $0.path < $1.path } }
    /// Rows in the live files.
    public var rowCount: Int64 { sortedFiles.reduce(0) { $0 + $1.rows } }
    /// Bytes of the live files.
    public var byteCount: Int64 { sortedFiles.reduce(0) { $0 + $1.size } }
}

/// A snapshot's live files: sorted by path, and by path in a dictionary made on first use.
/// Shared by every copy of the snapshot (a new set of files makes a new one).
final class LiveFiles: Sendable {
    let sorted: [TableFile]
    private let map: Mutex<[String: TableFile]?>

    init(sorted: [TableFile], byPath: [String: TableFile]?) {
        self.sorted = sorted
        map = Mutex(byPath)
    }

    var byPath: [String: TableFile] {
        map.withLock { map in
            if let map { return map }
            var made = [String: TableFile](minimumCapacity: sorted.count)
            for file in sorted { made[file.path] = file }
            map = made
            return made
        }
    }
}

/// Replays actions in log order into a snapshot.
package struct SnapshotBuilder {
    var version: Int64 = -1
    var protocolVersion: ProtocolAction?
    var metadata: MetadataAction?
    var schema: Schema?
    var files: [String: TableFile] = [:]
    var tombstones: [String: RemoveAction] = [:]
    var txns: [String: TxnAction] = [:]
    var timestamp: Int64 = 0
    /// Every index segment applied, by the order it was applied in (nil: named again later,
    /// so replaced), each file's latest segment and slot in it, and each segment path's entry.
    private var segmentLog: [IndexAction?] = []
    private var segmentOfFile: [String: PlanningAids.IndexSlot] = [:]
    private var sequenceOfSegment: [String: Int] = [:]
    /// The live files of the checkpoint this state was loaded from, in its (path) order, when
    /// its rows were sorted; `files` then holds only what commits since added, and
    /// `removedSinceCheckpoint` what they removed. The snapshot's sorted list is a merge of the
    /// two, with no dictionary of every path (building one cost a fifth of a 100,000-file load).
    var checkpointFiles: [TableFile]?
    private var removedSinceCheckpoint = Set<String>()

    /// Records a segment: it becomes the segment of every file it lists.
    mutating func addIndex(_ segment: IndexAction) {
        if let old = sequenceOfSegment[segment.path] { segmentLog[old] = nil }
        let sequence = segmentLog.count
        sequenceOfSegment[segment.path] = sequence
        segmentLog.append(segment)
        // Room first: a compacted segment lists tens of thousands of files, and growing the map
        // one doubling at a time rehashed every path again each time.
        segmentOfFile.reserveCapacity(segmentOfFile.count + segment.files.count)
        for (slot, file) in segment.files.enumerated() {
            segmentOfFile[file] = PlanningAids.IndexSlot(segment: Int32(sequence), slot: Int32(slot))
        }
    }

    package init() {}

    package mutating func apply(_ actions: [Action], version: Int64) throws {
        // Every commit holds exactly one commit_info (spec/table.md §4.6), and commit times
        // increase: time travel by timestamp searches them.
        let infos = actions.compactMap { if case .commitInfo(let info) = $0 { info } else { nil } }
        guard infos.count == 1 else {
            throw TableError(.corruptLog, "a commit holds \(infos.count) commit_info actions; exactly one is required", version: version)
        }
        if version > 0, metadata != nil, infos[0].timestamp <= timestamp {
            throw TableError(.corruptLog, "commit time \(infos[0].timestamp) is not after the previous commit's (\(timestamp))", version: version)
        }
        for action in actions {
            switch action {
            case .protocol(let p):
                guard p.readerVersion <= ProtocolAction.current.readerVersion else {
                    throw TableError(.unsupportedProtocol, "the table needs reader version \(p.readerVersion); this library reads version \(ProtocolAction.current.readerVersion)", version: version)
                }
                protocolVersion = p
            case .metadata(let m):
                let newSchema = try m.tableSchema()
                if let old = schema, Array(newSchema.fields.prefix(old.fields.count)) != old.fields {
                    throw TableError(.corruptLog, "metadata changes existing columns; only adding columns at the end is allowed", version: version)
                }
                if let old = schema, let added = newSchema.fields.dropFirst(old.fields.count).first(where: { !$0.nullable }) {
                    throw TableError(.corruptLog, "metadata adds column '\(added.name)' as not nullable; files written before it read it as null", version: version)
                }
                // Fixed at creation (§4.2): old files' partition values are read by partition_by.
                if let old = metadata, m.id != old.id || m.partitionBy != old.partitionBy || m.createdTime != old.createdTime {
                    throw TableError(.corruptLog, "metadata changes the table's id, partition_by or created_time, which are fixed at creation", version: version)
                }
                metadata = m
                schema = newSchema
            case .add(let a):
                guard let schema else { throw TableError(.corruptLog, "add '\(a.path)' before any metadata", version: version) }
                try TablePath.check(a.path, version: version)
                files[a.path] = try TableFile(a, schema: schema, version: version).checked(version: version, in: "add")
                tombstones[a.path] = nil
            case .remove(let r):
                try TablePath.check(r.path, version: version)
                guard r.size >= 0 else { throw TableError(.corruptLog, "remove '\(r.path)': size \(r.size) is negative", version: version) }
                files[r.path] = nil
                if checkpointFiles != nil { removedSinceCheckpoint.insert(r.path) }
                tombstones[r.path] = r
            case .txn(let t):
                txns[t.appId] = t
            case .commitInfo(let info):
                timestamp = info.timestamp
            case .index(let i):
                try TablePath.check(i.path, version: version)
                addIndex(i)
            }
        }
        self.version = version
    }

    package func snapshot() throws -> Snapshot {
        guard let protocolVersion, let metadata, let schema else {
            throw TableError(.corruptLog, "no protocol or metadata action up to this version", version: version)
        }
        let sorted = sortedFiles()
        // The segments that are the latest of at least one live file, in log order, and each
        // file's place in them (`spec/table.md` §11).
        var used = Array(repeating: false, count: segmentLog.count)
        var located = [PlanningAids.IndexSlot](repeating: .none, count: sorted.count)
        for (i, file) in sorted.enumerated() {
            if let at = segmentOfFile[file.path], segmentLog[Int(at.segment)] != nil {
                used[Int(at.segment)] = true
                located[i] = at
            }
        }
        var position = Array(repeating: Int32(-1), count: segmentLog.count)
        var segments: [IndexAction] = []
        for (sequence, segment) in segmentLog.enumerated() where used[sequence] {
            position[sequence] = Int32(segments.count)
            segments.append(segment!)
        }
        let slots = located.map { $0.segment < 0 ? $0 : PlanningAids.IndexSlot(segment: position[Int($0.segment)], slot: $0.slot) }
        return Snapshot(version: version, protocolVersion: protocolVersion, metadata: metadata, schema: schema,
                        partitioning: try Partitioning(expressions: metadata.partitionBy, schema: schema),
                        files: checkpointFiles == nil ? files : nil, sortedFiles: sorted, tombstones: tombstones, txns: txns, timestamp: timestamp,
                        indexSegments: segments, indexSlots: slots)
    }

    /// The live files by path: the checkpoint's (less those removed or added again since)
    /// merged with the files added since, or all of `files` sorted.
    private func sortedFiles() -> [TableFile] {
        guard let base = checkpointFiles else { return Snapshot.sorted(files) }
        if files.isEmpty && removedSinceCheckpoint.isEmpty { return base }
        let added = Snapshot.sorted(files)
        var sorted: [TableFile] = []
        sorted.reserveCapacity(base.count + added.count)
        var next = added.startIndex
        for file in base {
            while next < added.endIndex, added[next].path < file.path { sorted.append(added[next]); next += 1 }
            if next < added.endIndex, added[next].path == file.path { continue }   // added again since: that one is taken
            if !removedSinceCheckpoint.isEmpty, removedSinceCheckpoint.contains(file.path) { continue }
            sorted.append(file)
        }
        sorted += added[next...]
        return sorted
    }
}
