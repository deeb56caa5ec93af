import SiftPlatform
import SiftFormat
import SiftIndex

/// The reader and writer versions a table needs (`spec/table.md` §4.1).
public struct ProtocolAction: Codable, Sendable, Equatable {
    /// The lowest reader version that can read the table.
    public var readerVersion: Int
    /// The lowest writer version that can write to it.
    public var writerVersion: Int

    /// What this library reads and writes.
    /// Version 2 adds `index` actions (`spec/table.md` §4.7); version 3 keeps each file's index
    /// slot in checkpoint columns (§7). Tables created by this library use version 3; version 1
    /// and 2 tables are read and written as they are (version 1 without an index) until
    /// ``Table/upgradeProtocol()``.
    public static let current = ProtocolAction(readerVersion: 3, writerVersion: 3)

    enum CodingKeys: String, CodingKey {
        case readerVersion = "reader_version"
        case writerVersion = "writer_version"
    }
}

/// A column of a table's schema as the log stores it (the schema file's form, `spec/format.md` §3.4).
public struct FieldJSON: Codable, Sendable, Equatable {
    /// The column's name.
    public var name: String
    /// The column's type name (`spec/format.md` §3.1).
    public var type: String
    /// Whether rows may be null.
    public var nullable: Bool
    /// The column's hint name, if any (`domain`, `json`).
    public var hint: String?
}

/// How a table's files are clustered: a space-filling curve over columns (`spec/table.md`
/// §4.2; in the log, `{"curve": "hilbert", "columns": [...]}`).
public struct ClusteringSpec: Codable, Sendable, Equatable {
    /// The curve files are ordered along.
    public var curve: SpaceFillingCurve
    /// The columns that are the curve's dimensions.
    public var columns: [String]

    /// A clustering over `columns`.
    public init(curve: SpaceFillingCurve, columns: [String]) {
        self.curve = curve
        self.columns = columns
    }

    /// Parses `hilbert:a,b`, `zorder:a,b`, or `a,b` (Hilbert), 1 to 4 columns.
    /// - Throws: `TableError.invalidArgument` naming what is wrong.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let (name, list) = parts.count == 2 ? (parts[0], parts[1]) : ("hilbert", parts[0])
        guard let curve = SpaceFillingCurve(rawValue: name) else {
            throw TableError(.invalidArgument, "clustering curve must be \(SpaceFillingCurve.allCases.map(\.rawValue).joined(separator: " or ")), not '\(name)'")
        }
        let columns = list.split(separator: ",").map { $0.trimmingWhitespace() }
        guard (1...4).contains(columns.count) else { throw TableError(.invalidArgument, "cluster by 1 to 4 columns, not \(columns.count)") }
        self.init(curve: curve, columns: columns)
    }

    /// `curve:col,col`, as `init(parsing:)` reads it.
    public var description: String { "\(curve.rawValue):\(columns.joined(separator: ","))" }

    /// The clustering that orders rows this way.
    public var clustering: Clustering { Clustering(curve: curve, columns: columns) }
}

/// The table's schema, partitioning, clustering and properties (`spec/table.md` §4.2). The
/// last one in the log is the table's current metadata.
public struct MetadataAction: Codable, Sendable, Equatable {
    /// A random identifier fixed at creation.
    public var id: String
    /// The table's columns, in order.
    public var schema: [FieldJSON]
    /// Partition expressions in folder order: a column name or `date(column)`.
    public var partitionBy: [String]
    /// How `optimize` orders rows in files, if at all.
    public var clusterBy: ClusteringSpec?
    /// Settings by name, such as the bloom filter columns.
    public var properties: [String: String]
    /// Milliseconds since the epoch.
    public var createdTime: Int64

    package init(id: String, schema: [FieldJSON], partitionBy: [String], clusterBy: ClusteringSpec?, properties: [String: String], createdTime: Int64) {
        self.id = id
        self.schema = schema
        self.partitionBy = partitionBy
        self.clusterBy = clusterBy
        self.properties = properties
        self.createdTime = createdTime
    }

