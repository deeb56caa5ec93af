import Synchronization

/// The temporary files being written right now (`OutputFile` registers each until it is
/// renamed into place or removed), so a program interrupted mid-write can remove them: the
/// `sift` command does so on SIGINT and SIGTERM. Libraries only register; handling signals is
/// the program's business.
public enum TemporaryFiles {
    private static let paths = Mutex<Set<String>>([])
    /// The program's first-registration hook, and whether any file was registered yet.
    private static let firstUse = Mutex<(hook: (@Sendable () -> Void)?, used: Bool)>((nil, false))

    /// Runs `action` once, when the first temporary file is registered (at once if one has
    /// been already), before that file exists: a program that removes temporary files on a
    /// signal installs its handlers here, so a run that writes nothing (a query) does not pay
    /// for them (the dispatch thread they need cost a `sift` query about a tenth of its time).
    public static func onFirstRegistration(_ action: @escaping @Sendable () -> Void) {
        let runNow = firstUse.withLock { state -> Bool in
            if state.used { return true }
            state.hook = action
            return false
        }
        if runNow { action() }
    }

    static func register(_ path: String) {
        let hook = firstUse.withLock { state -> (@Sendable () -> Void)? in
            state.used = true
            defer { state.hook = nil }
            return state.hook
        }
        hook?()
        paths.withLock { _ = $0.insert(path) }
    }

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
