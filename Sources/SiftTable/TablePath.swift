import SiftFormat

/// Keeps every path a log names inside the table folder (`spec/table.md` §4.3): relative,
/// `/`-separated, no empty, `.` or `..` components, no NUL or backslash; and, on disk, no
/// component may be a symbolic link.
enum TablePath {
    static func check(_ path: String, version: Int64) throws {
        func unsafe(_ why: String) -> TableError { TableError(.unsafePath, "path '\(path)' \(why); data files must stay inside the table folder", version: version) }
        // One pass over the bytes: this runs for every file of every snapshot loaded.
        guard !path.isEmpty else { throw unsafe("is empty") }
        let why = path.utf8.withContiguousStorageIfAvailable(Self.problem) ?? Array(path.utf8).withUnsafeBufferPointer(Self.problem)
        if let why { throw unsafe(why) }
    }

    static let logPrefix = Array((LogLayout.logFolder + "/").utf8)

    /// Why a relative path is unsafe, or nil.
    static func problem(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        if b[0] == UInt8(ascii: "/") { return "is absolute" }
        if b.starts(with: logPrefix) { return "points into the log folder" }
        var start = 0
        for i in 0...b.count {
            if i < b.count {
                if b[i] == 0 || b[i] == UInt8(ascii: "\\") { return "holds a NUL or backslash" }
                if b[i] != UInt8(ascii: "/") { continue }
            }
            let length = i - start
            let dot = UInt8(ascii: ".")
            if length == 0 || (length == 1 && b[start] == dot) || (length == 2 && b[start] == dot && b[start + 1] == dot) {
                return "has an empty, '.' or '..' component"
            }
            start = i + 1
        }
        return nil
    }

    /// The absolute path of a checked relative path, refusing symbolic links on the way so a
    /// link planted in the folder cannot lead a reader (or vacuum) outside it.
    static func resolve(_ path: String, root: String, version: Int64?, fileSystem: any FileSystem) throws -> String {
        var current = root
        for component in path.split(separator: "/") {
            current += "/" + component
            if (try? fileSystem.status(current))??.kind == .symbolicLink {
                throw TableError(.unsafePath, "'\(path)' passes through a symbolic link ('\(current.dropFirst(root.count + 1))'); refusing to follow it out of the table folder", version: version)
            }
        }
        return current
    }
}
