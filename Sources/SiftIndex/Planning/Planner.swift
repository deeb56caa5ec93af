import SiftFormat

/// What to read of one row group.
public struct RowGroupPlan: Sendable {
    /// The row group's index in the file.
    public var index: Int
    /// Why the whole row group is skipped; nil when some rows may match.
    public var skippedBy: IndexKind?
    /// Row ranges (within the group) that may hold matching rows, in order, not overlapping.
    public var candidateRows: [Range<Int>]
    /// The ranges zone maps alone left (a superset of `candidateRows`; page bloom filters ruled
    /// out the difference), so the ledger can name the index that spared each page.
    public var zoneMapRows: [Range<Int>]

    /// A row group's plan; `zoneMapRows` defaults to `candidateRows` (no page filter ruled).
    public init(index: Int, skippedBy: IndexKind?, candidateRows: [Range<Int>], zoneMapRows: [Range<Int>]? = nil) {
        self.index = index
        self.skippedBy = skippedBy
        self.candidateRows = candidateRows
        self.zoneMapRows = zoneMapRows ?? candidateRows
    }
}

/// The one place where a predicate rules blocks out, at every level (`spec/predicates.md`):
/// files from the table log's partition values and statistics, row groups from footers and
/// bloom filters, row ranges from page zone maps. Every decision is recorded in a
/// ``SkipLedger`` under the index that made it.
///
/// The planner never opens a file: the table and file layers hand it evidence through closures
/// (bounds, bloom probes, page indexes) that read, and count, what they need. It never rules
/// out a matching row: every decision is from bounds or memberships that hold for every value.
///
/// ```swift
/// let planner = Planner(predicate: try RowPredicate.parse("dst_ip = 10.1.2.3").bind(to: schema))
/// var ledger = SkipLedger()
/// let files = planner.planFiles(files, bytes: { $0.size }, ledger: &ledger) { file, kind in
///     kind == .fileStats ? .bounds { c in file.bounds(c) } : nil
/// }
/// ```
public struct Planner: Sendable {
    /// The predicate blocks are tested against, typed to the file's (or table's) schema.
    public let predicate: BoundPredicate

    /// A planner for `predicate`.
    public init(predicate: BoundPredicate) {
        self.predicate = predicate
    }

    /// The first of `rules` whose evidence rules the block out, or nil when the block may hold
    /// matching rows. `evidence` is asked for each rule in turn (nil: that index has nothing to
    /// say about this block), so a later index is not read once an earlier one decided.
    public func firstRuling(_ rules: [IndexKind], evidence: (IndexKind) throws -> Evidence?) rethrows -> IndexKind? {
        for kind in rules {
            guard let e = try evidence(kind) else { continue }
            if !mayMatch(e) { return kind }
        }
        return nil
    }

    /// Whether a block with this evidence may hold rows the predicate accepts.
    public func mayMatch(_ e: Evidence) -> Bool {
        e.evaluate(predicate).mayBeTrue
    }

    // MARK: Files

    /// The files (in the order given) that the file-level indexes cannot rule out. Each skipped
    /// file is recorded in `ledger` with its bytes under the index that ruled it out; totals
    /// (`filesTotal`, `bytesTotal`) are the caller's. `shared` names evidence many files share
    /// (all files of one partition): a kind's decision for a key is made once.
    ///
    /// The key is a concrete `Hashable` (not `AnyHashable`): planning runs once per file of
    /// tables of 100,000 files, and boxing a key per file cost more than the decision it saved.
    @inlinable
    public func planFiles<File, Key: Hashable>(_ files: [File], bytes: (File) -> UInt64, ledger: inout SkipLedger,
                                               shared: (File, IndexKind) -> Key?,
                                               evidence: (File, IndexKind) -> Evidence?) -> [File] {
        let kinds = IndexKind.rules(at: .file)
        var decided: [[Key: Bool]] = Array(repeating: [:], count: kinds.count)
        var kept: [File] = []
        // Skips are tallied here and entered in the ledger once per kind (not once per file).
        var skippedFiles = Array(repeating: 0, count: kinds.count)
        var skippedBytes = Array(repeating: UInt64(0), count: kinds.count)
        for file in files {
            var ruling: Int?
            for (k, kind) in kinds.enumerated() {
                let key = shared(file, kind)
                if let key, let known = decided[k][key] {
                    if known { continue }
                    ruling = k
                    break
                }
                guard let e = evidence(file, kind) else { continue }
                let may = mayMatch(e)
                if let key { decided[k][key] = may }
                if !may { ruling = k; break }
            }
            if let ruling {
                skippedFiles[ruling] += 1
                skippedBytes[ruling] += bytes(file)
            } else {
                kept.append(file)
            }
        }
        for (k, kind) in kinds.enumerated() where skippedFiles[k] > 0 {
            ledger.skip(kind, files: skippedFiles[k], bytes: skippedBytes[k])
        }
        return kept
    }

