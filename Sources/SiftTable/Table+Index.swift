import SiftFormat

extension Table {
    /// Merges the smallest index segments (`spec/table.md` §11) so that at most `maxSegments`
    /// remain: a probe reads one block per segment, so a table of many small commits keeps its
    /// needles to a few reads. Keys are not stored in segments, so the files of the merged
    /// segments have their indexed columns read again (only those: the large segments are left
    /// as they are). One commit that only adds an `index` action; it commutes with every other
    /// commit.
    /// - Returns: the version committed, or nil when there was nothing to merge.
    @discardableResult
    public func compactIndex(maxSegments: Int = 8) throws -> Int64? {
        let read = try snapshot()
        guard read.protocolVersion.readerVersion >= 2, maxSegments >= 1, read.segmentList.count > maxSegments else { return nil }
        // Each file's current segment; merge the segments covering the fewest live files.
        var live: [String: [String]] = [:]
        var segmentOf: [String: String] = [:]
        for segment in read.indexSegments { for file in segment.files where read.files[file] != nil { segmentOf[file] = segment.path } }
        for (file, segment) in segmentOf { live[segment, default: []].append(file) }
        let bySize = read.indexSegments.sorted { (live[$0.path]?.count ?? 0, $0.path) < (live[$1.path]?.count ?? 0, $1.path) }
        let merged = bySize.prefix(read.indexSegments.count - maxSegments + 1)
        var columns: [String: UInt8] = [:]
        for segment in merged { columns.merge(segment.columns) { a, b in a | b } }
        // Every merged file's keys are read again, pairs too, so the merged segment holds the
        // pairs any of the merged segments held.
        let pairs = IndexSegment.union(ofPairs: merged.map(\.pairs))
        var files: [(path: String, keys: [UInt32])] = []
        for path in merged.flatMap({ live[$0.path] ?? [] }).sorted() {
            guard let file = read.files[path] else { continue }
            let keys = try IndexSegment.fingerprints(of: try openDataFile(file, schema: read.schema), columns: columns.keys, pairs: pairs)
            files.append((path, keys.sorted()))
        }
        guard !files.isEmpty else { return nil }
        let segment = try IndexSegment.write(files, columns: columns, pairs: pairs, root: root, fileSystem: store.fileSystem)
        return try commit(PendingCommit(actions: [.index(segment)], operation: "index",
                                        parameters: ["segments_merged": String(merged.count)], metrics: ["files_indexed": Int64(files.count)]),
                          read: read)
    }
}
