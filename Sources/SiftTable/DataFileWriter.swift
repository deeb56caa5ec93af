import SiftPlatform
import SiftFormat

/// Writes rows into new data files of a table, one file per partition (split further every
/// `maxRowsPerFile` rows), and describes each for the log. Files become part of the table only
/// when a commit adds them; until then (or if the writer dies) they are unreferenced, and
/// vacuum removes them after the retention period.
final class DataFileWriter {
    let root: String
    let schema: Schema
    let partitioning: Partitioning
    let options: WriterOptions
    let clustering: ClusteringSpec?
    let maxRowsPerFile: Int
    let fileSystem: any FileSystem
    private var open: [[String?]: (writer: SiftWriter, path: String, rows: Int)] = [:]
    /// The columns the table index holds keys of: those with bloom filters.
    private let indexed: [Int]
    /// Index fingerprints of each written file's keys (by path), from the keys its writer's
    /// bloom filters hashed.
    private var writtenKeys: [String: [UInt32]] = [:]
    /// The pairs of columns the table index holds pairs of values of (§11.1), by name, and by
    /// position with their salt; and the pair fingerprints of each open file's rows so far (by path).
    let pairNames: [[String]]
    private let pairs: [(a: Int, b: Int, salt: UInt64)]
    private var pairKeys: [String: Set<UInt32>] = [:]
    private(set) var written: [TableFile] = []

    /// A writer of files ordered by `clustering` (if any) into a table clustered by
    /// `tableClustering` (its metadata's `cluster_by`): the first that names two indexed
    /// columns gives the pair the table index holds.
    init(root: String, schema: Schema, partitioning: Partitioning, options: WriterOptions, clustering: ClusteringSpec? = nil,
         tableClustering: ClusteringSpec? = nil, maxRowsPerFile: Int = .max, fileSystem: any FileSystem) {
        self.root = root
        self.fileSystem = fileSystem
        self.schema = schema
        self.partitioning = partitioning
        self.options = options
        self.clustering = clustering
        self.maxRowsPerFile = maxRowsPerFile
        indexed = schema.fields.indices.filter { options.wantsBloomFilter(schema.fields[$0]) }
        pairNames = IndexSegment.pairs(clustering: clustering ?? tableClustering, indexed: Set(indexed.map { schema.fields[$0].name }))
        // Both columns are indexed columns of `schema`, so both are found.
        pairs = pairNames.map { (schema.index(of: $0[0])!, schema.index(of: $0[1])!, IndexSegment.pairSalt($0[0], $0[1])) }
    }

    /// Adds rows (of the table's schema).
    func write(_ batch: RecordBatch) throws {
        for (values, rows) in partitioning.split(batch) {
            let part = rows.count == batch.rowCount ? batch : try RecordBatch(schema: schema, columns: batch.columns.map { $0.gather(rows) })
            var start = 0
            while start < part.rowCount {
                if open[values] == nil { open[values] = try newFile(values) }
                let take = min(part.rowCount - start, maxRowsPerFile - open[values]!.rows)
                let slice = take == part.rowCount ? part : try RecordBatch(schema: schema, columns: part.columns.map { $0.slice(start..<(start + take)) })
                try open[values]!.writer.write(slice)
                for pair in pairs {
                    IndexSegment.pairFingerprints(slice.columns[pair.a], slice.columns[pair.b], salt: pair.salt, into: &pairKeys[open[values]!.path, default: []])
                }
                open[values]!.rows += take
                start += take
                if open[values]!.rows >= maxRowsPerFile { try close(values) }
            }
        }
    }

    /// Files not finished (an append that failed part-way) are abandoned: nothing of them stays.
    deinit {
        for file in open.values { file.writer.discard() }
    }

    /// The index keys of every file written, in order, and the indexed columns with their
    /// key kinds.
    var indexKeys: (files: [(path: String, keys: [UInt32])], columns: [String: UInt8]) {
        let columns = Dictionary(uniqueKeysWithValues: indexed.map { (schema.fields[$0].name, options.bloomContents(schema.fields[$0], trigrams: false).rawValue) })
        return (written.map { ($0.path, writtenKeys[$0.path] ?? []) }, columns)
    }

