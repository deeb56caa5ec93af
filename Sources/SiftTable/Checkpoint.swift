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
    /// The live index segments (reader version 2); absent in older checkpoints.
    static let indexKey = "sift.table.index"
    /// Columns before the statistics columns.
    static let fixedColumns = 9

    static func schema(for table: Schema) throws -> Schema {
        var fields = [
            Field("kind", .string, nullable: false), Field("path", .string, nullable: false),
            Field("partition_values", .string), Field("size", .int64, nullable: false), Field("rows", .int64),
            Field("time_ms", .int64, nullable: false), Field("data_change", .bool, nullable: false),
            Field("blooms", .string), Field("clustering", .string),
        ]
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
        options.keyValues = [
            (versionKey, String(snapshot.version)), (timestampKey, String(snapshot.timestamp)),
            (protocolKey, try json(snapshot.protocolVersion)), (metadataKey, try json(snapshot.metadata)),
            (txnsKey, try json(snapshot.txns.values.sorted { $0.appId < $1.appId })),
            (indexKey, try json(snapshot.indexSegments)),
        ]
        let writer = try SiftWriter(path: path, schema: try schema(for: snapshot.schema), options: options, fileSystem: fileSystem)
        try writer.write(try RecordBatch(schema: writer.schema, columns: columns))
        try writer.close()
    }

    /// Decoded values of a checkpoint column whose rows repeat a handful of values (partition
    /// values, bloom lists, clustering): the previous row's value when the bytes are the same
    /// (neighbouring rows nearly always are: rows are in path order), else one decode per
    /// distinct bytes.
    struct RepeatedValues<T> {
        private var last: (bytes: ArraySlice<UInt8>, value: T)?
        private var decoded: [[UInt8]: T] = [:]
        private let decode: ([UInt8]) throws -> T

        init(_ decode: @escaping ([UInt8]) throws -> T) { self.decode = decode }

        mutating func value(_ bytes: ArraySlice<UInt8>) throws -> T {
            if let last, last.bytes.elementsEqual(bytes) { return last.value }
            let key = Array(bytes)
            let value = try decoded[key] ?? decode(key)
            decoded[key] = value
            last = (bytes, value)
            return value
        }
    }

    /// Loads checkpoint `version` into a builder ready to replay the commits after it.
    static func read(path: String, version: Int64, fileSystem: any FileSystem) throws -> SnapshotBuilder {
        let name = LogLayout.checkpointName(version)
        func corrupt(_ message: String) -> TableError { TableError(.corruptLog, "checkpoint: \(message)", version: version, path: name) }
        let reader: SiftReader
        do { reader = try SiftReader(path: path, fileSystem: fileSystem) } catch {
            if error.code == .io { throw TableError(.missingLog, "checkpoint is missing or unreadable: \(error)", version: version, path: name) }
            throw corrupt("\(error)")
        }
        return try read(reader, version: version)
    }

    /// The snapshot state an opened checkpoint file holds.
    package static func read(_ reader: SiftReader, version: Int64) throws -> SnapshotBuilder {
        let name = LogLayout.checkpointName(version)
        func corrupt(_ message: String) -> TableError { TableError(.corruptLog, "checkpoint: \(message)", version: version, path: name) }
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
        if let text = pairs[indexKey] {
            for segment in try FastActionDecoder.indexActions(text) ?? decode([IndexAction].self, indexKey) {
                try TablePath.check(segment.path, version: version)
                builder.addIndex(segment)
            }
        }
        guard reader.schema == (try schema(for: tableSchema)) else { throw corrupt("its columns do not match the table's schema") }

        let width = tableSchema.fields.count
        // Room for every row at once (growing a dictionary of 100,000 paths rehashes it ~17
        // times), capped: the count is the file's word, and a damaged one must not allocate.
        // The add rows' files in order, while they are sorted by path (as this writer writes
        // them, each path once); a row out of order moves them all into `builder.files`.
        var ordered: [TableFile]? = []
        ordered!.reserveCapacity(Int(min(reader.metadata.rowCount, 1 << 20)))
        var partitionValues = RepeatedValues { try decoder.decode([String: String?].self, from: Data($0)) }
        var bloomLists = RepeatedValues { try decoder.decode([String].self, from: Data($0)) }
        var clusterings = RepeatedValues { try decoder.decode(ClusteringSpec.self, from: Data($0)) }
        for g in reader.metadata.rowGroups.indices {
            let cols: [ColumnVector]
            do { cols = try reader.schema.fields.indices.map { try reader.readColumn(rowGroup: g, column: $0) } } catch { throw corrupt("\(error)") }
            guard case .string(let kinds) = cols[0].values, case .string(let paths) = cols[1].values,
                  case .string(let partitions) = cols[2].values, case .int64(let sizes) = cols[3].values,
                  case .int64(let rows) = cols[4].values, case .int64(let times) = cols[5].values,
                  case .bool(let changes) = cols[6].values, case .string(let blooms) = cols[7].values,
                  case .string(let clustering) = cols[8].values else { throw corrupt("unexpected column types") }
            func text(_ v: VarBytes, _ r: Int) -> String { String(decoding: v[r], as: UTF8.self) }
            // Each statistics column taken apart once and kept: files decode their statistics
            // from it when asked. Null counts are checked here, for every row.
            var statColumns: [CheckpointStatistics.Columns?] = []
            for c in 0..<width {
                let base = fixedColumns + 4 * c
                guard case .int64(let nulls) = cols[base].values, case .binary(let mins) = cols[base + 1].values,
                      case .binary(let maxes) = cols[base + 2].values, case .uint16(let exact) = cols[base + 3].values else {
                    statColumns.append(nil)
                    continue
                }
                statColumns.append(CheckpointStatistics.Columns(nulls: nulls, nullsValid: cols[base].validity, mins: mins, minsValid: cols[base + 1].validity,
                                                                maxes: maxes, maxesValid: cols[base + 2].validity, exact: exact))
            }
            let statistics = CheckpointStatistics(columns: statColumns)
            let (rowsValid, clusteringValid) = (cols[4].validity, cols[8].validity)
            for r in 0..<cols[0].count {
                let path = text(paths, r)
                try TablePath.check(path, version: version)
                let kind = kinds[r]
                if kind.elementsEqual("add".utf8) {
                    guard rowsValid?[r] ?? true else { throw corrupt("row \(r): an add row without its row count") }
                    for column in statColumns {
                        guard let column, column.nullsValid?[r] ?? true else { continue }
                        let nulls = column.nulls[r]
                        guard nulls >= 0 else { throw corrupt("row \(r): a null count of \(nulls)") }
                        guard nulls <= rows[r] else { throw corrupt("row \(r): '\(path)': a column has \(nulls) nulls in \(rows[r]) rows") }
                    }
                    let spec = clusteringValid?[r] ?? true ? try clusterings.value(clustering[r]) : nil
                    var file = TableFile(path: path, partitionValues: try partitionValues.value(partitions[r]), size: sizes[r], rows: rows[r],
                                         modificationTime: times[r], dataChange: changes[r], statistics: [],
                                         blooms: try bloomLists.value(blooms[r]), clustering: spec)
                    file.storedStatistics = .checkpoint(statistics, row: r)
                    let checked = try file.checked(version: version, in: "checkpoint row \(r)")
                    if let last = ordered?.last, last.path >= path {
                        for earlier in ordered! { builder.files[earlier.path] = earlier }
                        ordered = nil
                    }
                    if ordered != nil { ordered!.append(checked) } else { builder.files[path] = checked }
                } else if kind.elementsEqual("remove".utf8) {
                    guard sizes[r] >= 0 else { throw corrupt("row \(r): size \(sizes[r]) is negative") }
                    builder.tombstones[path] = RemoveAction(path: path, deletionTime: times[r], dataChange: changes[r], size: sizes[r])
                } else {
                    throw corrupt("row \(r): unknown kind '\(text(kinds, r))'")
                }
            }
        }
        builder.checkpointFiles = ordered
        return builder
    }
}
