import SiftFormat

/// The index that ruled a block out.
public enum PruneIndex: String, Sendable, CaseIterable {
    case minMax = "min_max"
    case bloom
    case zoneMap = "zone_map"
}

/// What to read of one row group.
public struct RowGroupPlan: Sendable {
    public var index: Int
    /// Why the whole row group is skipped; nil when some rows may match.
    public var skippedBy: PruneIndex?
    /// Row ranges (within the group) that may hold matching rows, in order, not overlapping.
    public var candidateRows: [Range<Int>]

    public init(index: Int, skippedBy: PruneIndex?, candidateRows: [Range<Int>]) {
        self.index = index
        self.skippedBy = skippedBy
        self.candidateRows = candidateRows
    }
}

/// Decides, from a file's footer and (when they help) its bloom filters, which row groups and
/// which row ranges inside them may hold rows a predicate accepts (`spec/predicates.md`).
/// It never rules out a matching row: every decision is from bounds that hold for every value.
public struct FilePlanner {
    public let metadata: FileMetadata
    public let predicate: BoundPredicate

    public init(metadata: FileMetadata, predicate: BoundPredicate) {
        self.metadata = metadata
        self.predicate = predicate
    }

    /// Plans every row group. `probeBloom` answers a bloom filter probe for (row group, column,
    /// key hash), reading what it needs (nil: no filter); `loadPages` reads a page index. Both
    /// count their bytes; they are called only for row groups still in play, and only for the
    /// columns that can answer: filters for equality, networks and suffixes, page indexes for
    /// the predicate's columns.
    /// `only`, when given, limits planning to those row groups (one unit of a planned scan).
    public func plan(only: Set<Int>? = nil, probeBloom: (Int, Int, UInt64) throws -> Bool?,
                     loadPages: (Int, Int) throws -> [PageMetadata]) throws -> [RowGroupPlan] {
        try withoutActuallyEscaping(probeBloom) { probeBloom in try plan(only: only, escaping: probeBloom, loadPages: loadPages) }
    }

    private func plan(only: Set<Int>?, escaping probeBloom: @escaping (Int, Int, UInt64) throws -> Bool?,
                      loadPages: (Int, Int) throws -> [PageMetadata]) throws -> [RowGroupPlan] {
        let fields = metadata.schema.fields
        var plans: [RowGroupPlan] = []
        for (g, group) in metadata.rowGroups.enumerated() where only?.contains(g) ?? true {
            let rows = Int(group.rowCount)
            let chunkBounds: (Int) -> ColumnBounds? = { c in ColumnBounds(group.columns[c].statistics, rows: group.rowCount, type: fields[c].type) }
            // 1. Min/max of whole chunks.
            if !PossibilityEvaluator(bounds: chunkBounds).evaluate(predicate).mayBeTrue {
                plans.append(RowGroupPlan(index: g, skippedBy: .minMax, candidateRows: []))
                continue
            }
            // 2. Bloom filters, probed one 4 KiB segment at a time.
            var loadError: Error?
            let probe: (Int, BloomProbe) -> Bool? = { c, key in
                guard let location = group.columns[c].bloomFilter else { return nil }
                switch key {
                case .value: guard location.contents.contains(.values) else { return nil }
                case .network: guard location.contents.contains(.networkPrefixes) else { return nil }
                case .suffix: guard location.contents.contains(.domainSuffixes) else { return nil }
                }
                guard let hash = key.hash(type: fields[c].type) else { return nil }
                do { return try probeBloom(g, c, hash) } catch { loadError = error; return nil }
            }
            let withBlooms = PossibilityEvaluator(bounds: chunkBounds, bloom: probe).evaluate(predicate)
            if let loadError { throw loadError }
            if !withBlooms.mayBeTrue {
                plans.append(RowGroupPlan(index: g, skippedBy: .bloom, candidateRows: []))
                continue
            }
            // 3. Page zone maps: cut the rows at every page boundary of the predicate's columns
            // and keep the segments whose pages may match.
            let columns = predicate.columns.sorted()
            var pagesOf: [Int: [PageMetadata]] = [:]
            for c in columns { pagesOf[c] = try loadPages(g, c) }
            var cuts = Set([0, rows])
            for c in columns {
                var start = 0
                for page in pagesOf[c]! { start += Int(page.rowCount); cuts.insert(start) }
            }
            let boundaries = cuts.sorted()
            var candidates: [Range<Int>] = []
            var pageIndex = Dictionary(uniqueKeysWithValues: columns.map { ($0, 0) })
            var pageStart = Dictionary(uniqueKeysWithValues: columns.map { ($0, 0) })
            for k in 0..<(boundaries.count - 1) {
                let segment = boundaries[k]..<boundaries[k + 1]
                guard !segment.isEmpty else { continue }
                var pageBounds: [Int: ColumnBounds] = [:]
                for c in columns {
                    let pages = pagesOf[c]!
                    // Advance to the page that holds the segment's first row.
                    while pageIndex[c]! < pages.count, pageStart[c]! + Int(pages[pageIndex[c]!].rowCount) <= segment.lowerBound {
                        pageStart[c]! += Int(pages[pageIndex[c]!].rowCount)
                        pageIndex[c]! += 1
                    }
                    let page = pages[pageIndex[c]!]
                    pageBounds[c] = ColumnBounds(page.statistics, rows: UInt64(page.rowCount), type: fields[c].type)
                }
                if PossibilityEvaluator(bounds: { pageBounds[$0] }).evaluate(predicate).mayBeTrue {
                    if let last = candidates.last, last.upperBound == segment.lowerBound {
                        candidates[candidates.count - 1] = last.lowerBound..<segment.upperBound
                    } else {
                        candidates.append(segment)
                    }
                }
            }
            plans.append(RowGroupPlan(index: g, skippedBy: candidates.isEmpty ? .zoneMap : nil, candidateRows: candidates))
        }
        return plans
    }
}

