import Synchronization

/// The temporary files being written right now (`OutputFile` registers each until it is
/// renamed into place or removed), so a program interrupted mid-write can remove them: the
/// `sift` command does so on SIGINT and SIGTERM. Libraries only register; handling signals is
/// the program's business.
public enum TemporaryFiles {
    private static let paths = Mutex<Set<String>>([])

    static func register(_ path: String) { paths.withLock { _ = $0.insert(path) } }

    static func unregister(_ path: String) { paths.withLock { _ = $0.remove(path) } }

    /// Removes every registered temporary file; returns how many were removed.
    @discardableResult
    public static func removeAll() -> Int {
        paths.withLock { paths in
            let removed = paths.filter { (try? LocalFileSystem().remove($0)) == true }.count
            paths.removeAll()
            return removed
        }
    }
}