    /// ``planFiles(_:bytes:ledger:shared:evidence:)`` with no evidence shared between files.
    public func planFiles<File>(_ files: [File], bytes: (File) -> UInt64, ledger: inout SkipLedger,
                                evidence: (File, IndexKind) -> Evidence?) -> [File] {
        planFiles(files, bytes: bytes, ledger: &ledger, shared: { _, _ -> Int? in nil }, evidence: evidence)
    }

    // MARK: Row groups

    /// Plans the row groups of one file (of `only`, when given: one unit of a planned scan).
    /// `probeBloom` answers a bloom filter probe for (row group, column, key hash), reading what
    /// it needs (nil: no filter); `loadPages` reads a page index. Both count their bytes; they
    /// are called only for row groups still in play, and only for the columns that can answer:
    /// filters for equality, networks and suffixes, page indexes for the predicate's columns.
    /// `probePageBlooms` answers a key hash for every page of a chunk from its page bloom
    /// filters (nil: none), reading one block row; it is asked only for predicate columns that
    /// have them and only where zone maps left rows, once per key.
    ///
    /// Row groups ruled out whole are recorded in `ledger` (bytes of the `needed` columns) with
    /// a decision each; the totals are the caller's.
    public func planRowGroups(_ metadata: FileMetadata, needed: Set<Int>, only: Set<Int>? = nil,
                              probeBloom: (Int, Int, UInt64) throws -> Bool?,
                              loadPages: (Int, Int) throws -> [PageMetadata],
                              probePageBlooms: (Int, Int, UInt64) throws -> [Bool]? = { _, _, _ in nil },
                              ledger: inout SkipLedger) throws -> [RowGroupPlan] {
        let fields = metadata.schema.fields
        var plans: [RowGroupPlan] = []
        // The probes are used by evidence closures that do not outlive this call.
        try withoutActuallyEscaping(probePageBlooms) { probePageBlooms in
            for (g, group) in metadata.rowGroups.enumerated() where only?.contains(g) ?? true {
                let chunkBounds: (Int) -> ColumnBounds? = { c in ColumnBounds(group.columns[c].statistics, rows: group.rowCount, type: fields[c].type) }
                // One probe per key for the row group, whichever rule asks first.
                let pageAnswers = PageFilterAnswers { c, hash in try probePageBlooms(g, c, hash) }
                var loadError: Error?
                let ruling = withoutActuallyEscaping(probeBloom) { probeBloom in
                    firstRuling(IndexKind.rules(at: .rowGroup)) { kind -> Evidence? in
                        switch kind {
                        case .minMax:
                            return .bounds(chunkBounds)
                        case .bloom:
                            // Probed one 4 KiB segment at a time; bounds too, so a disjunction ruled
                            // out half by each is still ruled out.
                            return Evidence(bounds: chunkBounds, membership: { c, key in
                                // Page filters first where they hold the key: one 520-byte block row
                                // that every page rejects rules the row group out before a 4 KiB
                                // segment of the chunk filter is read; that segment then removes the
                                // pages' false positives (one in a hundred per page, not per chunk).
                                if let pages = group.columns[c].pageBloomFilters, Self.holds(pages.contents, key),
                                   let hash = key.hash(type: fields[c].type, contents: pages.contents) {
                                    do {
                                        if let answers = try pageAnswers.answer(c, hash), !answers.contains(true) { return false }
                                    } catch { loadError = error; return nil }
                                }
                                // The key as this filter holds it (a /20 search probes a /20 key
                                // where the filter has fine prefixes, else its /16's).
                                guard let location = group.columns[c].bloomFilter, Self.holds(location.contents, key),
                                      let hash = key.hash(type: fields[c].type, contents: location.contents) else { return nil }
                                do { return try probeBloom(g, c, hash) } catch { loadError = error; return nil }
                            })
                        default:
                            return nil
                        }
                    }
                }
                if let loadError { throw loadError }
                var candidates: [Range<Int>] = [], zoneMapRows: [Range<Int>] = []
                if ruling == nil {
                    (candidates, zoneMapRows) = try candidateRows(group, fields: fields, group: g, loadPages: loadPages, pageAnswers: pageAnswers)
                }
                // Zone maps (or page filters) that leave no row rule the whole row group out too.
                let skippedBy = ruling ?? (zoneMapRows.isEmpty ? .zoneMap : candidates.isEmpty ? .pageBloom : nil)
                if let skippedBy {
                    let bytes = Self.neededBytes(group, needed)
                    ledger.skip(skippedBy, rowGroups: 1, bytes: bytes)
                    ledger.rowGroupDecisions.append(.init(rowGroup: g, skippedBy: skippedBy, neededBytes: bytes))
                }
                plans.append(RowGroupPlan(index: g, skippedBy: skippedBy, candidateRows: candidates, zoneMapRows: zoneMapRows))
            }
        }
        return plans
    }

