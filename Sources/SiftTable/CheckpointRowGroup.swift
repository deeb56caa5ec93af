import SiftPlatform
import SiftFormat

/// One row group of a checkpoint (`spec/table.md` §7), read and checked: its add rows as
/// columns, its tombstones, and whether its add rows' paths are strictly increasing. Row groups
/// are independent, so a checkpoint's are read on several cores and then ``merged(_:)``.
struct CheckpointRowGroup: Sendable {
    /// What every row group of one checkpoint shares.
    struct Layout: Sendable {
        var version: Int64
        /// The checkpoint's file name, for errors.
        var name: String
        /// Table columns.
        var width: Int
        /// The first statistics column.
        var statisticsStart: Int
        /// Whether the checkpoint has the `index_segment` and `index_slot` columns (§7.1).
        var slots: Bool
        /// Files covered by each of the checkpoint's index segments.
        var segmentCounts: [Int]
    }

    var paths = VarBytes()
    var sizes: [Int64] = [], rows: [Int64] = [], times: [Int64] = []
    var changes: [Bool] = []
    var partitionGroup: [Int32] = [], partitionValues: [[String: String?]] = []
    var bloomGroup: [Int32] = [], bloomLists: [[String]] = []
    var clusteringGroup: [Int32] = [], clusterings: [ClusteringSpec?] = []
    var statistics: [CheckpointStatistics] = []
    var statisticsChunk: [Int32] = [], statisticsRow: [Int32] = []
    var indexSlots: [PlanningAids.IndexSlot] = []
    var tombstones: [RemoveAction] = []
    /// Whether the add rows' paths are strictly increasing in byte order (as writers write them).
    var ordered = true

    private init() {}

    /// Reads and checks row group `g`.
    /// - Throws: `TableError` (`corrupt_log`, or `unsafe_path` for a path leaving the table).
    init(_ reader: SiftReader, rowGroup g: Int, layout: Layout) throws {
        let (version, name) = (layout.version, layout.name)
        func corrupt(_ message: String) -> TableError { TableError(.corruptLog, "checkpoint: \(message)", version: version, path: name) }
        func text(_ v: VarBytes, _ r: Int) -> String { String(decoding: v[r], as: UTF8.self) }
        let cols: [ColumnVector]
        do { cols = try reader.readColumns(rowGroup: g) } catch { throw corrupt("\(error)") }
        guard case .string(let kinds) = cols[0].values, case .string(let rowPaths) = cols[1].values,
              case .string(let partitions) = cols[2].values, case .int64(let rowSizes) = cols[3].values,
              case .int64(let rowCounts) = cols[4].values, case .int64(let rowTimes) = cols[5].values,
              case .bool(let rowChanges) = cols[6].values, case .string(let blooms) = cols[7].values,
              case .string(let clustering) = cols[8].values else { throw corrupt("unexpected column types") }
        // Each statistics column taken apart once and kept: files decode their statistics
        // from it when asked. Null counts are checked here, for every row.
        var statColumns: [CheckpointStatistics.Columns?] = []
        for c in 0..<layout.width {
            let base = layout.statisticsStart + 4 * c
            guard case .int64(let nulls) = cols[base].values, case .binary(let mins) = cols[base + 1].values,
                  case .binary(let maxes) = cols[base + 2].values, case .uint16(let exact) = cols[base + 3].values else {
                statColumns.append(nil)
                continue
            }
            statColumns.append(CheckpointStatistics.Columns(nulls: nulls, nullsValid: cols[base].validity, mins: mins, minsValid: cols[base + 1].validity,
                                                            maxes: maxes, maxesValid: cols[base + 2].validity, exact: exact))
        }
        statistics = [CheckpointStatistics(columns: statColumns)]
        let (rowsValid, clusteringValid) = (cols[4].validity, cols[8].validity)
        var segmentOf: [Int32] = [], slotOf: [Int32] = [], segmentValid: Bitmap?, slotValid: Bitmap?
        if layout.slots {
            guard case .int32(let s) = cols[9].values, case .int32(let k) = cols[10].values else { throw corrupt("unexpected column types") }
            (segmentOf, slotOf, segmentValid, slotValid) = (s, k, cols[9].validity, cols[10].validity)
        }
        // Row by row only where rows must be told apart (kinds, paths); then column by column
        // over the add rows, without a slice or a copy of a column per row.
        let n = cols[0].count
        var adds: [Int] = [], isAdd = Array(repeating: false, count: n)
        adds.reserveCapacity(n)
        for r in 0..<n {
            let kind = kinds.withValue(r) { $0.count == 3 && $0[0] == 0x61 && $0[1] == 0x64 && $0[2] == 0x64 ? 1 : $0.elementsEqual("remove".utf8) ? 0 : -1 }   // "add"
            guard kind >= 0 else { throw corrupt("row \(r): unknown kind '\(text(kinds, r))'") }
            if kind == 1 { adds.append(r); isAdd[r] = true }
        }
        func bad(_ r: Int, _ what: String) -> TableError { corrupt("row \(r): '\(text(rowPaths, r))': \(what)") }
        for r in 0..<n {
            // Checked as bytes; only an unsafe path is made a string (for the error).
            if rowPaths.withValue(r, { $0.isEmpty || TablePath.problem($0) != nil }) { try TablePath.check(text(rowPaths, r), version: version) }
        }
        for r in adds {
            guard rowsValid?[r] ?? true else { throw corrupt("row \(r): an add row without its row count") }
            guard rowSizes[r] >= 0 else { throw bad(r, "size \(rowSizes[r]) is negative") }
            guard rowCounts[r] >= 0 else { throw bad(r, "rows \(rowCounts[r]) is negative") }
        }
        for case let column? in statColumns {
            for r in adds where column.nullsValid?[r] ?? true {
                let nulls = column.nulls[r]
                guard nulls >= 0 else { throw corrupt("row \(r): a null count of \(nulls)") }
                guard nulls <= rowCounts[r] else { throw bad(r, "a column has \(nulls) nulls in \(rowCounts[r]) rows") }
            }
        }
        for (a, b) in zip(adds, adds.dropFirst()) where !rowPaths.value(a, precedes: b) {
            ordered = false
            break
        }
        let decoder = JSONDecoder()
        var partitionValues = Checkpoint.RepeatedValues { try decoder.decode([String: String?].self, from: Data($0)) }
        var bloomLists = Checkpoint.RepeatedValues { try decoder.decode([String].self, from: Data($0)) }
        var clusterings = Checkpoint.RepeatedValues { try decoder.decode(ClusteringSpec?.self, from: Data($0)) }
        partitionGroup.reserveCapacity(adds.count); bloomGroup.reserveCapacity(adds.count); clusteringGroup.reserveCapacity(adds.count)
        var r = 0
        do {
            for row in adds {
                r = row
                partitionGroup.append(try partitions.withValue(row) { try partitionValues.group($0) })
                bloomGroup.append(try blooms.withValue(row) { try bloomLists.group($0) })
                clusteringGroup.append(try clusteringValid?[row] ?? true ? clustering.withValue(row) { try clusterings.group($0) }
                                                                     : Checkpoint.null.withUnsafeBufferPointer { try clusterings.group($0) })
            }
        } catch let error as TableError { throw error } catch { throw bad(r, LogEntryCodec.describe(error)) }
        (self.partitionValues, self.bloomLists, self.clusterings) = (partitionValues.values, bloomLists.values, clusterings.values)
        if layout.slots {
            indexSlots.reserveCapacity(adds.count)
            for r in adds {
                guard segmentValid?[r] ?? true else { indexSlots.append(.none); continue }
                let (s, k) = (segmentOf[r], slotOf[r])
                guard slotValid?[r] ?? true, s >= 0, Int(s) < layout.segmentCounts.count, k >= 0, Int(k) < layout.segmentCounts[Int(s)] else {
                    throw bad(r, "index slot \(s), \(k) is outside the checkpoint's segments")
                }
                indexSlots.append(PlanningAids.IndexSlot(segment: s, slot: k))
            }
        }
        if adds.count == n {
            // The usual row group: add rows only, its columns used as read.
            (paths, sizes, rows, times, changes) = (rowPaths, rowSizes, rowCounts, rowTimes, rowChanges)
        } else {
            paths = rowPaths.gathered(adds)
            for r in adds { sizes.append(rowSizes[r]); rows.append(rowCounts[r]); times.append(rowTimes[r]); changes.append(rowChanges[r]) }
        }
        statisticsChunk = Array(repeating: 0, count: adds.count)
        statisticsRow = adds.map { Int32($0) }
        for r in 0..<n where !isAdd[r] {
            guard rowSizes[r] >= 0 else { throw corrupt("row \(r): size \(rowSizes[r]) is negative") }
            tombstones.append(RemoveAction(path: text(rowPaths, r), deletionTime: rowTimes[r], dataChange: rowChanges[r], size: rowSizes[r]))
        }
    }

