import SiftPlatform

/// What a scan read and what each index spared it: one ledger for a file, a table, a hunt over
/// several tables, a planned engine task and `--explain --json` alike (`spec/predicates.md`,
/// "Skip ledger"). Ledgers of parts add up with ``merge(_:keepingDecisions:)``.
///
/// Skipped bytes count the columns the query needs (predicate and projection) that a scan
/// without indexes would have read; `bytesRead` counts every byte read: log-free parts of files
/// (trailer, footer, bloom filter segments, page indexes) and data pages.
public struct SkipLedger: Sendable, Equatable {
    /// What one index ruled out.
    public struct Tally: Sendable, Equatable, Codable {
        /// Whole files ruled out (file-level indexes).
        public var files = 0
        /// Whole row groups ruled out.
        public var rowGroups = 0
        /// Pages of needed columns ruled out (zone maps).
        public var pages = 0
        /// Bytes spared: sizes of files, or needed columns' bytes of row groups and pages.
        public var bytes: UInt64 = 0

        /// Nothing ruled out.
        public init() {}

        static func + (a: Tally, b: Tally) -> Tally {
            var t = a
            t.files += b.files; t.rowGroups += b.rowGroups; t.pages += b.pages; t.bytes += b.bytes
            return t
        }

        enum CodingKeys: String, CodingKey { case files, rowGroups = "row_groups", pages, bytes }
    }

    /// What happened to one row group of one file (the per-row-group lines of `sift cat --explain`).
    public struct RowGroupDecision: Sendable, Equatable, Codable {
        /// The row group's index in its file.
        public var rowGroup: Int
        /// The index that ruled it out whole; nil when it was read.
        public var skippedBy: IndexKind?
        /// Bytes of needed columns it holds (what a skip spared).
        public var neededBytes: UInt64
        /// Pages of needed columns read.
        public var pagesRead = 0
        /// Pages of needed columns in the row group.
        public var pagesTotal = 0
        /// Bytes of pages read.
        public var bytesRead: UInt64 = 0
        /// Row ranges pruning left in play, as [start, end) pairs.
        public var candidateRows: [[Int]] = []
        /// Rows of the row group the predicate accepted.
        public var rowsMatched = 0

        /// A decision for `rowGroup`.
        public init(rowGroup: Int, skippedBy: IndexKind?, neededBytes: UInt64) {
            self.rowGroup = rowGroup
            self.skippedBy = skippedBy
            self.neededBytes = neededBytes
        }

        enum CodingKeys: String, CodingKey {
            case rowGroup = "row_group", skippedBy = "skipped_by", neededBytes = "needed_bytes", pagesRead = "pages_read"
            case pagesTotal = "pages_total", bytesRead = "bytes_read", candidateRows = "candidate_rows", rowsMatched = "rows_matched"
        }
    }

    /// The parts of a data file a scan reads, for the breakdown of ``bytesRead`` (``readBy``).
    public enum ReadPart: String, CaseIterable, Sendable, Codable {
        /// The trailer and footer of each opened file.
        case footer
        /// Row-group bloom filter segments probed.
        case bloom
        /// Rows of page bloom filters probed.
        case pageBloom = "page_bloom"
        /// Page indexes (zone maps and page offsets) loaded.
        case pageIndex = "page_index"
        /// Data pages read.
        case dataPage = "data_page"
        /// The table-level index's segments probed before any file was opened.
        case tableIndex = "table_index"
    }

    /// Rows the predicate accepted (returned by the scan).
    public var rowsMatched = 0
    /// Every byte of the files in scope (live files of a table, or the one file).
    public var bytesTotal: UInt64 = 0
    /// Every byte read from data files: trailers, footers, bloom filter segments, page indexes and
    /// data pages, and the table index's segments. ``countRead(_:as:)`` keeps ``readBy`` in step.
    public var bytesRead: UInt64 = 0
    /// ``bytesRead`` by the part of the files it came from (every part present; they add up to
    /// ``bytesRead`` when every read was counted with ``countRead(_:as:)``).
    public var readBy: [ReadPart: UInt64] = Dictionary(uniqueKeysWithValues: ReadPart.allCases.map { ($0, 0) })
    /// Files in scope.
    public var filesTotal = 0
    /// Files opened (their footers read).
    public var filesRead = 0
    /// Row groups and pages (of needed columns) in opened files, and of those the ones read.
    public var rowGroupsTotal = 0
    /// Row groups read.
    public var rowGroupsRead = 0
    /// Pages of needed columns in opened files' row groups in scope.
    public var pagesTotal = 0
    /// Pages of needed columns read.
    public var pagesRead = 0
    /// What each index ruled out. Every kind is present (zero when it spared nothing).
    public var skipped: [IndexKind: Tally] = Dictionary(uniqueKeysWithValues: IndexKind.allCases.map { ($0, Tally()) })
    /// Bytes of projected columns' pages in play but not read because none of their rows
    /// matched (late materialisation: no index involved).
    public var notMaterialized: UInt64 = 0
    /// Time spent planning (pruning files and row groups), in seconds.
    public var planningSeconds = 0.0
    /// Time spent loading the table's snapshot, in seconds, when the caller measured it.
    public var snapshotSeconds = 0.0
    /// What the plan kept but the scan never read because its consumer stopped it early (a
    /// `--limit` reached): files never opened, row groups never read, and their bytes (whole
    /// files for unopened ones; the row groups' needed column chunks for opened ones). Zero
    /// when the scan ran to the end.
    public var unread = Tally()
    /// Row group decisions, kept for single-file scans (`sift cat --explain`); a table scan's
    /// ledger leaves them out.
    public var rowGroupDecisions: [RowGroupDecision] = []

