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
    public var statistics: [Statistics?] {
        get { storedStatistics.all }
        set { storedStatistics = .decoded(newValue) }
    }
    /// Where the statistics are: decoded, or still in the columns of the checkpoint the file
    /// was loaded from (decoded when asked: a snapshot of 100,000 files loads without 800,000
    /// small arrays, and planning reads bounds of one or two columns).
    var storedStatistics: StoredStatistics
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
        self.storedStatistics = .decoded(statistics)
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
        if case .decoded(let all) = storedStatistics {
            for s in all {
                if let s, s.nullCount > UInt64(rows) { throw corrupt("a column has \(s.nullCount) nulls in \(rows) rows") }
            }
        }
        // (Statistics left in checkpoint columns were checked as the columns were read.)
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
    public func statistics(_ c: Int) -> Statistics? { storedStatistics.statistics(c) }

    /// Files are equal when every field is, statistics compared decoded.
    public static func == (a: TableFile, b: TableFile) -> Bool {
        a.path == b.path && a.partitionValues == b.partitionValues && a.size == b.size && a.rows == b.rows
            && a.modificationTime == b.modificationTime && a.dataChange == b.dataChange && a.statistics == b.statistics
            && a.blooms == b.blooms && a.clustering == b.clustering
    }
}

/// A file's statistics: decoded, or a row of a checkpoint's statistics columns.
enum StoredStatistics: Sendable {
    case decoded([Statistics?])
    case checkpoint(CheckpointStatistics, row: Int)

    func statistics(_ c: Int) -> Statistics? {
        switch self {
        case .decoded(let all): c < all.count ? all[c] : nil
        case .checkpoint(let columns, let row): columns.statistics(row: row, column: c)
        }
    }

    var all: [Statistics?] {
        switch self {
        case .decoded(let all): all
        case .checkpoint(let columns, let row): (0..<columns.width).map { columns.statistics(row: row, column: $0) }
        }
    }
}

/// A checkpoint's statistics columns (`spec/table.md` §7: four per table column), kept as read
/// and shared by every file loaded from it.
final class CheckpointStatistics: Sendable {
    /// One table column's four columns; nil when the checkpoint's vectors are not of these types.
    struct Columns: Sendable {
        let nulls: [Int64]
        let nullsValid: Bitmap?
        let mins: VarBytes
        let minsValid: Bitmap?
        let maxes: VarBytes
        let maxesValid: Bitmap?
        let exact: [UInt16]
    }
    let columns: [Columns?]
    var width: Int { columns.count }

    init(columns: [Columns?]) { self.columns = columns }

    func statistics(row r: Int, column c: Int) -> Statistics? {
        guard c < columns.count, let column = columns[c], column.nullsValid?[r] ?? true else { return nil }
        return Statistics(nullCount: UInt64(max(column.nulls[r], 0)),
                          min: column.minsValid?[r] ?? true ? Array(column.mins[r]) : nil,
                          max: column.maxesValid?[r] ?? true ? Array(column.maxes[r]) : nil,
                          minExact: column.exact[r] & 1 != 0, maxExact: column.exact[r] & 2 != 0)
    }

}
