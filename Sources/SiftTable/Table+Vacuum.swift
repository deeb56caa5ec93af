#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What vacuum removed (or, in a dry run, would remove).
public struct VacuumResult: Sendable {
    /// Paths relative to the table folder.
    public var deleted: [String]
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

        func walk(_ relative: String) throws {
            let absolute = relative.isEmpty ? root : root + "/" + relative
            guard let names = directoryEntries(absolute) else { throw TableError(.io, "cannot list: \(String(cString: strerror(errno)))", path: relative) }
            var kept = 0
            for name in names.sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(root + "/" + child, &info) == 0 else { continue }
                let mode = info.st_mode & S_IFMT
                if mode == S_IFLNK { result.skippedLinks.append(child); kept += 1; continue }
                if mode == S_IFDIR {
                    if child == LogLayout.logFolder { try sweepLog(cutoff: cutoff, dryRun: dryRun, into: &result); kept += 1; continue }
                    try walk(child)
                    // An emptied folder goes too, unless it is new (a writer may be filling it).
                    if emptyFolders.last == child {
                        if Double(info.st_mtim.tv_sec) > cutoff { emptyFolders.removeLast(); kept += 1 }
                    } else {
                        kept += 1
                    }
                    continue
                }
                guard mode == S_IFREG else { kept += 1; continue }
                let modified = Double(info.st_mtim.tv_sec)
                let removedRecently = snapshot.tombstones[child].map { Double($0.deletionTime) / 1000 > cutoff } ?? false
                if snapshot.files[child] != nil || removedRecently || modified > cutoff { kept += 1; continue }
                if !dryRun, unlink(root + "/" + child) != 0 { throw TableError(.io, "cannot delete: \(String(cString: strerror(errno)))", path: child) }
                result.deleted.append(child)
                result.bytes += Int64(info.st_size)
            }
            if kept == 0, !relative.isEmpty { emptyFolders.append(relative) }
        }
        try walk("")
        if !dryRun { for folder in emptyFolders { rmdir(root + "/" + folder) } }
        return result
    }

    /// Temporary files crashed commits left in the log folder.
    func sweepLog(cutoff: Double, dryRun: Bool, into result: inout VacuumResult) throws {
        let folder = root + "/" + LogLayout.logFolder
        for name in directoryEntries(folder) ?? [] {
            // Commit entries (`.tmp-...`) and checkpoints (`....checkpoint.sift.tmp-...`) in the making.
            guard name.contains(".tmp-") else { continue }
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Double(info.st_mtim.tv_sec) <= cutoff else { continue }
            if !dryRun { unlink(folder + "/" + name) }
            result.deleted.append(LogLayout.logFolder + "/" + name)
            result.bytes += Int64(info.st_size)
        }
    }
}