    /// Page zone maps, then page bloom filters: cuts a row group's rows at every page boundary
    /// of the predicate's columns and keeps the segments whose pages may match, merged into
    /// ranges. Returns those ranges and the (wider) ones zone maps alone left.
    func candidateRows(_ group: RowGroupMetadata, fields: [Field], group g: Int,
                       loadPages: (Int, Int) throws -> [PageMetadata],
                       pageAnswers: PageFilterAnswers) throws -> (candidates: [Range<Int>], zoneMapRows: [Range<Int>]) {
        let rows = Int(group.rowCount)
        let columns = predicate.columns.sorted()
        var pagesOf: [Int: [PageMetadata]] = [:]
        for c in columns { pagesOf[c] = try loadPages(g, c) }
        // Page filters are probed only once zone maps leave a segment, and only for columns
        // whose chunk has them.
        var loadError: Error?
        var cuts = Set([0, rows])
        for c in columns {
            var start = 0
            for page in pagesOf[c]! { start += Int(page.rowCount); cuts.insert(start) }
        }
        let boundaries = cuts.sorted()
        var candidates: [Range<Int>] = [], zoneMapRows: [Range<Int>] = []
        var pageIndex = Dictionary(uniqueKeysWithValues: columns.map { ($0, 0) })
        var pageStart = Dictionary(uniqueKeysWithValues: columns.map { ($0, 0) })
        for k in 0..<(boundaries.count - 1) {
            let segment = boundaries[k]..<boundaries[k + 1]
            guard !segment.isEmpty else { continue }
            var pageBounds: [Int: ColumnBounds] = [:]
            var pageOf: [Int: Int] = [:]
            for c in columns {
                let pages = pagesOf[c]!
                // Advance to the page that holds the segment's first row.
                while pageIndex[c]! < pages.count, pageStart[c]! + Int(pages[pageIndex[c]!].rowCount) <= segment.lowerBound {
                    pageStart[c]! += Int(pages[pageIndex[c]!].rowCount)
                    pageIndex[c]! += 1
                }
                let page = pages[pageIndex[c]!]
                pageBounds[c] = ColumnBounds(page.statistics, rows: UInt64(page.rowCount), type: fields[c].type)
                pageOf[c] = pageIndex[c]!
            }
            let ruling = firstRuling(IndexKind.rules(at: .page)) { kind -> Evidence? in
                switch kind {
                case .zoneMap:
                    return .bounds { pageBounds[$0] }
                case .pageBloom:
                    // Bounds are the zone maps' (already tested), so that an `or` ruled out half
                    // by each index is still ruled out.
                    return Evidence(bounds: { pageBounds[$0] }, membership: { c, key in
                        guard let location = group.columns[c].pageBloomFilters, Self.holds(location.contents, key),
                              let hash = key.hash(type: fields[c].type, contents: location.contents), let p = pageOf[c] else { return nil }
                        do {
                            guard let pages = try pageAnswers.answer(c, hash), p < pages.count else { return nil }
                            return pages[p]
                        } catch { loadError = error; return nil }
                    })
                default:
                    return nil
                }
            }
            if let loadError { throw loadError }
            if ruling != .zoneMap { Self.appendMerging(segment, to: &zoneMapRows) }
            if ruling == nil { Self.appendMerging(segment, to: &candidates) }
        }
        return (candidates, zoneMapRows)
    }

    /// Appends a row range to ordered ranges, joining it to the last one when they touch.
    static func appendMerging(_ segment: Range<Int>, to ranges: inout [Range<Int>]) {
        if let last = ranges.last, last.upperBound == segment.lowerBound {
            ranges[ranges.count - 1] = last.lowerBound..<segment.upperBound
        } else {
            ranges.append(segment)
        }
    }

    /// Whether a bloom filter holding `contents` can answer a probe of this kind.
    package static func holds(_ contents: BloomKeys.Contents, _ key: BloomProbe) -> Bool {
        switch key {
        case .value: contents.contains(.values)
        case .network: contents.contains(.networkPrefixes)
        case .suffix: contents.contains(.domainSuffixes)
        case .trigram: contents.contains(.trigrams)
        }
    }

    /// Bytes of a row group's chunks of the needed columns.
    public static func neededBytes(_ group: RowGroupMetadata, _ needed: Set<Int>) -> UInt64 {
        needed.reduce(UInt64(0)) { $0 + group.columns[$1].length }
    }

