#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Names inside a table folder (`spec/table.md` §2).
public enum LogLayout {
    public static let logFolder = "_sift_log"
    public static let lastCheckpoint = "_sift_log/_last_checkpoint"
    /// Written and linked into place, so they only ever exist briefly or after a crash.
    static let temporaryPrefix = ".tmp-"

    /// `_sift_log/00000000000000000042.json`: 20 digits so names sort as versions do.
    public static func commitName(_ version: Int64) -> String { "\(logFolder)/\(digits(version)).json" }
    public static func checkpointName(_ version: Int64) -> String { "\(logFolder)/\(digits(version)).checkpoint.sift" }

    static func digits(_ v: Int64) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, 20 - s.count)) + s
    }

    /// The version of a log folder entry name, and whether it is a checkpoint.
    static func parse(_ name: String) -> (version: Int64, checkpoint: Bool)? {
        let bytes = Array(name.utf8)
        guard bytes.count >= 25, bytes[0..<20].allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = Int64(String(name.prefix(20))) else { return nil }
        switch name.dropFirst(20) {
        case ".json": return (v, false)
        case ".checkpoint.sift": return (v, true)
        default: return nil
        }
    }
}

/// Places where a test can make a commit fail, as a crash or a full disk would.
public enum FaultPoint: String, Sendable, CaseIterable {
    /// The data files are written; the log entry not yet.
    case afterDataFiles = "after_data_files"
    /// Half of the log entry is written to its temporary file, then the writer dies.
    case tornLogEntry = "torn_log_entry"
    /// The log entry is complete in its temporary file but not yet linked into place.
    case beforeLogEntry = "before_log_entry"
    /// The log entry is in place; the writer has not yet returned.
    case afterLogEntry = "after_log_entry"
}

/// Where a table's log lives and how an entry is created exclusively. The file store works on
/// any POSIX file system with `link(2)`; the protocol is the seam for other stores and for
/// fault injection.
public protocol LogStore: Sendable {
    /// The table folder.
    var root: String { get }
    /// Versions of the commit entries and checkpoints present, ascending.
    func listLog() throws -> (commits: [Int64], checkpoints: [Int64])
    /// The bytes of entry `version`, or nil when it does not exist.
    func readEntry(_ version: Int64) throws -> [UInt8]?
    /// Creates entry `version` holding `bytes` if, and only if, no entry of that version exists;
    /// returns false when one does (another writer won). Never leaves a partial entry visible.
    func createEntry(_ version: Int64, _ bytes: [UInt8]) throws -> Bool
    /// Called at each `FaultPoint` of a commit; throws (or kills the process) to inject a fault.
    func fault(_ point: FaultPoint) throws
}

/// The log in `<table>/_sift_log/` on a local file system.
public struct FileLogStore: LogStore {
    public let root: String
    /// Injected faults (tests only): called at every `FaultPoint`.
    public var faults: (@Sendable (FaultPoint) throws -> Void)?

    public init(root: String, faults: (@Sendable (FaultPoint) throws -> Void)? = nil) {
        self.root = root
        self.faults = faults
    }

    public func fault(_ point: FaultPoint) throws { try faults?(point) }

    var logPath: String { root + "/" + LogLayout.logFolder }

    public func listLog() throws -> (commits: [Int64], checkpoints: [Int64]) {
        guard let names = directoryEntries(logPath) else {
            throw TableError(.notATable, "no \(LogLayout.logFolder) folder (\(String(cString: strerror(errno))))", path: root)
        }
        var commits: [Int64] = [], checkpoints: [Int64] = []
        for name in names {
            guard let (v, isCheckpoint) = LogLayout.parse(name) else { continue }
            if isCheckpoint { checkpoints.append(v) } else { commits.append(v) }
        }
        return (commits.sorted(), checkpoints.sorted())
    }

    public func readEntry(_ version: Int64) throws -> [UInt8]? {
        let path = root + "/" + LogLayout.commitName(version)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw TableError(.io, "cannot open: \(String(cString: strerror(errno)))", version: version, path: LogLayout.commitName(version))
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TableError(.io, "read failed: \(String(cString: strerror(errno)))", version: version, path: LogLayout.commitName(version))
            }
            if n == 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    public func createEntry(_ version: Int64, _ bytes: [UInt8]) throws -> Bool {
        let name = LogLayout.commitName(version)
        let temporary = logPath + "/" + LogLayout.temporaryPrefix + "\(getpid())-\(UInt64.random(in: 0...UInt64.max)).json"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TableError(.io, "cannot create \(temporary): \(String(cString: strerror(errno)))", version: version) }
        var linked = false
        defer { if !linked { unlink(temporary) } }
        do {
            defer { close(fd) }
            if faults != nil {
                // A torn write: part of the entry reaches the temporary file, then the writer dies.
                try writeAll(fd, Array(bytes.prefix(bytes.count / 2)), path: temporary)
                do { try fault(.tornLogEntry) } catch { linked = true; throw error }   // leave the torn file, as a crash would
                try writeAll(fd, Array(bytes.dropFirst(bytes.count / 2)), path: temporary)
            } else {
                try writeAll(fd, bytes, path: temporary)
            }
            guard fsync(fd) == 0 else { throw TableError(.io, "fsync failed: \(String(cString: strerror(errno)))", path: temporary) }
        }
        try fault(.beforeLogEntry)
        // link(2) fails with EEXIST instead of replacing: exactly one writer creates each version.
        if link(temporary, root + "/" + name) != 0 {
            if errno == EEXIST { return false }
            throw TableError(.io, "cannot link the entry into place: \(String(cString: strerror(errno)))", version: version, path: name)
        }
        unlink(temporary)
        linked = true
        syncDirectory(logPath)
        try fault(.afterLogEntry)
        return true
    }

    func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TableError(.io, "write failed: \(String(cString: strerror(errno)))", path: path)
            }
            done += n
        }
    }
}

/// The names in a folder (without `.` and `..`), or nil when it cannot be listed (`errno` says why).
func directoryEntries(_ path: String) -> [String]? {
    guard let dir = opendir(path) else { return nil }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if name != ".", name != ".." { names.append(name) }
    }
    return names
}

/// Makes a folder's new entries durable (the name, not just the file's bytes).
func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
}
