import SiftFormat

/// A data file of a snapshot: its add action with statistics decoded, by table column.
public struct TableFile: Sendable, Equatable {
    /// Relative to the table folder.
    public var path: String
    /// Partition expression -> value (nil: null).
    public var partitionValues: [String: String?]
    /// Bytes.
    public var size: Int64
    /// Rows.
    public var rows: Int64
    /// When it was written, in milliseconds since the epoch.
    public var modificationTime: Int64
    /// False for files optimize wrote (rows that were already in the table).
    public var dataChange: Bool
    /// Statistics by table column index; nil (or past the end) for a column the file lacks.
    public var statistics: [Statistics?]
    /// Columns with a bloom filter in every row group.
    public var blooms: [String]
    /// How the file's rows are ordered, if clustered.
    public var clustering: ClusteringSpec?

    /// A live file.
    public init(path: String, partitionValues: [String: String?], size: Int64, rows: Int64, modificationTime: Int64,
                dataChange: Bool, statistics: [Statistics?], blooms: [String], clustering: ClusteringSpec?) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.rows = rows
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.statistics = statistics
        self.blooms = blooms
        self.clustering = clustering
    }

    /// Decodes an add action against the table's schema.
    init(_ add: AddAction, schema: Schema, version: Int64) throws {
        var statistics: [Statistics?] = Array(repeating: nil, count: schema.fields.count)
        for (name, json) in add.stats {
            guard let c = schema.index(of: name) else { continue }   // a column the table no longer has
            guard let s = json.statistics else {
                throw TableError(.corruptLog, "add '\(add.path)': statistics of '\(name)' are not hex", version: version)
            }
            statistics[c] = s
        }
        self.init(path: add.path, partitionValues: add.partitionValues, size: add.size, rows: add.rows,
                  modificationTime: add.modificationTime, dataChange: add.dataChange, statistics: statistics,
                  blooms: add.blooms, clustering: add.clustering)
    }

    /// Checks what planning converts without a second thought: a size and a row count of 0 or
    /// more, and null counts within the rows (`spec/table.md` §4.3). A hostile or damaged log
    /// (or checkpoint) with a negative count is `corrupt_log`, never a crash.
    func checked(version: Int64, in place: String) throws -> TableFile {
        func corrupt(_ what: String) -> TableError { TableError(.corruptLog, "\(place) '\(path)': \(what)", version: version) }
        guard size >= 0 else { throw corrupt("size \(size) is negative") }
        guard rows >= 0 else { throw corrupt("rows \(rows) is negative") }
        for s in statistics {
            if let s, s.nullCount > UInt64(rows) { throw corrupt("a column has \(s.nullCount) nulls in \(rows) rows") }
        }
        return self
    }

    /// The add action that records this file.
    func addAction(schema: Schema) -> AddAction {
        var stats: [String: ColumnStatsJSON] = [:]
        for (c, s) in statistics.enumerated() { if let s, c < schema.fields.count { stats[schema.fields[c].name] = ColumnStatsJSON(s) } }
        return AddAction(path: path, partitionValues: partitionValues, size: size, rows: rows, modificationTime: modificationTime,
                         dataChange: dataChange, stats: stats, blooms: blooms, clustering: clustering)
    }

    /// The statistics of column `c`, or nil when the file lacks it.
    public func statistics(_ c: Int) -> Statistics? { c < statistics.count ? statistics[c] : nil }
}
