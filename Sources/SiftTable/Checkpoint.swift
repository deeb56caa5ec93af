import SiftPlatform
import SiftFormat

/// Checkpoints (`spec/table.md` §7): a snapshot's whole state as one Sift file, so a reader
/// loads it in a few columnar reads instead of replaying every commit. One row per live file
/// (`add`) and per tombstone (`remove`); each table column's file statistics are four columns
/// (`s<i>.nulls`, `s<i>.min`, `s<i>.max`, `s<i>.exact`); protocol, metadata and the idempotent
/// writers' versions are JSON in the footer's key-value pairs.
package enum Checkpoint {
    package static let versionKey = "sift.table.version"
    static let timestampKey = "sift.table.timestamp"
    static let protocolKey = "sift.table.protocol"
    static let metadataKey = "sift.table.metadata"
    static let txnsKey = "sift.table.txns"
    /// The live index segments with their files (reader version 2); absent in older checkpoints.
    static let indexKey = "sift.table.index"
    /// The live index segments without their files (reader version 3: each file's slot is in
    /// the `index_segment` and `index_slot` columns).
    static let indexSegmentsKey = "sift.table.index_segments"

    /// An index segment as a reader-version-3 checkpoint lists it: an `index` action (§4.7)
    /// with the number of files it covers in place of their paths.
    struct SegmentEntry: Codable {
        var path: String
        var fileCount: Int
        var columns: [String: UInt8]
        var size: Int64
        /// The segment's pair keys (§11.1); absent when it has none.
        var pairs: [[String]]?
        enum CodingKeys: String, CodingKey {
            case path, columns, size, pairs
            case fileCount = "file_count"
        }
    }

    /// Whether a table of this protocol keeps index slots in its checkpoints' columns.
    static func hasSlotColumns(_ p: ProtocolAction) -> Bool { p.readerVersion >= 3 }
    static let null = Array("null".utf8)
    /// Columns before the statistics columns (two more with slot columns).
    static func fixedColumns(slots: Bool) -> Int { slots ? 11 : 9 }

    static func schema(for table: Schema, slots: Bool) throws -> Schema {
        var fields = [
            Field("kind", .string, nullable: false), Field("path", .string, nullable: false),
            Field("partition_values", .string), Field("size", .int64, nullable: false), Field("rows", .int64),
            Field("time_ms", .int64, nullable: false), Field("data_change", .bool, nullable: false),
            Field("blooms", .string), Field("clustering", .string),
        ]
        if slots { fields += [Field("index_segment", .int32), Field("index_slot", .int32)] }
        for c in table.fields.indices {
            fields += [Field("s\(c).nulls", .int64), Field("s\(c).min", .binary), Field("s\(c).max", .binary), Field("s\(c).exact", .uint16)]
        }
        return try Schema(fields)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func write(_ snapshot: Snapshot, path: String, fileSystem: any FileSystem) throws {
        let files = snapshot.sortedFiles
        let tombstones = snapshot.tombstones.values.sorted { $0.path < $1.path }
        let n = files.count + tombstones.count
        var kind: [String] = [], paths: [String] = [], partitions: [String?] = [], sizes: [Int64] = [], rows: [Int64?] = []
        var times: [Int64] = [], changes: [Bool] = [], blooms: [String?] = [], clustering: [String?] = []
        for f in files {
            kind.append("add"); paths.append(f.path); partitions.append(try json(f.partitionValues)); sizes.append(f.size)
            rows.append(f.rows); times.append(f.modificationTime); changes.append(f.dataChange)
            blooms.append(try json(f.blooms)); clustering.append(try f.clustering.map(json))
        }
        for t in tombstones {
            kind.append("remove"); paths.append(t.path); partitions.append(nil); sizes.append(t.size)
            rows.append(nil); times.append(t.deletionTime); changes.append(t.dataChange); blooms.append(nil); clustering.append(nil)
        }
        var columns: [ColumnVector] = [
            ColumnVector(.string(VarBytes(kind))), ColumnVector(.string(VarBytes(paths))), .strings(partitions),
            ColumnVector(.int64(sizes)), .int64s(rows), ColumnVector(.int64(times)), ColumnVector(.bool(changes)),
            .strings(blooms), .strings(clustering),
        ]
        let slots = hasSlotColumns(snapshot.protocolVersion)
        var segmentKey = (indexKey, "")
        if slots {
            let located = snapshot.planningAids.indexSlots(snapshot) + Array(repeating: .none, count: tombstones.count)
            columns.append(.int32s(located.map { $0.segment < 0 ? nil : $0.segment }))
            columns.append(.int32s(located.map { $0.segment < 0 ? nil : $0.slot }))
            let list = snapshot.segmentList
            segmentKey = (indexSegmentsKey, try json(list.heads.indices.map {
                SegmentEntry(path: list.heads[$0].path, fileCount: list.fileCounts[$0], columns: list.heads[$0].columns, size: list.heads[$0].size,
                             pairs: list.heads[$0].pairs.isEmpty ? nil : list.heads[$0].pairs)
            }))
        } else {
            segmentKey.1 = try json(snapshot.indexSegments)
        }
        for c in snapshot.schema.fields.indices {
            let stats = files.map { $0.statistics(c) } + Array(repeating: nil, count: tombstones.count)
            columns.append(.int64s(stats.map { $0.map { Int64($0.nullCount) } }))
            columns.append(.binaries(stats.map { $0?.min }))
            columns.append(.binaries(stats.map { $0?.max }))
            columns.append(.uint16s(stats.map { $0.map { ($0.minExact ? 1 : 0) | ($0.maxExact ? 2 : 0) } }))
        }
        precondition(columns.allSatisfy { $0.count == n })
        var options = WriterOptions()
        options.bloomFilterColumns = []
        // One row group, each column in one large page: a reader decodes the columns on its
        // cores at once and uses each as read instead of putting it together from 50 pages.
        // (Four row groups read in parallel measured no faster at 100,000 files: 85-89 ms
        // against 81-84 ms for the whole `sift query` process, the merge's copies eating the gain.)
        options.rowGroupRows = max(1, min(n, 1 << 20))
        options.pageRows = FormatLimits.maxPageRows
        options.pageBytes = 16 << 20
        // LZ4: a fresh reader of a 100,000-file table spent 12-16 ms of its ~70 in zstd on the
        // path column alone (5.9 MiB); LZ4 decodes several times faster for ~1.5x the bytes.
        options.compression = Compression(.lz4)
        options.keyValues = [
            (versionKey, String(snapshot.version)), (timestampKey, String(snapshot.timestamp)),
            (protocolKey, try json(snapshot.protocolVersion)), (metadataKey, try json(snapshot.metadata)),
            (txnsKey, try json(snapshot.txns.values.sorted { $0.appId < $1.appId })),
            segmentKey,
        ]
        let writer = try SiftWriter(path: path, schema: try schema(for: snapshot.schema, slots: slots), options: options, fileSystem: fileSystem)
        try writer.write(try RecordBatch(schema: writer.schema, columns: columns))
        try writer.close()
    }

    /// Decoded values of a checkpoint column whose rows repeat a handful of values (partition
    /// values, bloom lists, clustering), numbered: the previous row's number when the bytes are
    /// the same (neighbouring rows nearly always are: rows are in path order), else one decode
    /// per distinct bytes.
    struct RepeatedValues<T> {
        private var last: (bytes: [UInt8], group: Int32)?
        private var groups: [[UInt8]: Int32] = [:]
        /// The distinct values, by number.
        private(set) var values: [T] = []
        private let decode: ([UInt8]) throws -> T

        init(_ decode: @escaping ([UInt8]) throws -> T) { self.decode = decode }

        mutating func group(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Int32 {
            if let last, last.bytes.count == bytes.count,
               bytes.isEmpty || last.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return last.group }
            let key = Array(bytes)
            let group: Int32
            if let known = groups[key] {
                group = known
            } else {
                group = Int32(values.count)
                values.append(try decode(key))
                groups[key] = group
            }
            last = (key, group)
            return group
        }
    }

    /// `corrupt_log` for checkpoint `version`, naming its file.
    static func corrupt(_ message: String, version: Int64) -> TableError {
        TableError(.corruptLog, "checkpoint: \(message)", version: version, path: LogLayout.checkpointName(version))
    }

    /// Loads checkpoint `version` into a builder ready to replay the commits after it.
    static func read(path: String, version: Int64, fileSystem: any FileSystem) throws -> SnapshotBuilder {
        let name = LogLayout.checkpointName(version)
        func corrupt(_ message: String) -> TableError { Checkpoint.corrupt(message, version: version) }
        let reader: SiftReader
        do { reader = try SiftReader(path: path, fileSystem: fileSystem) } catch {
            if error.code == .io { throw TableError(.missingLog, "checkpoint is missing or unreadable: \(error)", version: version, path: name) }
            throw corrupt("\(error)")
        }
        return try read(reader, version: version)
    }

    /// The snapshot state an opened checkpoint file holds.
    package static func read(_ reader: SiftReader, version: Int64) throws -> SnapshotBuilder {
        func corrupt(_ message: String) -> TableError { Checkpoint.corrupt(message, version: version) }
        var pairs: [String: String] = [:]
        for (k, v) in reader.metadata.keyValues { pairs[k] = v }
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let text = pairs[key] else { throw corrupt("no '\(key)' in the footer") }
            do { return try decoder.decode(type, from: Data(text.utf8)) } catch { throw corrupt("'\(key)': \(LogEntryCodec.describe(error))") }
        }
        guard pairs[versionKey] == String(version) else { throw corrupt("the footer says version \(pairs[versionKey] ?? "none")") }
        var builder = SnapshotBuilder()
        builder.version = version
        builder.timestamp = Int64(pairs[timestampKey] ?? "") ?? 0
        builder.protocolVersion = try decode(ProtocolAction.self, protocolKey)
        guard builder.protocolVersion!.readerVersion <= ProtocolAction.current.readerVersion else {
            throw TableError(.unsupportedProtocol, "the table needs reader version \(builder.protocolVersion!.readerVersion)", version: version)
        }
        let metadata = try decode(MetadataAction.self, metadataKey)
        builder.metadata = metadata
        let tableSchema = try metadata.tableSchema()
        builder.schema = tableSchema
        for t in try decode([TxnAction].self, txnsKey) { builder.txns[t.appId] = t }
        let slots = hasSlotColumns(builder.protocolVersion!)
        if slots {
            // Segments without their files: each file's slot comes with its row.
            let entries = pairs[indexSegmentsKey] == nil ? [] : try decode([SegmentEntry].self, indexSegmentsKey)
            for entry in entries {
                try TablePath.check(entry.path, version: version)
                guard entry.fileCount >= 0 else { throw corrupt("index segment '\(entry.path)' covers \(entry.fileCount) files") }
                builder.addIndex(IndexAction(path: entry.path, files: [], columns: entry.columns, size: entry.size, pairs: entry.pairs ?? []))
            }
            builder.checkpointSegmentCounts = entries.map(\.fileCount)
        } else if let text = pairs[indexKey] {
            for segment in try FastActionDecoder.indexActions(text) ?? decode([IndexAction].self, indexKey) {
                try TablePath.check(segment.path, version: version)
                builder.addIndex(segment)
            }
        }
        guard reader.schema == (try schema(for: tableSchema, slots: slots)) else { throw corrupt("its columns do not match the table's schema") }
        let layout = CheckpointRowGroup.Layout(version: version, width: tableSchema.fields.count,
                                               statisticsStart: fixedColumns(slots: slots), slots: slots,
                                               segmentCounts: builder.checkpointSegmentCounts)
        // Row groups (this writer writes one; others may write several) are read and checked
        // on the free cores at once, then put together in order; the first failing row
        // group's error is the one reported, as reading them in turn would.
        let groups = reader.metadata.rowGroups.count
        let parts = ParallelResults<Result<CheckpointRowGroup, any Error>>(count: groups)
        SharedParallel.forEach(groups) { g in
            parts[g] = Result { try CheckpointRowGroup(reader, rowGroup: g, layout: layout) }
        }
        var read: [CheckpointRowGroup] = []
        for g in 0..<groups { read.append(try parts[g]!.get()) }
        let merged = CheckpointRowGroup.merged(read)
        for tombstone in merged.tombstones { builder.tombstones[tombstone.path] = tombstone }
        let files = merged.files(slots: slots)
        if merged.ordered {
            builder.checkpointFiles = files
        } else {
            for i in 0..<files.count { builder.files[files.path(i)] = files.file(i) }
            // Out of order, the files are found by path: so are their slots.
            if slots, let located = files.indexSlots { for (i, at) in located.enumerated() where at.segment >= 0 { builder.locate(files.path(i), at) } }
        }
        return builder
    }
}
