import Synchronization
import SiftFormat
import SiftIndex

/// What planning needs of a snapshot's live files beyond the files themselves, worked out on
/// first use and kept with the snapshot, so a long-lived process (a server, the Python package,
/// Spark's driver) pays for it once per version instead of once per query (issue 19 item 3):
/// each file's partition group, each file's index segment and slot, and the bounds of the
/// columns predicates have asked about, as arrays aligned with ``Snapshot/sortedFiles``.
///
/// A snapshot whose files are replaced gets new aids (``Snapshot/files`` sets them afresh).
final class PlanningAids: Sendable {
    /// Files that share partition values share a group: partition rules decide once per group.
    struct PartitionGroups: Sendable {
        /// Each file's group.
        var groupOfFile: [Int32]
        /// Each group's partition values.
        var values: [[String: String?]]
    }

    /// Where a file's index entry lives: the segment (position in ``Snapshot/indexSegments``)
    /// and the slot within it.
    struct IndexSlot: Sendable {
        var segment: Int32
        var slot: Int32
        static let none = IndexSlot(segment: -1, slot: -1)
    }

    private struct State {
        var groups: PartitionGroups?
        var slots: [IndexSlot]?
        var bounds: [Int: [ColumnBounds]] = [:]
    }
    private let state = Mutex(State())

    /// The aid `at` holds, made by `make` (outside the lock) and kept the first time.
    private func memo<T: Sendable>(_ at: WritableKeyPath<State, T?> & Sendable, _ make: () -> T) -> T {
        if let known = state.withLock({ $0[keyPath: at] }) { return known }
        let made = make()
        state.withLock { $0[keyPath: at] = made }
        return made
    }

    /// Aids with each file's index slot known already (the snapshot builder works them out
    /// while it lists the current segments).
    init(indexSlots: [IndexSlot]? = nil) {
        state.withLock { $0.slots = indexSlots }
    }

    func partitionGroups(_ snapshot: Snapshot) -> PartitionGroups {
        memo(\.groups) {
            let live = snapshot.live
            let names = snapshot.partitioning.columns.map(\.name)
            // A checkpoint's rows come numbered by their distinct partition values already;
            // added files are numbered after them.
            var groups = PartitionGroups(groupOfFile: [], values: live.base?.partitionValues ?? [])
            var ids: [[String?]: Int32] = [:]
            groups.groupOfFile.reserveCapacity(live.count)
            for i in 0..<live.count {
                if let base = live.base, let row = live.baseRow(i) {
                    groups.groupOfFile.append(base.partitionGroup[row])
                    continue
                }
                let values = live.file(at: i).partitionValues
                let key = names.map { values[$0] ?? nil }
                if let id = ids[key] {
                    groups.groupOfFile.append(id)
                } else {
                    let id = Int32(groups.values.count)
                    ids[key] = id
                    groups.values.append(values)
                    groups.groupOfFile.append(id)
                }
            }
            return groups
        }
    }

    /// Each file's index slot; `.none` where no segment lists it. In log order: a later
    /// segment that lists a file replaces an earlier one. (The snapshot builder hands these
    /// over already; this is for a snapshot whose files were replaced since.)
    func indexSlots(_ snapshot: Snapshot) -> [IndexSlot] {
        memo(\.slots) {
            var slotOf: [String: IndexSlot] = [:]
            slotOf.reserveCapacity(snapshot.sortedFiles.count)
            for (s, segment) in snapshot.indexSegments.enumerated() {
                for (slot, file) in segment.files.enumerated() { slotOf[file] = IndexSlot(segment: Int32(s), slot: Int32(slot)) }
            }
            return snapshot.sortedFiles.map { slotOf[$0.path] ?? .none }
        }
    }

    /// Every file's bounds of column `c` from its log statistics (a file without them: all
    /// rows may be anything, none known null-free).
    func bounds(_ snapshot: Snapshot, column c: Int) -> [ColumnBounds] {
        memo(\.bounds[c]) {
            let type = snapshot.schema.fields[c].type
            let live = snapshot.live
            let fromBase = live.base?.bounds(column: c, type: type)
            if let fromBase, live.order == nil { return fromBase }
            return (0..<live.count).map { i in
                if let fromBase, let row = live.baseRow(i) { return fromBase[row] }
                let file = live.file(at: i)
                return ColumnBounds(file.statistics(c) ?? Statistics(nullCount: UInt64(file.rows)), rows: UInt64(file.rows), type: type)
            }
        }
    }
}

/// The file the planner is asking about. Planning builds one ``Evidence`` per rule and moves
/// this cursor from file to file, instead of allocating closures for each of 100,000 files.
final class FileCursor {
    var file = 0
}
