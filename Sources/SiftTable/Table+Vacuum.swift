import SiftPlatform
import SiftFormat

/// What vacuum removed (or, in a dry run, would remove).
public struct VacuumResult: Sendable {
    /// Paths relative to the table folder.
    public var deleted: [String]
    /// Bytes deleted (or that would be).
    public var bytes: Int64
    /// Symbolic links found in the folder; vacuum never follows or deletes them.
    public var skippedLinks: [String]
}

extension Table {
    /// Deletes files in the table folder that the latest snapshot does not reference and that
    /// are older than the retention period: files removed by optimize more than `retainHours`
    /// ago (time travel to before then stops working), and files left by crashed writers.
    /// Never follows a symbolic link, never touches a path outside the folder, and never
    /// deletes a file newer than the retention period (a writer may be about to commit it).
    public func vacuum(retainHours: Double, dryRun: Bool = false) throws -> VacuumResult {
        let snapshot = try self.snapshot()
        let cutoff = Double(Self.nowMillis()) / 1000 - retainHours * 3600
        var result = VacuumResult(deleted: [], bytes: 0, skippedLinks: [])
        var emptyFolders: [String] = []
        let fs = store.fileSystem
        let segments = Set(snapshot.segmentList.heads.map(\.path))

        func walk(_ relative: String) throws {
            let absolute = relative.isEmpty ? root : root + "/" + relative
            let names: [String]
            do { names = try fs.list(absolute) } catch { throw TableError(.io, "cannot list: \(error.message)", path: relative) }
            var kept = 0
            for name in names.sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                guard let info = try? fs.status(root + "/" + child) else { continue }
                if info.kind == .symbolicLink { result.skippedLinks.append(child); kept += 1; continue }
                if info.kind == .folder {
                    if child == LogLayout.logFolder { try sweepLog(cutoff: cutoff, dryRun: dryRun, into: &result); kept += 1; continue }
                    try walk(child)
                    // An emptied folder goes too, unless it is new (a writer may be filling it).
                    if emptyFolders.last == child {
                        if info.modified > cutoff { emptyFolders.removeLast(); kept += 1 }
                    } else {
                        kept += 1
                    }
                    continue
                }
                guard info.kind == .file else { kept += 1; continue }
                let modified = info.modified
                let removedRecently = snapshot.tombstones[child].map { Double($0.deletionTime) / 1000 > cutoff } ?? false
                let live = snapshot.files[child] != nil || segments.contains(child)
                if live || removedRecently || modified > cutoff { kept += 1; continue }
                if !dryRun {
                    do { try fs.remove(root + "/" + child) } catch { throw TableError(.io, "cannot delete: \(error.message)", path: child) }
                }
                result.deleted.append(child)
                result.bytes += Int64(info.size)
            }
            if kept == 0, !relative.isEmpty { emptyFolders.append(relative) }
        }
        try walk("")
        if !dryRun { for folder in emptyFolders { _ = try? fs.remove(root + "/" + folder) } }
        return result
    }

    /// Temporary files crashed commits left in the log folder.
    func sweepLog(cutoff: Double, dryRun: Bool, into result: inout VacuumResult) throws {
        let (fs, folder) = (store.fileSystem, root + "/" + LogLayout.logFolder)
        for name in (try? fs.list(folder)) ?? [] {
            // Commit entries (`.tmp-...`) and checkpoints (`....checkpoint.sift.tmp-...`) in the making.
            guard name.contains(".tmp-") else { continue }
            guard let info = try? fs.status(folder + "/" + name), info.kind == .file, info.modified <= cutoff else { continue }
            if !dryRun { _ = try? fs.remove(folder + "/" + name) }
            result.deleted.append(LogLayout.logFolder + "/" + name)
            result.bytes += Int64(info.size)
        }
    }
}
