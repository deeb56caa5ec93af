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
            // Segments loaded without their lists of files (a version 3 checkpoint's) get them
            // first, from the slots of the files as they were: the new files' slots are then
            // found by path in those lists.
            let listed = segmentList.filesListed ? nil : indexSegments
            live = LiveFiles(sorted: Self.sorted(newValue), byPath: newValue)
            if let listed { segmentList = IndexSegmentList(listed) }
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
    public var indexSegments: [IndexAction] {
        get { segmentList.segments { (live, planningAids.indexSlots(self)) } }
        set {
            segmentList = IndexSegmentList(newValue)
            planningAids = PlanningAids()
        }
    }
    /// The segments as loaded (files listed or not) and how many files each covers.
    private(set) var segmentList: IndexSegmentList

    /// Live files in a stable order (by path). Kept beside `files` rather than sorted on each
    /// use: every plan walks it, and sorting 100,000 paths per query cost more than planning.
    public var sortedFiles: [TableFile] { live.sorted }
    /// The live files by position (what planning reads, without making every `TableFile`).
    private(set) var live: LiveFiles
    /// Arrays over `sortedFiles` that planning works out once per snapshot.
    private(set) var planningAids = PlanningAids()

    /// `sortedFiles` must be `files` by path (one of them given at least), and `indexSlots`
    /// (when given) each sorted file's place in `indexSegments`.
    init(version: Int64, protocolVersion: ProtocolAction, metadata: MetadataAction, schema: Schema, partitioning: Partitioning,
         files: [String: TableFile]?, sortedFiles: [TableFile]? = nil, live: LiveFiles? = nil, tombstones: [String: RemoveAction], txns: [String: TxnAction],
         timestamp: Int64, indexSegments: IndexSegmentList, indexSlots: [PlanningAids.IndexSlot]? = nil) {
        self.version = version
        self.protocolVersion = protocolVersion
        self.metadata = metadata
        self.schema = schema
        self.partitioning = partitioning
        self.live = live ?? LiveFiles(sorted: sortedFiles ?? Self.sorted(files ?? [:]), byPath: files)
        self.tombstones = tombstones
        self.txns = txns
        self.timestamp = timestamp
        segmentList = indexSegments
        planningAids = PlanningAids(indexSlots: indexSlots)
    }

    static func sorted(_ files: [String: TableFile]) -> [TableFile] { files.values.sorted { $0.path < $1.path } }
    /// Live files (without making a `TableFile` or a dictionary entry for each).
    public var fileCount: Int { live.count }
    /// Index segments (without listing each one's files).
    public var indexSegmentCount: Int { segmentList.count }
    /// The pairs of columns the index's segments hold pairs of values of (`spec/table.md`
    /// §11.1), each once, in the order segments list them.
    public var indexPairs: [[String]] { IndexSegment.union(ofPairs: segmentList.heads.map(\.pairs)) }
    /// Rows in the live files.
    public var rowCount: Int64 { (0..<live.count).reduce(0) { $0 + live.rows(at: $1) } }
    /// Bytes of the live files.
    public var byteCount: Int64 { (0..<live.count).reduce(0) { $0 + live.size(at: $1) } }
}

/// A snapshot's live files by position in path order: a list of files, or a checkpoint's
/// columns (``CheckpointFiles``) merged with the files later commits added, where a position
/// names a checkpoint row or an added file. The sorted list of `TableFile`s and the dictionary
/// by path are made on first use. Shared by every copy of the snapshot (a new set of files
/// makes a new one).
final class LiveFiles: Sendable {
    /// The checkpoint's files, when the snapshot was loaded from one.
    let base: CheckpointFiles?
    /// Position `i`'s file: row `order[i]` of `base` when it is 0 or more, else
    /// `added[-1 - order[i]]`; nil when the positions are `base`'s rows in order (or, without
    /// a base, `added` in order).
    let order: [Int32]?
    let added: [TableFile]
    let count: Int
    private struct Made { var sorted: [TableFile]?; var byPath: [String: TableFile]? }
    private let made: Mutex<Made>

    /// Files already sorted by path, and maybe the same by path.
    init(sorted: [TableFile], byPath: [String: TableFile]?) {
        (base, order, added, count) = (nil, nil, sorted, sorted.count)
        made = Mutex(Made(sorted: sorted, byPath: byPath))
    }

    /// A checkpoint's files merged with later ones by `order` (nil: the checkpoint's alone).
    init(base: CheckpointFiles, order: [Int32]?, added: [TableFile]) {
        (self.base, self.order, self.added) = (base, order, added)
        count = order?.count ?? base.count
        made = Mutex(Made())
    }

    /// The checkpoint row at position `i`, or nil when an added file is there.
    @inline(__always) func baseRow(_ i: Int) -> Int? {
        guard base != nil else { return nil }
        guard let order else { return i }
        return order[i] >= 0 ? Int(order[i]) : nil
    }

    /// What `fromBase` gives for the checkpoint row at position `i`, or `fromAdded` for the
    /// file added since that is there.
    @inline(__always)
    private func at<T>(_ i: Int, _ fromBase: (CheckpointFiles, Int) -> T, _ fromAdded: (TableFile) -> T) -> T {
        if let base, let row = baseRow(i) { return fromBase(base, row) }
        return fromAdded(added[order.map { Int(-1 - $0[i]) } ?? i])
    }