    enum CodingKeys: String, CodingKey {
        case id, schema, properties
        case partitionBy = "partition_by"
        case clusterBy = "cluster_by"
        case createdTime = "created_time"
    }

    /// The schema as the format's type.
    public func tableSchema() throws -> Schema {
        var fields: [Field] = []
        for f in schema {
            guard let type = ColumnType(name: f.type) else {
                throw TableError(.corruptLog, "metadata: column '\(f.name)' has unknown type '\(f.type)'")
            }
            var hint = ColumnHint.none
            if let name = f.hint {
                guard let parsed = ColumnHint(name: name) else {
                    throw TableError(.corruptLog, "metadata: column '\(f.name)' has unknown hint '\(name)'")
                }
                hint = parsed
            }
            fields.append(Field(f.name, type, nullable: f.nullable, hint: hint))
        }
        return try Schema(fields)
    }

    /// The property naming the columns that get bloom filters in files written to the table:
    /// comma-separated names, or `none` (`spec/table.md` §4.2).
    public static let bloomColumnsProperty = "bloom_columns"
    /// The property naming the string columns whose bloom filters also hold trigrams
    /// (comma-separated, or `none`; absent: string columns with hint domain).
    public static let trigramColumnsProperty = "trigram_columns"

    /// `options` with the table's writer properties applied: files appended or rewritten by
    /// optimize follow the table's settings, whoever writes them.
    public func writerOptions(_ options: WriterOptions) -> WriterOptions {
        var options = options
        if options.bloomFilterColumns == nil, let text = properties[Self.bloomColumnsProperty] {
            options.bloomFilterColumns = text == "none" ? [] : Set(text.split(separator: ",").map { $0.trimmingWhitespace() })
        }
        if options.trigramColumns == nil, let text = properties[Self.trigramColumnsProperty] {
            options.trigramColumns = text == "none" ? [] : Set(text.split(separator: ",").map { $0.trimmingWhitespace() })
        }
        return options
    }

    /// A schema's fields as the log writes them.
    public static func fields(_ schema: Schema) -> [FieldJSON] {
        schema.fields.map { FieldJSON(name: $0.name, type: $0.type.name, nullable: $0.nullable, hint: $0.hint == .none ? nil : $0.hint.name) }
    }
}

/// One column's statistics over a whole data file, in the format's statistics form
/// (`spec/format.md` §7.1) as hex, so they are exact for every type.
public struct ColumnStatsJSON: Codable, Sendable, Equatable {
    /// Null values in the file's column.
    public var nulls: UInt64
    /// The smallest value, hex-encoded physical bytes (nil: unknown or all null).
    public var min: String?
    /// The largest value, hex-encoded physical bytes (nil: unknown or all null).
    public var max: String?
    /// Whether `min` is a value present, not only a bound.
    public var minExact: Bool
    /// Whether `max` is a value present, not only a bound.
    public var maxExact: Bool

    enum CodingKeys: String, CodingKey {
        case nulls, min, max
        case minExact = "min_exact"
        case maxExact = "max_exact"
    }

    init(nulls: UInt64, min: String?, max: String?, minExact: Bool, maxExact: Bool) {
        self.nulls = nulls
        self.min = min
        self.max = max
        self.minExact = minExact
        self.maxExact = maxExact
    }

    /// A file column's statistics as the log records them.
    public init(_ s: Statistics) {
        nulls = s.nullCount
        min = s.min.map(Self.hex)
        max = s.max.map(Self.hex)
        minExact = s.minExact
        maxExact = s.maxExact
    }