    /// An empty ledger.
    public init() {}

    /// Records blocks an index ruled out.
    public mutating func skip(_ kind: IndexKind, files: Int = 0, rowGroups: Int = 0, pages: Int = 0, bytes: UInt64) {
        var t = Tally()
        t.files = files; t.rowGroups = rowGroups; t.pages = pages; t.bytes = bytes
        skipped[kind] = (skipped[kind] ?? Tally()) + t
    }

    /// Counts bytes read from one part of a file.
    public mutating func countRead(_ bytes: UInt64, as part: ReadPart) {
        bytesRead += bytes
        readBy[part, default: 0] += bytes
    }

    /// Bytes an index spared.
    public func bytesSkipped(by kind: IndexKind) -> UInt64 { skipped[kind]?.bytes ?? 0 }

    /// Adds the ledger of another part of the same scan (a row group, a file, a table of a
    /// hunt). Row group decisions are kept only when `keepingDecisions`.
    public mutating func merge(_ o: SkipLedger, keepingDecisions: Bool = true) {
        rowsMatched += o.rowsMatched
        bytesTotal += o.bytesTotal
        bytesRead += o.bytesRead
        for (part, bytes) in o.readBy { readBy[part, default: 0] += bytes }
        filesTotal += o.filesTotal
        filesRead += o.filesRead
        rowGroupsTotal += o.rowGroupsTotal
        rowGroupsRead += o.rowGroupsRead
        pagesTotal += o.pagesTotal
        pagesRead += o.pagesRead
        for (k, v) in o.skipped { skipped[k] = (skipped[k] ?? Tally()) + v }
        notMaterialized += o.notMaterialized
        unread = unread + o.unread
        planningSeconds += o.planningSeconds
        snapshotSeconds += o.snapshotSeconds
        if keepingDecisions { rowGroupDecisions += o.rowGroupDecisions }
    }

    /// Adds the ledger of a file a table scan opened: the table's totals (files and bytes in
    /// scope) are already counted from the log, its planning time covers the files' (which
    /// overlap on several threads), and row group decisions are left out.
    public mutating func mergeOpenedFile(_ file: SkipLedger) {
        var opened = file
        opened.filesTotal = 0
        opened.bytesTotal = 0
        opened.planningSeconds = 0
        opened.snapshotSeconds = 0
        merge(opened, keepingDecisions: false)
    }

    /// The share of bytes read, in percent (0 for an empty scope).
    public var percentRead: Double { bytesTotal == 0 ? 0 : Double(bytesRead) * 100 / Double(bytesTotal) }
}

/// The JSON form (`spec/predicates.md`, "Skip ledger"): `skipped` holds each index's full
/// tally; `skipped_by`, `files_skipped_by`, `row_groups_skipped_by` and
/// `pages_skipped_by_zone_map` are views of it kept from the first explain format.
extension SkipLedger: Codable {
    enum CodingKeys: String, CodingKey {
        case version = "ledger_version"
        case rowsMatched = "rows_matched", bytesTotal = "bytes_total", bytesRead = "bytes_read", readBy = "read_by"
        case filesTotal = "files_total", filesRead = "files_read"
        case rowGroupsTotal = "row_groups_total", rowGroupsRead = "row_groups_read"
        case pagesTotal = "pages_total", pagesRead = "pages_read"
        case skipped
        case skippedBy = "skipped_by", filesSkippedBy = "files_skipped_by", rowGroupsSkippedBy = "row_groups_skipped_by"
        case pagesSkippedByZoneMap = "pages_skipped_by_zone_map"
        case notMaterialized = "not_materialized", planningMs = "planning_ms", snapshotMs = "snapshot_ms"
        case rowGroupDecisions = "row_group_decisions"
        case unread
    }

