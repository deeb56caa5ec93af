import SiftPlatform
import SiftTable

/// `sift query --units`: the part of a plan (`sift plan`) one task of another engine reads.
///
/// Either a bare JSON array of units, or `{"version": V, "units": [...], "index": I, "count": N}`:
/// the units task I of N was given when the table was planned at version V. An engine may keep
/// a plan and run it again later (Spark keeps a DataFrame's tasks); when the table is no longer
/// at V (and the query is not pinned with --as-of), the task plans again and reads units I,
/// I+N, I+2N, ... of the new plan, so the N tasks of the old plan still read every unit of the
/// current version exactly once (spec/arrow.md §8).
struct PlannedUnits: Decodable {
    var version: Int64?
    var units: [ScanUnit]
    var index: Int
    var count: Int

    enum CodingKeys: String, CodingKey { case version, units, index, count }

    init(from decoder: Decoder) throws {
        if let list = try? decoder.singleValueContainer().decode([ScanUnit].self) {
            self.init(version: nil, units: list, index: 0, count: 1)
            return
        }
        let object = try decoder.container(keyedBy: CodingKeys.self)
        self.init(version: try object.decodeIfPresent(Int64.self, forKey: .version), units: try object.decode([ScanUnit].self, forKey: .units),
                  index: try object.decodeIfPresent(Int.self, forKey: .index) ?? 0, count: try object.decodeIfPresent(Int.self, forKey: .count) ?? 1)
    }

    init(version: Int64?, units: [ScanUnit], index: Int, count: Int) {
        self.version = version
        self.units = units
        self.index = index
        self.count = count
    }

    /// Reads `--units` (a file, or "-" for standard input).
    static func read(_ source: String) throws -> PlannedUnits {
        let bytes = try readInput(source)
        let planned: PlannedUnits
        do { planned = try JSONDecoder().decode(PlannedUnits.self, from: Data(bytes)) } catch {
            throw CommandFailure("--units \(source == "-" ? "<stdin>" : source): not a list of units from `sift plan` ([{\"path\", \"row_groups\", \"bytes\", \"rows\"}] or {\"version\", \"units\", \"index\", \"count\"}): \(error)")
        }
        guard planned.count >= 1, (0..<planned.count).contains(planned.index) else {
            throw CommandFailure("--units \(source): index \(planned.index) of count \(planned.count) is not a task of the plan")
        }
        return planned
    }

    /// The units `scan` reads: these, or this task's share of a fresh plan when the table moved
    /// on from the version they were planned at.
    func units(for scan: TableScan, pinned: Bool) throws -> [ScanUnit] {
        guard let version, !pinned, scan.snapshot.version != version else { return units }
        let fresh = try scan.planUnits().units
        return stride(from: index, to: fresh.count, by: count).map { fresh[$0] }
    }
}