    /// The statistics back; nil when a bound is not valid hex.
    public var statistics: Statistics? {
        var s = Statistics(nullCount: nulls, minExact: minExact, maxExact: maxExact)
        if let min { guard let b = Self.bytes(min) else { return nil }; s.min = b }
        if let max { guard let b = Self.bytes(max) else { return nil }; s.max = b }
        return s
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(_ hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let h = nibble(chars[i]), let l = nibble(chars[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}

/// A data file that is part of the table from this commit on (`spec/table.md` §4.3).
public struct AddAction: Codable, Sendable, Equatable {
    /// Relative to the table folder, `/`-separated, never leaving it.
    public var path: String
    /// Partition expression -> value (nil: the row's value was null).
    public var partitionValues: [String: String?]
    /// The file's size in bytes.
    public var size: Int64
    /// Rows in the file.
    public var rows: Int64
    /// Milliseconds since the epoch.
    public var modificationTime: Int64
    /// False when the commit only rearranges rows that were already in the table (optimize).
    public var dataChange: Bool
    /// Per column, by name. A column missing here is missing from the file (read as null).
    public var stats: [String: ColumnStatsJSON]
    /// Columns that have a bloom filter in every row group of the file.
    public var blooms: [String]
    /// The curve the file's rows are ordered along, when they are.
    public var clustering: ClusteringSpec?

    /// An added file.
    public init(path: String, partitionValues: [String: String?], size: Int64, rows: Int64, modificationTime: Int64,
                dataChange: Bool, stats: [String: ColumnStatsJSON], blooms: [String], clustering: ClusteringSpec?) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.rows = rows
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.stats = stats
        self.blooms = blooms
        self.clustering = clustering
    }

    enum CodingKeys: String, CodingKey {
        case path, size, rows, stats, blooms, clustering
        case partitionValues = "partition_values"
        case modificationTime = "modification_time"
        case dataChange = "data_change"
    }
}

/// A data file that leaves the table in this commit; kept as a tombstone so vacuum knows when
/// it may delete it (`spec/table.md` §4.4).
public struct RemoveAction: Codable, Sendable, Equatable {
    /// The removed file, relative to the table folder.
    public var path: String
    /// Milliseconds since the epoch.
    public var deletionTime: Int64
    /// False when rows only moved (optimize), so readers of changes can skip it.
    public var dataChange: Bool
    /// The removed file's size in bytes.
    public var size: Int64

    /// A removed file.
    public init(path: String, deletionTime: Int64, dataChange: Bool, size: Int64) {
        self.path = path
        self.deletionTime = deletionTime
        self.dataChange = dataChange
        self.size = size
    }

    enum CodingKeys: String, CodingKey {
        case path, size
        case deletionTime = "deletion_time"
        case dataChange = "data_change"
    }
}

/// The last version an idempotent writer committed (`spec/table.md` §4.5).
public struct TxnAction: Codable, Sendable, Equatable {
    /// The writer's application id (the part before `:` of `--txn APP:VERSION`).
    public var appId: String
    /// The last version that writer committed.
    public var version: Int64
    /// Milliseconds since the epoch.
    public var lastUpdated: Int64

    /// A writer's transaction.
    public init(appId: String, version: Int64, lastUpdated: Int64) {
        self.appId = appId
        self.version = version
        self.lastUpdated = lastUpdated
    }

    enum CodingKeys: String, CodingKey {
        case version
        case appId = "app_id"
        case lastUpdated = "last_updated"
    }
}

/// What the commit did, for history and for timestamp time travel (`spec/table.md` §4.6).
public struct CommitInfo: Codable, Sendable, Equatable {
    /// Milliseconds since the epoch; strictly increasing along the log.
    public var timestamp: Int64
    /// create, append, optimize, vacuum, add_column, ...
    public var operation: String
    /// The operation's parameters (partition columns, clustering, txn, ...).
    public var parameters: [String: String]
    /// The version the writer read before committing (nil for the first commit).
    public var readVersion: Int64?
    /// Only adds files, so it cannot conflict with other appends.
    public var isBlindAppend: Bool
    /// The writer (`sift 1.0`).
    public var engine: String
    /// Counts such as files_added, rows_added, bytes_added, files_removed.
    public var metrics: [String: Int64]

    package init(timestamp: Int64, operation: String, parameters: [String: String], readVersion: Int64?, isBlindAppend: Bool, engine: String, metrics: [String: Int64]) {
        self.timestamp = timestamp
        self.operation = operation
        self.parameters = parameters
        self.readVersion = readVersion
        self.isBlindAppend = isBlindAppend
        self.engine = engine
        self.metrics = metrics
    }

    enum CodingKeys: String, CodingKey {
        case timestamp, operation, parameters, engine, metrics
        case readVersion = "read_version"
        case isBlindAppend = "is_blind_append"
    }
}

/// A table index segment that covers data files (`spec/table.md` §4.7, §11).
public struct IndexAction: Codable, Sendable, Equatable {
    /// The segment, relative to the table folder (`_sift_index/<id>.sidx`).
    public var path: String
    /// The files it covers, in its order; a file covered by several segments uses the last.
    public var files: [String]
    /// The columns whose keys it holds, with what kinds of key (`BloomKeys.Contents` bits).
    public var columns: [String: UInt8]
    /// The segment's size in bytes.
    public var size: Int64
    /// Pairs of columns whose pairs of values (from one row) it also holds (`spec/table.md`
    /// §11.1), each as two column names; empty for segments without pair keys. Readers that do
    /// not know the field ignore it, and so do writers that merge segments without re-reading
    /// pairs: a segment that loses the field only prunes less.
    public var pairs: [[String]]

    /// A segment's entry.
    public init(path: String, files: [String], columns: [String: UInt8], size: Int64, pairs: [[String]] = []) {
        self.path = path
        self.files = files
        self.columns = columns
        self.size = size
        self.pairs = pairs
    }

    enum CodingKeys: String, CodingKey { case path, files, columns, size, pairs }

    /// Decodes an entry; `pairs` may be absent (segments written before pair keys).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        files = try c.decode([String].self, forKey: .files)
        columns = try c.decode([String: UInt8].self, forKey: .columns)
        size = try c.decode(Int64.self, forKey: .size)
        pairs = try c.decodeIfPresent([[String]].self, forKey: .pairs) ?? []
    }

    /// Encodes an entry; `pairs` only when there are some.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(files, forKey: .files)
        try c.encode(columns, forKey: .columns)
        try c.encode(size, forKey: .size)
        if !pairs.isEmpty { try c.encode(pairs, forKey: .pairs) }
    }
}

/// One line of a log entry.
public enum Action: Sendable, Equatable {
    case `protocol`(ProtocolAction)
    case metadata(MetadataAction)
    case add(AddAction)
    case remove(RemoveAction)
    case txn(TxnAction)
    case commitInfo(CommitInfo)
    /// A table index segment (reader version 2).
    case index(IndexAction)
}

extension Action: Codable {
    enum Kind: String, CodingKey {
        case `protocol`, metadata, add, remove, txn, index
        case commitInfo = "commit_info"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Kind.self)
        guard c.allKeys.count == 1, let kind = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "an action is an object with exactly one known key"))
        }
        switch kind {
        case .protocol: self = .protocol(try c.decode(ProtocolAction.self, forKey: kind))
        case .metadata: self = .metadata(try c.decode(MetadataAction.self, forKey: kind))
        case .add: self = .add(try c.decode(AddAction.self, forKey: kind))
        case .remove: self = .remove(try c.decode(RemoveAction.self, forKey: kind))
        case .txn: self = .txn(try c.decode(TxnAction.self, forKey: kind))
        case .commitInfo: self = .commitInfo(try c.decode(CommitInfo.self, forKey: kind))
        case .index: self = .index(try c.decode(IndexAction.self, forKey: kind))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Kind.self)
        switch self {
        case .protocol(let a): try c.encode(a, forKey: .protocol)
        case .metadata(let a): try c.encode(a, forKey: .metadata)
        case .add(let a): try c.encode(a, forKey: .add)
        case .remove(let a): try c.encode(a, forKey: .remove)
        case .txn(let a): try c.encode(a, forKey: .txn)
        case .commitInfo(let a): try c.encode(a, forKey: .commitInfo)
        case .index(let a): try c.encode(a, forKey: .index)
        }
    }
}
