import Foundation
import SiftIndex

/// What a scan read and skipped, and which index skipped what (`--explain`).
///
/// `bytesRead` counts every byte the scan read from the file: trailer, footer, bloom filters
/// and data pages. Skipped bytes are those of the columns the query needs (predicate and
/// projection) that a scan without indexes would have read.
public struct ScanReport: Sendable {
    public var rowsMatched = 0
    public var bytesTotal: UInt64 = 0
    public var bytesRead: UInt64 = 0
    public var rowGroupsTotal = 0
    public var rowGroupsRead = 0
    /// Pages of the needed columns, and of those the ones read.
    public var pagesTotal = 0
    public var pagesRead = 0
    public var skippedBy: [PruneIndex: UInt64] = Dictionary(uniqueKeysWithValues: PruneIndex.allCases.map { ($0, 0) })
    /// Whole row groups ruled out, by the index that did it (min_max or bloom).
    public var rowGroupsSkippedBy: [PruneIndex: Int] = [:]
    /// Pages of needed columns, in row groups that were read, ruled out by zone maps.
    public var pagesSkippedByZoneMap = 0
    /// Bytes of projected columns' pages in play but not read, because none of their rows
    /// matched (late materialisation, not an index).
    public var lateMaterializationBytes: UInt64 = 0
    /// Bloom filter segments read, as (row group << 40 | column << 20 | segment).
    var bloomSegmentsRead = Set<Int>()
    /// Page indexes loaded, as (row group << 20 | column).
    var pageIndexesLoaded = Set<Int>()
    /// One line per row group: what was read or why it was skipped.
    public var rowGroupLines: [String] = []
    /// Wall time of each timed repetition (`sift cat --timing-runs`).
    public var runSeconds: [Double] = []

    public init() {}

    /// Adds a row group's counts (read on another thread) to the file's.
    mutating func merge(_ o: ScanReport) {
        rowsMatched += o.rowsMatched
        bytesRead += o.bytesRead
        rowGroupsRead += o.rowGroupsRead
        pagesRead += o.pagesRead
        for (k, v) in o.skippedBy { skippedBy[k, default: 0] += v }
        for (k, v) in o.rowGroupsSkippedBy { rowGroupsSkippedBy[k, default: 0] += v }
        pagesSkippedByZoneMap += o.pagesSkippedByZoneMap
        lateMaterializationBytes += o.lateMaterializationBytes
        bloomSegmentsRead.formUnion(o.bloomSegmentsRead)
        pageIndexesLoaded.formUnion(o.pageIndexesLoaded)
    }

    /// The `--explain --json` object.
    public var json: String {
        let skipped = PruneIndex.allCases.map { "\"\($0.rawValue)\":\(skippedBy[$0] ?? 0)" }.joined(separator: ",")
        return "{\"rows_matched\":\(rowsMatched),\"bytes_total\":\(bytesTotal),\"bytes_read\":\(bytesRead),"
            + "\"row_groups_total\":\(rowGroupsTotal),\"row_groups_read\":\(rowGroupsRead),"
            + "\"pages_total\":\(pagesTotal),\"pages_read\":\(pagesRead),\"skipped_by\":{\(skipped)},"
            + "\"row_groups_skipped_by\":{\"min_max\":\(rowGroupsSkippedBy[.minMax] ?? 0),\"bloom\":\(rowGroupsSkippedBy[.bloom] ?? 0)},"
            + "\"pages_skipped_by_zone_map\":\(pagesSkippedByZoneMap),"
            + "\"not_materialized\":\(lateMaterializationBytes)"
            + (runSeconds.isEmpty ? "" : ",\"run_ms\":[" + runSeconds.map { String(format: "%.3f", $0 * 1000) }.joined(separator: ",") + "]")
            + "}"
    }

    /// A human-readable summary.
    public var text: String {
        let percent = bytesTotal == 0 ? 0 : Double(bytesRead) * 100 / Double(bytesTotal)
        var out = rowGroupLines.joined(separator: "\n") + "\n"
        out += "rows matched: \(rowsMatched)\n"
        out += "row groups read: \(rowGroupsRead) of \(rowGroupsTotal); pages read: \(pagesRead) of \(pagesTotal)\n"
        out += "bytes read: \(bytesRead) of \(bytesTotal) (\(String(format: "%.3f", percent))%)\n"
        out += "row groups skipped by min_max: \(rowGroupsSkippedBy[.minMax] ?? 0), by bloom: \(rowGroupsSkippedBy[.bloom] ?? 0); pages skipped by zone maps: \(pagesSkippedByZoneMap)\n"
        out += "skipped by: " + PruneIndex.allCases.map { "\($0.rawValue) \(skippedBy[$0] ?? 0) bytes" }.joined(separator: ", ") + "\n"
        out += "not materialised (pages in play with no matching row): \(lateMaterializationBytes) bytes\n"
        return out
    }
}
