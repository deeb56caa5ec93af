import SiftPlatform
import SiftFormat

/// One row group of a checkpoint (`spec/table.md` §7), read and checked: its add rows as
/// columns, its tombstones, and whether its add rows' paths are strictly increasing. Row groups
/// are independent, so a checkpoint's are read on several cores and then ``merged(_:)``.
struct CheckpointRowGroup: Sendable {
    /// What every row group of one checkpoint shares.
    struct Layout: Sendable {
        var version: Int64
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
        let version = layout.version
        func corrupt(_ message: String) -> TableError { Checkpoint.corrupt(message, version: version) }
        func text(_ v: VarBytes, _ r: Int) -> String { String(decoding: v[r], as: UTF8.self) }
        // The columns whose rows repeat a few values (kind, partition values, bloom lists,
        // clustering) are read as their distinct values and each row's number; the rest whole.
        let numberedColumns = [0, 2, 7, 8]
        var cols: [ColumnVector] = []
        var numbered: [Int: NumberedStrings] = [:]
        do {
            let whole = reader.schema.fields.indices.filter { !numberedColumns.contains($0) }
            let read = try reader.readColumns(rowGroup: g, columns: whole)
            cols = Array(repeating: ColumnVector(.bool([])), count: reader.schema.fields.count)
            for (c, vector) in zip(whole, read) { cols[c] = vector }
            for c in numberedColumns { numbered[c] = try NumberedStrings(reader, rowGroup: g, column: c) }
        } catch { throw corrupt("\(error)") }
        guard let kinds = numbered[0], case .string(let rowPaths) = cols[1].values,
              let partitions = numbered[2], case .int64(let rowSizes) = cols[3].values,
              case .int64(let rowCounts) = cols[4].values, case .int64(let rowTimes) = cols[5].values,
              case .bool(let rowChanges) = cols[6].values, let blooms = numbered[7],
              let clustering = numbered[8] else { throw corrupt("unexpected column types") }
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
        let rowsValid = cols[4].validity
        var segmentOf: [Int32] = [], slotOf: [Int32] = [], segmentValid: Bitmap?, slotValid: Bitmap?
        if layout.slots {
            guard case .int32(let s) = cols[9].values, case .int32(let k) = cols[10].values else { throw corrupt("unexpected column types") }
            (segmentOf, slotOf, segmentValid, slotValid) = (s, k, cols[9].validity, cols[10].validity)
        }
        // Row by row only where rows must be told apart (kinds, paths); then column by column
        // over the add rows, without a slice or a copy of a column per row.
        let n = rowPaths.count
        guard kinds.count == n, partitions.count == n, blooms.count == n, clustering.count == n else { throw corrupt("columns of different lengths") }
        // Each distinct kind looked at once: 1 add, 0 remove, -1 neither.
        let kindOfEntry = (0..<kinds.entries.count).map { e in kinds.entries.withValue(e) { $0.elementsEqual("add".utf8) ? 1 : $0.elementsEqual("remove".utf8) ? 0 : -1 } }
        var adds: [Int] = [], isAdd = Array(repeating: false, count: n)
        adds.reserveCapacity(n)
        for r in 0..<n {
            let kind = kinds.isNull(r) ? -1 : kindOfEntry[Int(kinds.codes[r])]
            guard kind >= 0 else { throw corrupt("row \(r): unknown kind '\(kinds.text(r))'") }
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
        // Each distinct value decoded once, then rows take their value's number. A null
        // partition or bloom list is decoded as empty text (an error, as it must be); a null
        // clustering is JSON null.
        var r = 0
        do {
            try partitionGroup = partitions.groups(adds, row: &r, null: []) { try partitionValues.group($0) }
            try bloomGroup = blooms.groups(adds, row: &r, null: []) { try bloomLists.group($0) }
            try clusteringGroup = clustering.groups(adds, row: &r, null: Checkpoint.null) { try clusterings.group($0) }
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

    /// A string column as its distinct values and each row's number: a dictionary page's
    /// entries and codes as stored (no row's bytes copied out), any other page's rows each
    /// their own entry.
    struct NumberedStrings {
        var entries = VarBytes()
        var codes: [UInt32] = []
        /// Each row's validity, when some row is null.
        var valid: [Bool]?
        var count: Int { codes.count }

        init(_ reader: SiftReader, rowGroup g: Int, column c: Int) throws {
            for p in try reader.pages(rowGroup: g, column: c).indices {
                let page = try reader.readEncodedPage(rowGroup: g, column: c, page: p)
                let base = UInt32(entries.count)
                if let validity = page.validity {
                    if valid == nil { valid = Array(repeating: true, count: codes.count) }
                    valid! += (0..<page.rowCount).map { validity[$0] }
                } else if valid != nil {
                    valid! += repeatElement(true, count: page.rowCount)
                }
                switch page.values {
                case .dictionary(entries: let vector, codes: let pageCodes):
                    guard case .string(let pageEntries) = vector.values else { throw FormatError(.invalidArgument, "not a string column") }
                    entries.append(contentsOf: pageEntries)
                    codes += pageCodes.lazy.map { $0 + base }
                case .decoded(let vector):
                    guard case .string(let values) = vector.values else { throw FormatError(.invalidArgument, "not a string column") }
                    entries.append(contentsOf: values)
                    codes += (0..<UInt32(values.count)).lazy.map { $0 + base }
                case .frameOfReference:
                    throw FormatError(.invalidArgument, "a string column in frame-of-reference encoding")
                }
            }
        }

        func isNull(_ r: Int) -> Bool { !(valid?[r] ?? true) }

        /// Row `r`'s value as text (for errors).
        func text(_ r: Int) -> String { isNull(r) ? "" : entries.string(at: Int(codes[r])) }

        /// The number `group` gives each of `rows`' values, asked once per distinct entry
        /// (`null`'s bytes for a null row); `row` is the row being numbered if `group` throws.
        func groups(_ rows: [Int], row: inout Int, null: [UInt8], _ group: (UnsafeBufferPointer<UInt8>) throws -> Int32) rethrows -> [Int32] {
            var ofEntry = [Int32?](repeating: nil, count: entries.count)
            var nullGroup: Int32?
            var out: [Int32] = []
            out.reserveCapacity(rows.count)
            for r in rows {
                row = r
                if isNull(r) {
                    if nullGroup == nil { nullGroup = try null.withUnsafeBufferPointer(group) }
                    out.append(nullGroup!)
                    continue
                }
                let e = Int(codes[r])
                if let known = ofEntry[e] { out.append(known); continue }
                let made = try entries.withValue(e, group)
                ofEntry[e] = made
                out.append(made)
            }
            return out
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
