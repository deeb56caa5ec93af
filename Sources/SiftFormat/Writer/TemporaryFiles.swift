import Foundation

/// The temporary files being written right now (`OutputFile` registers each until it is
/// renamed into place or removed), so a program interrupted mid-write can remove them: the
/// `sift` command does so on SIGINT and SIGTERM. Libraries only register; handling signals is
/// the program's business.
public enum TemporaryFiles {
    // Safety (nonisolated(unsafe)): `paths` is read and written only while holding `lock`.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()

    static func register(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    static func unregister(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    /// Removes every registered temporary file; returns how many were removed.
    @discardableResult
    public static func removeAll() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let removed = paths.filter { (try? LocalFileSystem().remove($0)) == true }.count
        paths.removeAll()
        return removed
    }
}
