/// An index that can rule blocks out, at the level it decides (`spec/predicates.md`, "Skip
/// ledger"). The raw values are the keys of `--explain --json`.
///
/// Adding an index kind means adding a case here and its rule in ``Planner`` (the file or row
/// group rules list, and the evidence its caller supplies); the ledger, the JSON and the
/// explain text pick it up from `allCases`.
public enum IndexKind: String, Sendable, CaseIterable, Codable, CodingKeyRepresentable {
    /// Partition values in the table log: whole files, before any is opened.
    case partition
    /// Per-file column statistics in the table log: whole files, before any is opened.
    case fileStats = "file_stats"
    /// The table index (`spec/table.md` §11): key membership of every file, probed in one
    /// read per segment, before any file is opened.
    case tableIndex = "table_index"
    /// Row group (column chunk) minimum and maximum in a file's footer.
    case minMax = "min_max"
    /// Split-block bloom filters of a row group (values, network prefixes, domain suffixes).
    case bloom
    /// Page zone maps (per-page statistics in the page index): row ranges inside a row group.
    case zoneMap = "zone_map"
    /// Page bloom filters (`spec/format.md` §7.7): pages of a column that hold no value or
    /// suffix asked for, among the rows zone maps left.
    case pageBloom = "page_bloom"

    /// The level an index decides at.
    public enum Level: Sendable { case file, rowGroup, page }

    /// The level this index decides at.
    public var level: Level {
        switch self {
        case .partition, .fileStats, .tableIndex: .file
        case .minMax, .bloom: .rowGroup
        case .zoneMap, .pageBloom: .page
        }
    }

    /// The kinds that decide at `level`, in the order the planner tries them (cheapest first).
    public static func rules(at level: Level) -> [IndexKind] { allCases.filter { $0.level == level } }
}

/// What one index knows about a block (a file or a row group): bounds of columns, membership
/// probes, or both. A rule sees only its own evidence, so the ledger can name the index that
/// ruled a block out.
public struct Evidence {
    /// Bounds of a column (by index) in the block; nil when this index knows nothing of it.
    public var bounds: (Int) -> ColumnBounds?
    /// Membership of a key in a column of the block; nil when this index cannot answer.
    public var membership: ((Int, BloomProbe) -> Bool?)?
    /// Whether some one row of the block holds value `a` in column `ca` and value `b` in column
    /// `cb` (the table index's pair keys, `spec/table.md` §11.1); nil when this index cannot
    /// answer for those columns. Asked for the equalities of a conjunction.
    public var pairMembership: ((_ ca: Int, _ a: Key, _ cb: Int, _ b: Key) -> Bool?)?

    /// Evidence of bounds and, optionally, membership probes of keys and of pairs of values.
    public init(bounds: @escaping (Int) -> ColumnBounds?, membership: ((Int, BloomProbe) -> Bool?)? = nil,
                pairMembership: ((Int, Key, Int, Key) -> Bool?)? = nil) {
        self.bounds = bounds
        self.membership = membership
        self.pairMembership = pairMembership
    }

    /// Evidence of bounds only.
    public static func bounds(_ bounds: @escaping (Int) -> ColumnBounds?) -> Evidence { Evidence(bounds: bounds) }
}
