import SiftFormat
import SiftIndex

/// Reads the rows of a file that a predicate accepts, touching only what pruning leaves:
/// row groups and pages are ruled out from the footer and bloom filters, then only the pages
/// of needed columns that overlap candidate rows are read. Value tests run on pages as stored
/// where the encoding allows (`EncodedFilter`: dictionary codes, frame-of-reference offsets),
/// otherwise on decoded blocks (`VectorFilter`); a conjunction stops decoding columns once no
/// row is left; projected columns are decoded only for pages with selected rows (late
/// materialisation); row groups are read by up to `workers` threads, results in file order.
///
/// ```swift
/// let predicate = try RowPredicate.parse("dst_ip in 10.0.0.0/8 and bytes_out > 1000000").bind(to: reader.schema)
/// let ledger = try Scanner(reader: reader, predicate: predicate, columns: [0, 4]).scan { batch in
///     print(batch.rowCount); return true   // false stops the scan
/// }
/// ```
public struct Scanner: Sendable {
    /// The file scanned.
    public let reader: SiftReader
    /// The predicate, typed to the file's schema; nil for every row.
    public let predicate: BoundPredicate?
    /// Projected column indices, in output order.
    public let columns: [Int]
    /// Selects rows instead of the predicate's row filter (the predicate still prunes): given
    /// the predicate's columns of a run of rows (by column index) and the run's length, the
    /// selected row offsets, ascending. For joins, whose exact test is a hash lookup rather
    /// than thousands of predicate leaves.
    /// Called from several threads at once when `workers` > 1.
    public var rowSelector: (@Sendable ([Int: ColumnVector], Int) -> [Int])?
    /// Rows of batches a parallel task (a row group here, a file in a table scan) may have
    /// ready ahead of the consumer before it waits. By rows, not batches: a needle's batches
    /// are a few rows each (one per candidate range), and a task allowed only a few of them
    /// ahead stalled while the consumer was busy with the task before it. Four row groups of
    /// the default 32,768 rows, as many as four whole-row-group batches held before (a full
    /// scan buffered less ran 5% slower); a scan's window of tasks holds at most window × this
    /// many rows, plus a batch per task.
    public static let rowsAheadPerTask = 131_072

    /// Row groups read at once (1: one after another on the calling thread). Batches reach
    /// `scan`'s body in file order either way.
    public var workers = OrderedParallel.defaultWorkers
    /// Reads only these row groups (one unit of a planned scan, e.g. one engine task); nil
    /// reads the whole file. The ledger then counts only these row groups.
    public var rowGroups: Set<Int>?

    /// A scan of `reader` for the rows `predicate` accepts, returning `columns` (indices into the file's schema).
    public init(reader: SiftReader, predicate: BoundPredicate?, columns: [Int]) {
        self.reader = reader
        self.predicate = predicate
        self.columns = columns
    }

    /// Calls `body` with each batch of matching rows (one per candidate row range), in file
    /// order, until it returns false. Returns what was read and skipped, with a decision per
    /// row group. Row groups are read by up to `workers` threads; `body` runs on the calling
    /// thread.
    @discardableResult
    public func scan(_ body: (RecordBatch) throws -> Bool) throws -> SkipLedger {
        let outputSchema = try Schema(columns.map { reader.metadata.schema.fields[$0] })
        let needed = neededColumns
        var (plans, account) = try planAndAccount()
        // The row groups left are read, in parallel when there are several (results still
        // reach `body` in row group order).
        let toRead = plans.filter { $0.skippedBy == nil }
        let loaded = account.pageIndexesLoaded
        let partials = try OrderedParallel.run(count: toRead.count, workers: min(workers, toRead.count),
                                               bufferLimit: Self.rowsAheadPerTask, weight: { $0.rowCount }, task: { i, emit in
            // Each row group counts into its own account; page indexes planning already loaded
            // are not counted twice.
            var partial = ScanAccount()
            partial.pageIndexesLoaded = loaded
            try self.scanRowGroup(toRead[i], needed: needed, outputSchema: outputSchema, account: &partial, emit: emit)
            return partial
        }, consume: body)
        for (i, partial) in partials.enumerated() {
            guard let partial else {
                // Stopped before this row group was read: its needed column chunks stay unread.
                let group = reader.metadata.rowGroups[toRead[i].index]
                account.ledger.unread.rowGroups += 1
                account.ledger.unread.bytes += Planner.neededBytes(group, needed)
                continue
            }
            account.merge(partial)
        }
        account.ledger.rowGroupDecisions.sort { $0.rowGroup < $1.rowGroup }
        return account.ledger
    }