    /// The version of the JSON form; a change that removes or redefines a field bumps it.
    public static let formatVersion = 1

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatVersion, forKey: .version)
        try c.encode(rowsMatched, forKey: .rowsMatched)
        try c.encode(bytesTotal, forKey: .bytesTotal)
        try c.encode(bytesRead, forKey: .bytesRead)
        try c.encode(Dictionary(uniqueKeysWithValues: ReadPart.allCases.map { ($0.rawValue, readBy[$0] ?? 0) }), forKey: .readBy)
        try c.encode(filesTotal, forKey: .filesTotal)
        try c.encode(filesRead, forKey: .filesRead)
        try c.encode(rowGroupsTotal, forKey: .rowGroupsTotal)
        try c.encode(rowGroupsRead, forKey: .rowGroupsRead)
        try c.encode(pagesTotal, forKey: .pagesTotal)
        try c.encode(pagesRead, forKey: .pagesRead)
        let kinds = IndexKind.allCases
        try c.encode(Dictionary(uniqueKeysWithValues: kinds.map { ($0.rawValue, skipped[$0] ?? Tally()) }), forKey: .skipped)
        try c.encode(Dictionary(uniqueKeysWithValues: kinds.map { ($0.rawValue, skipped[$0]?.bytes ?? 0) }), forKey: .skippedBy)
        try c.encode(Dictionary(uniqueKeysWithValues: IndexKind.rules(at: .file).map { ($0.rawValue, skipped[$0]?.files ?? 0) }), forKey: .filesSkippedBy)
        try c.encode(Dictionary(uniqueKeysWithValues: IndexKind.rules(at: .rowGroup).map { ($0.rawValue, skipped[$0]?.rowGroups ?? 0) }), forKey: .rowGroupsSkippedBy)
        try c.encode(skipped[.zoneMap]?.pages ?? 0, forKey: .pagesSkippedByZoneMap)
        try c.encode(notMaterialized, forKey: .notMaterialized)
        try c.encode(unread, forKey: .unread)
        try c.encode((planningSeconds * 1_000_000).rounded() / 1000, forKey: .planningMs)
        try c.encode((snapshotSeconds * 1_000_000).rounded() / 1000, forKey: .snapshotMs)
        if !rowGroupDecisions.isEmpty { try c.encode(rowGroupDecisions, forKey: .rowGroupDecisions) }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
        guard version <= Self.formatVersion else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: c, debugDescription: "skip ledger version \(version) is newer than \(Self.formatVersion)")
        }
        rowsMatched = try c.decode(Int.self, forKey: .rowsMatched)
        bytesTotal = try c.decode(UInt64.self, forKey: .bytesTotal)
        bytesRead = try c.decode(UInt64.self, forKey: .bytesRead)
        // Absent before the breakdown was added (ledgers of older writers): zeros.
        let parts = try c.decodeIfPresent([String: UInt64].self, forKey: .readBy) ?? [:]
        for part in ReadPart.allCases { readBy[part] = parts[part.rawValue] ?? 0 }
        filesTotal = try c.decodeIfPresent(Int.self, forKey: .filesTotal) ?? 0
        filesRead = try c.decodeIfPresent(Int.self, forKey: .filesRead) ?? 0
        rowGroupsTotal = try c.decode(Int.self, forKey: .rowGroupsTotal)
        rowGroupsRead = try c.decode(Int.self, forKey: .rowGroupsRead)
        pagesTotal = try c.decode(Int.self, forKey: .pagesTotal)
        pagesRead = try c.decode(Int.self, forKey: .pagesRead)
        // Unknown index kinds (from a newer writer) are ignored, not an error.
        let tallies = try c.decodeIfPresent([String: Tally].self, forKey: .skipped) ?? [:]
        for kind in IndexKind.allCases { skipped[kind] = tallies[kind.rawValue] ?? Tally() }
        notMaterialized = try c.decode(UInt64.self, forKey: .notMaterialized)
        unread = try c.decodeIfPresent(Tally.self, forKey: .unread) ?? Tally()
        planningSeconds = (try c.decodeIfPresent(Double.self, forKey: .planningMs) ?? 0) / 1000
        snapshotSeconds = (try c.decodeIfPresent(Double.self, forKey: .snapshotMs) ?? 0) / 1000
        rowGroupDecisions = try c.decodeIfPresent([RowGroupDecision].self, forKey: .rowGroupDecisions) ?? []
    }
}

extension SkipLedger {
    /// The JSON form on one line, keys sorted.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