    /// The `index` action for the files written, when the table's protocol has indexes
    /// (reader version 2); none for older tables, whose readers would not know the action.
    func indexActions(_ read: Snapshot) throws -> [Action] {
        let (files, columns) = indexKeys
        guard read.protocolVersion.readerVersion >= 2, !files.isEmpty, !columns.isEmpty else { return [] }
        return [.index(try IndexSegment.write(files, columns: columns, pairs: pairNames, root: root, fileSystem: fileSystem))]
    }

    /// Closes every file; returns all files written.
    func finish() throws -> [TableFile] {
        for values in Array(open.keys) { try close(values) }
        return written
    }

    private func newFile(_ values: [String?]) throws -> (writer: SiftWriter, path: String, rows: Int) {
        let folder = partitioning.folder(values)
        let name = "part-\(UUID().uuidString.lowercased()).sift"
        let path = folder.isEmpty ? name : folder + "/" + name
        if !folder.isEmpty {
            let absolute = try TablePath.resolve(folder, root: root, version: nil, fileSystem: fileSystem)
            do { try fileSystem.createFolder(absolute) } catch {
                throw TableError(.io, "cannot create the partition folder: \(error.message)", path: folder)
            }
        }
        let writer = try SiftWriter(path: root + "/" + path, schema: schema, options: options, fileSystem: fileSystem)
        if !indexed.isEmpty { writer.collectBloomKeys() }
        return (writer, path, 0)
    }

    private func close(_ values: [String?]) throws {
        guard let file = open.removeValue(forKey: values) else { return }
        try file.writer.close()
        guard let metadata = file.writer.writtenMetadata else { return }
        // The add action records the size readers check the file against (§4.3): a failed
        // status must fail the write, not record 0.
        let status: FileStatus?
        do { status = try fileSystem.status(root + "/" + file.path) } catch {
            throw TableError(.io, "cannot read the size of the file just written: \(error)", path: file.path)
        }
        guard let size = status.map({ Int64($0.size) }) else {
            throw TableError(.io, "the file just written is gone", path: file.path)
        }
        written.append(Self.describe(metadata, path: file.path, size: size, partitionValues: partitioning.valueMap(values), clustering: clustering))
        var keys = Set<UInt32>()
        for (c, hashes) in file.writer.fileBloomKeys ?? [:] where indexed.contains(c) {
            let salt = IndexSegment.salt(column: schema.fields[c].name)
            for hash in hashes { keys.insert(IndexSegment.fingerprint(salt: salt, keyHash: hash)) }
        }
        keys.formUnion(pairKeys.removeValue(forKey: file.path) ?? [])
        writtenKeys[file.path] = keys.sorted()
    }

    /// A file's log entry from its footer: statistics merged over row groups, and the columns
    /// that have a bloom filter in every row group.
    static func describe(_ metadata: FileMetadata, path: String, size: Int64, partitionValues: [String: String?], clustering: ClusteringSpec?) -> TableFile {
        let fields = metadata.schema.fields
        var statistics: [Statistics?] = []
        var blooms: [String] = []
        for c in fields.indices {
            let chunks = metadata.rowGroups.map { $0.columns[c] }
            let merged = chunks.dropFirst().reduce(chunks.first?.statistics ?? Statistics()) { $0.merged(with: $1.statistics, type: fields[c].type) }
            statistics.append(merged)
            if !chunks.isEmpty, chunks.allSatisfy({ $0.bloomFilter != nil }) { blooms.append(fields[c].name) }
        }
        return TableFile(path: path, partitionValues: partitionValues, size: size, rows: Int64(metadata.rowCount),
                         modificationTime: Table.nowMillis(), dataChange: true,
                         statistics: statistics, blooms: blooms, clustering: clustering)
    }
}