    /// The file at position `i`.
    func file(at i: Int) -> TableFile { at(i, { $0.file($1) }, { $0 }) }
    func path(at i: Int) -> String { at(i, { $0.path($1) }, \.path) }
    func size(at i: Int) -> Int64 { at(i, { $0.sizes[$1] }, \.size) }
    func rows(at i: Int) -> Int64 { at(i, { $0.rows[$1] }, \.rows) }

    /// Every file, in path order.
    var sorted: [TableFile] {
        if let known = made.withLock({ $0.sorted }) { return known }
        let all = (0..<count).map(file(at:))
        made.withLock { $0.sorted = all }
        return all
    }

    var byPath: [String: TableFile] {
        if let known = made.withLock({ $0.byPath }) { return known }
        var map = [String: TableFile](minimumCapacity: count)
        for file in sorted { map[file.path] = file }
        made.withLock { $0.byPath = map }
        return map
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
    /// The live files of the checkpoint this state was loaded from, as its columns, when its
    /// rows were sorted; `files` then holds only what commits since added, and
    /// `removedSinceCheckpoint` what they removed. The snapshot's files are a merge of the two
    /// by position, with no `TableFile` or dictionary entry per checkpoint row.
    var checkpointFiles: CheckpointFiles?
    private var removedSinceCheckpoint = Set<String>()
    /// How many files each segment of a reader-version-3 checkpoint covers, by its sequence in
    /// `segmentLog` (its first ones): such segments come without their lists of files, and
    /// `checkpointFiles` knows each file's slot instead.
    var checkpointSegmentCounts: [Int] = []

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

    /// Records that `path` is in slot `at` of a segment already added (a checkpoint's).
    mutating func locate(_ path: String, _ at: PlanningAids.IndexSlot) { segmentOfFile[path] = at }

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
        let live = liveFiles()
        // The segments that are the latest of at least one live file, in log order, and each
        // file's place in them (`spec/table.md` §11).
        var located = [PlanningAids.IndexSlot](repeating: .none, count: live.count)
        if let base = live.base {
            // A checkpoint that keeps slots in columns names its segments' files by position;
            // later segments (and older checkpoints) name them by path: found by binary search.
            var slotOfRow: [PlanningAids.IndexSlot]
            if let slots = base.indexSlots {
                // Later segments name few of the checkpoint's files (a merge of many would be a
                // commit of 1 MiB or more, checkpointed at once): each found by binary search.
                slotOfRow = slots
                for (path, at) in segmentOfFile { if let row = base.position(of: path) { slotOfRow[row] = at } }
            } else {
                // An older checkpoint named every file of its segments by path: look each row up.
                slotOfRow = (0..<base.count).map { segmentOfFile[base.path($0)] ?? .none }
            }
            for i in 0..<live.count {
                if let row = live.baseRow(i) { located[i] = slotOfRow[row] } else if let at = segmentOfFile[live.path(at: i)] { located[i] = at }
            }
        } else {
            for (i, file) in live.added.enumerated() { if let at = segmentOfFile[file.path] { located[i] = at } }
        }
        var used = Array(repeating: false, count: segmentLog.count)
        for (i, at) in located.enumerated() where at.segment >= 0 {
            if segmentLog[Int(at.segment)] == nil { located[i] = .none } else { used[Int(at.segment)] = true }
        }
        var position = Array(repeating: Int32(-1), count: segmentLog.count)
        var segments: [IndexAction] = [], counts: [Int] = [], known: [Bool] = []
        for (sequence, segment) in segmentLog.enumerated() where used[sequence] {
            position[sequence] = Int32(segments.count)
            segments.append(segment!)
            let listed = sequence >= checkpointSegmentCounts.count
            known.append(listed)
            counts.append(listed ? segment!.files.count : checkpointSegmentCounts[sequence])
        }
        let slots = located.map { $0.segment < 0 ? $0 : PlanningAids.IndexSlot(segment: position[Int($0.segment)], slot: $0.slot) }
        return Snapshot(version: version, protocolVersion: protocolVersion, metadata: metadata, schema: schema,
                        partitioning: try Partitioning(expressions: metadata.partitionBy, schema: schema),
                        files: checkpointFiles == nil ? files : nil, live: live, tombstones: tombstones, txns: txns, timestamp: timestamp,
                        indexSegments: IndexSegmentList(heads: segments, fileCounts: counts, filesKnown: known), indexSlots: slots)
    }

    /// The live files by position: the checkpoint's (less those removed or added again since)
    /// merged in byte order of paths with the files added since, or all of `files` sorted.
    private func liveFiles() -> LiveFiles {
        guard let base = checkpointFiles else { return LiveFiles(sorted: Snapshot.sorted(files), byPath: files) }
        if files.isEmpty && removedSinceCheckpoint.isEmpty { return LiveFiles(base: base, order: nil, added: []) }
        let added = files.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var removed = Array(repeating: false, count: base.count)
        for path in removedSinceCheckpoint { if let row = base.position(of: path) { removed[row] = true } }
        var order: [Int32] = []
        order.reserveCapacity(base.count + added.count)
        var next = 0
        for row in 0..<base.count {
            while next < added.count, !base.path(row, precedes: added[next].path), !base.path(row, equals: added[next].path) {
                order.append(Int32(-1 - next))
                next += 1
            }
            if next < added.count, base.path(row, equals: added[next].path) { continue }   // added again since: that one is taken
            if !removed[row] { order.append(Int32(row)) }
        }
        while next < added.count { order.append(Int32(-1 - next)); next += 1 }
        return LiveFiles(base: base, order: order, added: added)
    }
}