    /// Columns the scan touches: the projection and the predicate's.
    package var neededColumns: Set<Int> { Set(columns).union(predicate?.columns ?? []) }

    /// Decides which row groups (of ``rowGroups``, or all) and which row ranges in them may
    /// hold matching rows, from the footer, bloom filters and page indexes, without reading a
    /// data page. The ledger counts what planning read (trailer, footer, bloom segments, page
    /// indexes) and the row groups ruled out whole; a row group's plan says what ruled it out,
    /// if anything.
    public func plan() throws -> (plans: [RowGroupPlan], ledger: SkipLedger) {
        let (plans, account) = try planAndAccount()
        return (plans, account.ledger)
    }

    /// Plans through the ``Planner``, counting the bytes planning reads.
    func planAndAccount() throws -> (plans: [RowGroupPlan], account: ScanAccount) {
        let clock = ContinuousClock(), started = clock.now
        let metadata = reader.metadata
        var account = ScanAccount()
        account.ledger.filesTotal = 1
        account.ledger.filesRead = 1
        account.ledger.bytesTotal = reader.source.size
        account.ledger.countRead(UInt64(FileLayout.trailerSize + reader.footerLength), as: .footer)
        let needed = neededColumns
        let inUnit: (Int) -> Bool = { g in rowGroups?.contains(g) ?? true }
        account.ledger.rowGroupsTotal = metadata.rowGroups.indices.filter(inUnit).count
        account.ledger.pagesTotal = metadata.rowGroups.enumerated().reduce(0) { total, g in
            inUnit(g.offset) ? total + needed.reduce(0) { $0 + Int(g.element.columns[$1].pageIndex?.pageCount ?? 0) } : total
        }
        guard let predicate else {
            let plans = metadata.rowGroups.enumerated().filter { inUnit($0.offset) }
                .map { RowGroupPlan(index: $0.offset, skippedBy: nil, candidateRows: [0..<Int($0.element.rowCount)]) }
            return (plans, account)
        }
        var ledger = SkipLedger()
        let plans = try Planner(predicate: predicate).planRowGroups(metadata, needed: needed, only: rowGroups, probeBloom: { g, c, hash in
            guard let (answer, segment, bytes) = try reader.bloomProbe(rowGroup: g, column: c, hash: hash) else { return nil }
            if account.bloomSegmentsRead.insert(g << 40 | c << 20 | segment).inserted { account.ledger.countRead(UInt64(bytes), as: .bloom) }
            return answer
        }, loadPages: { g, c in try self.pages(g, c, account: &account) }, probePageBlooms: { g, c, hash in
            guard let (answers, row, bytes) = try reader.pageBloomProbe(rowGroup: g, column: c, hash: hash) else { return nil }
            if account.pageBloomRowsRead.insert(g << 40 | c << 20 | row).inserted { account.ledger.countRead(UInt64(bytes), as: .pageBloom) }
            return answers
        }, ledger: &ledger)
        account.ledger.merge(ledger)
        let elapsed = (clock.now - started).components
        account.ledger.planningSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return (plans, account)
    }

