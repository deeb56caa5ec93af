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
        var i = 0
        while i <= b.count {
            // Eight bytes at a time past runs holding none of '/', '.', NUL or '\\' (most of
            // a path): this runs for every row of a 100,000-file checkpoint.
            while i + 8 <= b.count, !mayMatter(UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)) { i += 8 }
            defer { i += 1 }
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

    /// Whether any of the eight bytes in `word` is '/', '.', NUL or '\\' (each byte compared
    /// at once: a byte equal to `c` is a zero byte of `word ^ c…c`).
    @inline(__always)
    private static func mayMatter(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        return hasZero(word) || hasZero(word ^ (ones &* 0x2F)) || hasZero(word ^ (ones &* 0x2E)) || hasZero(word ^ (ones &* 0x5C))
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