    /// Row groups in order as one: columns appended, each group's numbers (partition values,
    /// bloom lists, clusterings, statistics chunks) moved past the previous groups'.
    static func merged(_ parts: [CheckpointRowGroup]) -> CheckpointRowGroup {
        if parts.count == 1 { return parts[0] }
        var all = CheckpointRowGroup()
        for part in parts {
            if all.ordered, part.paths.count > 0, all.paths.count > 0,
               !all.paths[all.paths.count - 1].lexicographicallyPrecedes(part.paths[0]) { all.ordered = false }
            all.ordered = all.ordered && part.ordered
            all.paths.append(contentsOf: part.paths)
            all.sizes += part.sizes; all.rows += part.rows; all.times += part.times; all.changes += part.changes
            let (p, b, c, s) = (Int32(all.partitionValues.count), Int32(all.bloomLists.count), Int32(all.clusterings.count), Int32(all.statistics.count))
            all.partitionGroup += part.partitionGroup.lazy.map { $0 + p }
            all.bloomGroup += part.bloomGroup.lazy.map { $0 + b }
            all.clusteringGroup += part.clusteringGroup.lazy.map { $0 + c }
            all.statisticsChunk += part.statisticsChunk.lazy.map { $0 + s }
            all.partitionValues += part.partitionValues; all.bloomLists += part.bloomLists; all.clusterings += part.clusterings
            all.statistics += part.statistics
            all.statisticsRow += part.statisticsRow
            all.indexSlots += part.indexSlots
            all.tombstones += part.tombstones
        }
        return all
    }

    /// The add rows as a checkpoint's files (with index slots when the layout has them).
    func files(slots: Bool) -> CheckpointFiles {
        CheckpointFiles(paths: paths, sizes: sizes, rows: rows, times: times, changes: changes,
                        partitionGroup: partitionGroup, partitionValues: partitionValues, bloomGroup: bloomGroup, bloomLists: bloomLists,
                        clusteringGroup: clusteringGroup, clusterings: clusterings,
                        statisticsChunk: statisticsChunk, statisticsRow: statisticsRow, statistics: statistics, indexSlots: slots ? indexSlots : nil)
    }
}
