extension Snapshot {
    /// Asks of `snapshot` everything planning and the index's users ask of it (files by position
    /// and by path, every column's bounds, partition groups, index slots, the segments' lists
    /// of files), for the checkpoint fuzz target: a hostile checkpoint that loads must not trap
    /// in any of them.
    package static func exerciseForFuzzing(_ snapshot: Snapshot) {
        let aids = snapshot.planningAids
        _ = aids.partitionGroups(snapshot)
        _ = aids.indexSlots(snapshot)
        for c in snapshot.schema.fields.indices { _ = aids.bounds(snapshot, column: c) }
        _ = snapshot.indexSegments
        _ = snapshot.sortedFiles.map { $0.statistics }
        _ = snapshot.files.count
        _ = (snapshot.rowCount, snapshot.byteCount)
    }
}