    /// Reads one row group that pruning left in play: filters its candidate rows and emits a
    /// batch of the selected rows per candidate range, until `emit` returns false.
    func scanRowGroup(_ plan: RowGroupPlan, needed: Set<Int>, outputSchema: Schema, account: inout ScanAccount,
                      emit: (RecordBatch) throws -> Bool) throws {
        let group = reader.metadata.rowGroups[plan.index]
        var stopped = false
        account.ledger.rowGroupsRead += 1
        var pagesRead: [Int: Set<Int>] = [:]
        var decoded = ReadPages()
        var matchedInGroup = 0
        let filterColumns = predicate?.columns ?? []
        for range in plan.candidateRows where !stopped {
            // Late materialisation: decode the predicate's columns, filter, and only then
            // read the projected columns' pages that hold selected rows.
            var slices: [Int: ColumnVector] = [:]
            // The selected rows, as a bitmap where a filter produced one (indices are built
            // only when columns are projected).
            var selection: Selection?
            var selected: [Int] = []
            if let rowSelector {
                for c in filterColumns {
                    slices[c] = try columnSlice(group: plan.index, column: c, rows: range, decoded: &decoded, read: &pagesRead, account: &account)
                }
                selected = rowSelector(slices, range.count)
            } else if let predicate {
                // One part of a conjunction at a time (any other predicate is a conjunction of
                // one): a later part's column is decoded only if rows are still selected (a
                // needle's second column is rarely needed), and a value test on a column not
                // decoded yet runs on its pages as stored.
                let parts: [BoundPredicate]
                if case .and(let ps) = predicate { parts = ps } else { parts = [predicate] }
                var running = Selection(count: range.count, all: true)
                for part in parts {
                    let t: Selection
                    if EncodedFilter.handles(part), let c = part.columns.first, slices[c] == nil {
                        t = try encodedSelection(part, group: plan.index, column: c, rows: range, decoded: &decoded, read: &pagesRead, account: &account)
                    } else {
                        for c in part.columns where slices[c] == nil {
                            slices[c] = try columnSlice(group: plan.index, column: c, rows: range, decoded: &decoded, read: &pagesRead, account: &account)
                        }
                        t = VectorFilter.evaluate(part, slices, range.count).t
                    }
                    running = running & t
                    if running.selectedCount == 0 { break }
                }
                selection = running
            } else {
                selection = Selection(count: range.count, all: true)
            }
            if let selection {
                if columns.isEmpty {
                    // Counting: no row indices needed.
                    let n = selection.selectedCount
                    guard n > 0 else { continue }
                    matchedInGroup += n
                    if try !emit(try RecordBatch(schema: outputSchema, columns: [])) { stopped = true }
                    continue
                }
                selected = selection.indices
            }
            guard !selected.isEmpty else { continue }
            matchedInGroup += selected.count
            let all = selected.count == range.count
            var output: [ColumnVector] = []
            for c in columns {
                if let slice = slices[c] {
                    output.append(all ? slice : slice.gather(selected))
                } else if all {
                    output.append(try columnSlice(group: plan.index, column: c, rows: range, decoded: &decoded, read: &pagesRead, account: &account))
                } else {
                    output.append(try gatherRows(group: plan.index, column: c, rows: selected.map { $0 + range.lowerBound }, decoded: &decoded, read: &pagesRead, account: &account))
                }
            }
            let batch = try RecordBatch(schema: outputSchema, columns: output)
            if try !emit(batch) { stopped = true }
        }
        account.ledger.rowsMatched += matchedInGroup
        var pageLedger = SkipLedger()
        try Planner.accountRead(plan, group: group, needed: needed, rowsMatched: matchedInGroup, pages: { c in
            // A column none of whose pages was needed: its page index is not loaded just to
            // account for it.
            guard pagesRead[c] != nil || account.pageIndexesLoaded.contains(plan.index << 20 | c) else { return nil }
            return try pages(plan.index, c, account: &account)
        }, pagesRead: { pagesRead[$0] ?? [] }, ledger: &pageLedger)
        account.ledger.merge(pageLedger)
    }

    /// A chunk's pages; the first load of each page index is counted as read.
    func pages(_ g: Int, _ c: Int, account: inout ScanAccount) throws -> [PageMetadata] {
        if account.pageIndexesLoaded.insert(g << 20 | c).inserted { account.ledger.countRead(UInt64(reader.pageIndexLength(rowGroup: g, column: c)), as: .pageIndex) }
        return try reader.pages(rowGroup: g, column: c)
    }

    /// The given rows (ascending, within the row group) of a column, decoding only the pages
    /// that hold them.
    func gatherRows(group g: Int, column c: Int, rows: [Int], decoded: inout ReadPages,
                    read: inout [Int: Set<Int>], account: inout ScanAccount) throws -> ColumnVector {
        let pages = try self.pages(g, c, account: &account)
        var out = ColumnVector.empty(reader.schema.fields[c].type)
        var p = 0, start = 0
        var k = 0
        while k < rows.count {
            while start + Int(pages[p].rowCount) <= rows[k] { start += Int(pages[p].rowCount); p += 1 }
            let end = start + Int(pages[p].rowCount)
            var local: [Int] = []
            while k < rows.count, rows[k] < end { local.append(rows[k] - start); k += 1 }
            out.append(contentsOf: try gathered(g, c, p, rows: local, meta: pages[p], decoded: &decoded, read: &read, account: &account))
        }
        return out
    }

