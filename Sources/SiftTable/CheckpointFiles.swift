import SiftFormat
import SiftIndex

/// The live files of a checkpoint (`spec/table.md` §7) kept as the columns they were read as,
/// one position per `add` row in path order, instead of one ``TableFile`` per row.
///
/// A needle's plan on a table of 100,000 files keeps a few hundred of them: making, retaining
/// and freeing a `TableFile` (a path string, a dictionary of partition values, a list of bloom
/// columns) for every row was most of a fresh load (issue 19 item 3). Planning reads these
/// columns directly (partition groups, sizes, the bounds of the predicate's columns, index
/// slots) and makes a `TableFile` only for the files it keeps, or when asked for all of them.
final class CheckpointFiles: Sendable {
    /// Paths, in strictly increasing byte order (checked as read).
    let paths: VarBytes
    let sizes: [Int64]
    let rows: [Int64]
    let times: [Int64]
    let changes: [Bool]
    /// Each file's partition values, as an index into `partitionValues` (rows that repeat a
    /// value share one).
    let partitionGroup: [Int32]
    let partitionValues: [[String: String?]]
    let bloomGroup: [Int32]
    let bloomLists: [[String]]
    let clusteringGroup: [Int32]
    let clusterings: [ClusteringSpec?]
    /// The statistics columns of the row group each file's row is in, and its row there.
    let statisticsChunk: [Int32]
    let statisticsRow: [Int32]
    let statistics: [CheckpointStatistics]
    /// Each file's place in the checkpoint's index segments (reader version 3: the
    /// `index_segment` and `index_slot` columns); nil for older checkpoints, which list each
    /// segment's files by path instead.
    let indexSlots: [PlanningAids.IndexSlot]?

    init(paths: VarBytes, sizes: [Int64], rows: [Int64], times: [Int64], changes: [Bool],
         partitionGroup: [Int32], partitionValues: [[String: String?]], bloomGroup: [Int32], bloomLists: [[String]],
         clusteringGroup: [Int32], clusterings: [ClusteringSpec?],
         statisticsChunk: [Int32], statisticsRow: [Int32], statistics: [CheckpointStatistics], indexSlots: [PlanningAids.IndexSlot]?) {
        self.paths = paths
        self.sizes = sizes
        self.rows = rows
        self.times = times
        self.changes = changes
        self.partitionGroup = partitionGroup
        self.partitionValues = partitionValues
        self.bloomGroup = bloomGroup
        self.bloomLists = bloomLists
        self.clusteringGroup = clusteringGroup
        self.clusterings = clusterings
        self.statisticsChunk = statisticsChunk
        self.statisticsRow = statisticsRow
        self.statistics = statistics
        self.indexSlots = indexSlots
    }

    var count: Int { sizes.count }

    func path(_ i: Int) -> String { paths.string(at: i) }

    /// The file at position `i`, its statistics left in the checkpoint's columns.
    func file(_ i: Int) -> TableFile {
        var file = TableFile(path: path(i), partitionValues: partitionValues[Int(partitionGroup[i])], size: sizes[i], rows: rows[i],
                             modificationTime: times[i], dataChange: changes[i], statistics: [],
                             blooms: bloomLists[Int(bloomGroup[i])], clustering: clusterings[Int(clusteringGroup[i])])
        file.storedStatistics = .checkpoint(statistics[Int(statisticsChunk[i])], row: Int(statisticsRow[i]))
        return file
    }

    /// Every file's bounds of table column `c`, by position: each row group's statistics
    /// columns taken once, each value read where it is.
    func bounds(column c: Int, type: ColumnType) -> [ColumnBounds] {
        var out: [ColumnBounds] = []
        out.reserveCapacity(count)
        var i = 0
        while i < count {
            let chunk = Int(statisticsChunk[i])
            var end = i + 1
            while end < count, statisticsChunk[end] == statisticsChunk[i] { end += 1 }
            let columns = statistics[chunk].columns
            guard c < columns.count, let column = columns[c] else {
                for k in i..<end { out.append(ColumnBounds(Statistics(nullCount: UInt64(rows[k])), rows: UInt64(rows[k]), type: type)) }
                i = end
                continue
            }
            for k in i..<end {
                let (r, rows) = (Int(statisticsRow[k]), UInt64(self.rows[k]))
                guard column.nullsValid?[r] ?? true else {
                    out.append(ColumnBounds(Statistics(nullCount: rows), rows: rows, type: type))
                    continue
                }
                let min = column.minsValid?[r] ?? true ? column.mins.withValue(r) { Key.fromStatistics($0, type: type) } : nil
                let max = column.maxesValid?[r] ?? true ? column.maxes.withValue(r) { Key.fromStatistics($0, type: type) } : nil
                out.append(ColumnBounds(rows: rows, nullCount: UInt64(Swift.max(column.nulls[r], 0)), min: min, max: max,
                                        minExact: column.exact[r] & 1 != 0, maxExact: column.exact[r] & 2 != 0, type: type))
            }
            i = end
        }
        return out
    }

    /// The position of `path`, if a file of the checkpoint has it (binary search: paths are sorted).
    func position(of path: String) -> Int? {
        var path = path
        return path.withUTF8 { target in
            var (low, high) = (0, count)
            while low < high {
                let mid = (low + high) / 2
                let here = paths[mid]
                if here.elementsEqual(target) { return mid }
                if here.lexicographicallyPrecedes(target) { low = mid + 1 } else { high = mid }
            }
            return nil
        }
    }

    /// Whether the path at `i` sorts before `path` (byte order, as paths are compared).
    func path(_ i: Int, precedes path: String) -> Bool {
        var path = path
        return path.withUTF8 { paths[i].lexicographicallyPrecedes($0) }
    }

    func path(_ i: Int, equals path: String) -> Bool {
        var path = path
        return path.withUTF8 { paths[i].elementsEqual($0) }
    }
}
