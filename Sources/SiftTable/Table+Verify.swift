import SiftFormat

/// What `verify` checked of a table.
public struct TableVerifyReport: Sendable {
    /// Live data files verified (every page, checksum and rule of `spec/format.md`).
    public var files = 0
    /// Rows in them.
    public var rows: UInt64 = 0
    /// Index segments verified.
    public var segments = 0
    /// Live files the verified segments cover.
    public var indexedFiles = 0
}

extension Table {
    /// Verifies the latest snapshot: every live data file as `SiftReader.verify()` does, and
    /// every index segment (`spec/table.md` §11): its checksums, and that each covered live
    /// file's rows hold every key of the file's indexed columns (read from the file).
    /// - Throws: `FormatError` naming the damaged data file; `TableError(.corruptLog)` naming
    ///   the damaged segment (queries still answer correctly: they open files instead).
    public func verify() throws -> TableVerifyReport {
        let snapshot = try self.snapshot()
        var report = TableVerifyReport()
        for file in snapshot.sortedFiles {
            let result = try openDataFile(file, schema: snapshot.schema).verify()
            report.files += 1
            report.rows += result.rows
        }
        for segment in snapshot.indexSegments {
            let location = try TablePath.resolve(segment.path, root: root, version: nil, fileSystem: store.fileSystem)
            func damaged(_ why: String) -> TableError { TableError(.corruptLog, "index segment: \(why)", path: segment.path) }
            guard let bytes = try? store.fileSystem.readFile(location) else { throw damaged("missing or unreadable") }
            guard bytes.count == segment.size else { throw damaged("\(bytes.count) bytes, the log says \(segment.size)") }
            let header: IndexSegment
            do { header = try IndexSegment.check(bytes) } catch { throw damaged("\(error)") }
            guard header.fileCount == segment.files.count else { throw damaged("covers \(header.fileCount) files, the log says \(segment.files.count)") }
            for (slot, path) in segment.files.enumerated() {
                guard let file = snapshot.files[path] else { continue }
                for f in try IndexSegment.fingerprints(of: try openDataFile(file, schema: snapshot.schema), columns: segment.columns.keys, pairs: segment.pairs)
                where !header.mayHold(f, slot: slot, blockRows: bytes[header.blockRange(header.block(f))]) {
                    throw damaged("file \(path) lacks one of its own keys")
                }
            }
            report.segments += 1
            report.indexedFiles += segment.files.filter { snapshot.files[$0] != nil }.count
        }
        return report
    }
}