    /// Rows `rows` of page `p`, read once per row group: a dictionary page of strings or
    /// binaries is looked up for those rows only, unless the whole page was needed before.
    func gathered(_ g: Int, _ c: Int, _ p: Int, rows: [Int], meta: PageMetadata, decoded: inout ReadPages, read: inout [Int: Set<Int>],
                  account: inout ScanAccount) throws -> ColumnVector {
        do {
            if let picked = try decoded.gather(column: c, page: p, rows: rows) { return picked }
            let type = reader.schema.fields[c].type
            guard meta.encoding == .dictionary, type == .string || type == .binary else {
                return try page(g, c, p, length: meta.length, decoded: &decoded, read: &read, account: &account).gather(rows)
            }
            decoded.offer(column: c, page: p, try reader.readEncodedPage(rowGroup: g, column: c, page: p), type: type)
            countRead(c, p, length: meta.length, read: &read, account: &account)
            return try decoded.gather(column: c, page: p, rows: rows)!
        } catch let error as FormatError {
            throw error.located(file: reader.source.name, rowGroup: g, column: reader.schema.fields[c].name)
        }
    }

    /// A decoded page, read once per row group.
    func page(_ g: Int, _ c: Int, _ p: Int, length: UInt32, decoded: inout ReadPages, read: inout [Int: Set<Int>],
              account: inout ScanAccount) throws -> ColumnVector {
        do {
            if let cached = try decoded.vector(column: c, page: p) { return cached }
        } catch { throw error.located(file: reader.source.name, rowGroup: g, column: reader.schema.fields[c].name) }
        let vector = try reader.readPage(rowGroup: g, column: c, page: p)
        decoded.keep(column: c, page: p, vector)
        countRead(c, p, length: length, read: &read, account: &account)
        return vector
    }

    /// Counts a page's bytes once, however often it is read.
    func countRead(_ c: Int, _ p: Int, length: UInt32, read: inout [Int: Set<Int>], account: inout ScanAccount) {
        guard read[c, default: []].insert(p).inserted else { return }
        account.ledger.pagesRead += 1
        account.ledger.countRead(UInt64(length), as: .dataPage)
    }

    /// Rows `rows` of the row group where a value leaf on column `c` is true, evaluated on each
    /// overlapping page as stored (`EncodedFilter`), without decoding the column.
    func encodedSelection(_ leaf: BoundPredicate, group g: Int, column c: Int, rows: Range<Int>, decoded: inout ReadPages,
                          read: inout [Int: Set<Int>], account: inout ScanAccount) throws -> Selection {
        let pages = try self.pages(g, c, account: &account)
        let type = reader.schema.fields[c].type
        var out = Selection(count: rows.count)
        var start = 0
        for (p, meta) in pages.enumerated() {
            let pageRows = start..<(start + Int(meta.rowCount))
            defer { start = pageRows.upperBound }
            let overlap = pageRows.clamped(to: rows)
            guard !overlap.isEmpty else { continue }
            // A page read once serves the filter of every candidate range and, when the column
            // is projected too, the rows gathered from it.
            let page: EncodedPage
            if let kept = decoded.encoded(column: c, page: p) {
                page = kept
            } else {
                page = try reader.readEncodedPage(rowGroup: g, column: c, page: p)
                decoded.offer(column: c, page: p, page, type: type)
            }
            countRead(c, p, length: meta.length, read: &read, account: &account)
            let hit = EncodedFilter.select(leaf, column: c, type: type, page: page)
            let shift = start - rows.lowerBound
            if overlap == pageRows, shift % 64 == 0 {
                // The whole page, on a word boundary of the output: copy words.
                for (w, word) in hit.words.enumerated() { out.words[shift / 64 + w] |= word }
            } else {
                for i in hit.indices where overlap.contains(start + i) {
                    let k = start + i - rows.lowerBound
                    out.words[k >> 6] |= 1 << UInt64(k & 63)
                }
            }
        }
        return out
    }

    /// Rows `rows` of a column, decoding (once) each page they overlap.
    func columnSlice(group g: Int, column c: Int, rows: Range<Int>, decoded: inout ReadPages,
                     read: inout [Int: Set<Int>], account: inout ScanAccount) throws -> ColumnVector {
        let pages = try self.pages(g, c, account: &account)
        var out: ColumnVector?
        var start = 0
        for (p, page) in pages.enumerated() {
            let pageRows = start..<(start + Int(page.rowCount))
            defer { start = pageRows.upperBound }
            let overlap = pageRows.clamped(to: rows)
            guard !overlap.isEmpty else { continue }
            let vector = try self.page(g, c, p, length: page.length, decoded: &decoded, read: &read, account: &account)
            let part = overlap == pageRows ? vector : vector.slice((overlap.lowerBound - start)..<(overlap.upperBound - start))
            if out == nil { out = part } else { out!.append(contentsOf: part) }
        }
        return out ?? ColumnVector.empty(reader.schema.fields[c].type)
    }
}
