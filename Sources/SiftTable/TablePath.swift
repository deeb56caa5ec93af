#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps every path a log names inside the table folder (`spec/table.md` §4.3): relative,
/// `/`-separated, no empty, `.` or `..` components, no NUL or backslash; and, on disk, no
/// component may be a symbolic link.
enum TablePath {
    static func check(_ path: String, version: Int64) throws {
        func unsafe(_ why: String) -> TableError { TableError(.unsafePath, "path '\(path)' \(why); data files must stay inside the table folder", version: version) }
        guard !path.isEmpty else { throw unsafe("is empty") }
        guard !path.hasPrefix("/") else { throw unsafe("is absolute") }
        guard !path.utf8.contains(0), !path.contains("\\") else { throw unsafe("holds a NUL or backslash") }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard !component.isEmpty, component != ".", component != ".." else { throw unsafe("has an empty, '.' or '..' component") }
        }
        guard !path.hasPrefix(LogLayout.logFolder + "/") else { throw unsafe("points into the log folder") }
    }

    /// The absolute path of a checked relative path, refusing symbolic links on the way so a
    /// link planted in the folder cannot lead a reader (or vacuum) outside it.
    static func resolve(_ path: String, root: String, version: Int64?) throws -> String {
        var current = root
        for component in path.split(separator: "/") {
            current += "/" + component
            var info = stat()
            if lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
                throw TableError(.unsafePath, "'\(path)' passes through a symbolic link ('\(current.dropFirst(root.count + 1))'); refusing to follow it out of the table folder", version: version)
            }
        }
        return current
    }
}