    // MARK: Pages

    /// Accounts a row group that was read: pages of needed columns outside the rows zone maps
    /// left were spared by zone maps, those inside them but outside the candidate rows by page
    /// bloom filters; pages in play but not read were spared by late
    /// materialisation. `pages` returns a column's page index when it was loaded (nil: the
    /// scan never needed it, and it is not loaded just to account for it; its bytes are then
    /// split by the share of candidate rows, `spec/predicates.md`); `pagesRead` the pages read.
    /// Returns the row group's decision (its read figures), also appended to the ledger.
    @discardableResult
    public static func accountRead(_ plan: RowGroupPlan, group: RowGroupMetadata, needed: Set<Int>, rowsMatched: Int,
                                   pages: (Int) throws -> [PageMetadata]?, pagesRead: (Int) -> Set<Int>,
                                   ledger: inout SkipLedger) rethrows -> SkipLedger.RowGroupDecision {
        var readBytes: UInt64 = 0, readPages = 0, inPlayBytes: UInt64 = 0
        var zoneMapPages = 0, zoneMapBytes: UInt64 = 0, pageBloomPages = 0, pageBloomBytes: UInt64 = 0
        let rowCount = Int(group.rowCount)
        let candidateCount = plan.candidateRows.reduce(0) { $0 + $1.count }, zoneMapCount = plan.zoneMapRows.reduce(0) { $0 + $1.count }
        for c in needed {
            guard let columnPages = try pages(c) else {
                guard rowCount > 0 else { continue }
                let chunk = group.columns[c].length, pageCount = Int(group.columns[c].pageIndex?.pageCount ?? 0)
                let inPlay = chunk * UInt64(candidateCount) / UInt64(rowCount), zoneKept = chunk * UInt64(zoneMapCount) / UInt64(rowCount)
                let pagesInPlay = (pageCount * candidateCount + rowCount - 1) / rowCount, pagesZoneKept = (pageCount * zoneMapCount + rowCount - 1) / rowCount
                inPlayBytes += inPlay
                zoneMapBytes += chunk - zoneKept
                pageBloomBytes += zoneKept - inPlay
                zoneMapPages += pageCount - pagesZoneKept
                pageBloomPages += pagesZoneKept - pagesInPlay
                continue
            }
            for p in pagesRead(c) { readBytes += UInt64(columnPages[p].length); readPages += 1 }
            var start = 0
            for page in columnPages {
                let rows = start..<(start + Int(page.rowCount))
                start = rows.upperBound
                if plan.candidateRows.contains(where: { $0.overlaps(rows) }) {
                    inPlayBytes += UInt64(page.length)
                } else if plan.zoneMapRows.contains(where: { $0.overlaps(rows) }) {
                    pageBloomPages += 1
                    pageBloomBytes += UInt64(page.length)
                } else {
                    zoneMapPages += 1
                    zoneMapBytes += UInt64(page.length)
                }
            }
        }
        let bytes = neededBytes(group, needed)
        ledger.skip(.zoneMap, pages: zoneMapPages, bytes: zoneMapBytes)
        ledger.skip(.pageBloom, pages: pageBloomPages, bytes: pageBloomBytes)
        ledger.notMaterialized += inPlayBytes - readBytes
        var decision = SkipLedger.RowGroupDecision(rowGroup: plan.index, skippedBy: nil, neededBytes: bytes)
        decision.pagesRead = readPages
        decision.pagesTotal = needed.reduce(0) { $0 + Int(group.columns[$1].pageIndex?.pageCount ?? 0) }
        decision.bytesRead = readBytes
        decision.candidateRows = plan.candidateRows.map { [$0.lowerBound, $0.upperBound] }
        decision.rowsMatched = rowsMatched
        ledger.rowGroupDecisions.append(decision)
        return decision
    }
}

/// A row group's page filter answers (`spec/format.md` §7.7), one probe per column and key
/// hash: the row-group rule asks first and the page rule reuses the answer (the block row's
/// bytes are cached by the reader, but the answers for every page are computed once).
final class PageFilterAnswers {
    private var known: [Int: [UInt64: [Bool]?]] = [:]
    private let probe: (Int, UInt64) throws -> [Bool]?

    init(_ probe: @escaping (Int, UInt64) throws -> [Bool]?) { self.probe = probe }

    /// Each page's answer for `hash` in column `c`; nil when the chunk has no page filters.
    func answer(_ c: Int, _ hash: UInt64) throws -> [Bool]? {
        if let answer = known[c]?[hash] { return answer }
        let answer = try probe(c, hash)
        known[c, default: [:]][hash] = answer
        return answer
    }
}
