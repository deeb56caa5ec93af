import SiftPlatform
import SiftFormat

/// Names inside a table folder (`spec/table.md` §2).
public enum LogLayout {
    /// The log's folder inside the table folder.
    public static let logFolder = "_sift_log"
    /// The pointer to the newest checkpoint.
    public static let lastCheckpoint = "_sift_log/_last_checkpoint"
    /// Written and linked into place, so they only ever exist briefly or after a crash.
    static let temporaryPrefix = ".tmp-"

    /// `_sift_log/00000000000000000042.json`: 20 digits so names sort as versions do.
    public static func commitName(_ version: Int64) -> String { "\(logFolder)/\(digits(version)).json" }
    /// `_sift_log/00000000000000000040.checkpoint.sift`.
    public static func checkpointName(_ version: Int64) -> String { "\(logFolder)/\(digits(version)).checkpoint.sift" }

    static func digits(_ v: Int64) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, 20 - s.count)) + s
    }

    /// The version of a log folder entry name (its UTF-8 bytes: a table's log folder lists
    /// 10,000 names before every snapshot), and whether it is a checkpoint.
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> (version: Int64, checkpoint: Bool)? {
        guard b.count >= 25 else { return nil }
        var v: Int64 = 0
        for i in 0..<20 {
            guard b[i] >= 48, b[i] <= 57 else { return nil }
            let (times, o1) = v.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int64(b[i] - 48))
            guard !o1, !o2 else { return nil }
            v = sum
        }
        let rest = UnsafeBufferPointer(rebasing: b[20...])
        if rest.elementsEqual(".json".utf8) { return (v, false) }
        if rest.elementsEqual(".checkpoint.sift".utf8) { return (v, true) }
        return nil
    }
}


/// Where a table's log lives and how an entry is created exclusively. The file store works on
/// any file system with `link(2)` (`FileSystem`); the protocol is the seam for other stores
/// (an object store's put-if-absent).
public protocol LogStore: Sendable {
    /// The table folder.
    var root: String { get }
    /// The file system the table's files (data, checkpoints, the log) live on.
    var fileSystem: any FileSystem { get }
    /// Versions of the commit entries and checkpoints present, ascending.
    func listLog() throws -> (commits: [Int64], checkpoints: [Int64])
    /// The bytes of entry `version`, or nil when it does not exist.
    func readEntry(_ version: Int64) throws -> [UInt8]?
    /// Creates entry `version` holding `bytes` if, and only if, no entry of that version exists;
    /// returns false when one does (another writer won). Never leaves a partial entry visible.
    func createEntry(_ version: Int64, _ bytes: [UInt8]) throws -> Bool
}

/// The log in `<table>/_sift_log/` on a file system (the local one by default).
public struct FileLogStore: LogStore {
    /// The table folder.
    public let root: String
    /// The file system the table lives on.
    public let fileSystem: any FileSystem

    /// The log of the table at `root`.
    public init(root: String, fileSystem: any FileSystem = LocalFileSystem()) {
        self.root = root
        self.fileSystem = fileSystem
    }

    var logPath: String { root + "/" + LogLayout.logFolder }

    /// The versions of the entries and checkpoints in `_sift_log/`.
    public func listLog() throws -> (commits: [Int64], checkpoints: [Int64]) {
        var commits: [Int64] = [], checkpoints: [Int64] = []
        do {
            try fileSystem.listNames(logPath) { name in
                guard let (v, isCheckpoint) = LogLayout.parse(name) else { return }
                if isCheckpoint { checkpoints.append(v) } else { commits.append(v) }
            }
        } catch {
            throw TableError(.notATable, "no \(LogLayout.logFolder) folder (\(error.message))", path: root)
        }
        return (commits.sorted(), checkpoints.sorted())
    }

    /// Entry `version`'s bytes; nil when there is no such file.
    public func readEntry(_ version: Int64) throws -> [UInt8]? {
        do { return try fileSystem.readFile(root + "/" + LogLayout.commitName(version)) } catch {
            throw TableError(.io, "cannot \(error.operation): \(error.message)", version: version, path: LogLayout.commitName(version))
        }
    }

    /// Writes the entry to a temporary file, fsyncs it, and links it into place (`link(2)` never replaces), then syncs the folder.
    public func createEntry(_ version: Int64, _ bytes: [UInt8]) throws -> Bool {
        let name = LogLayout.commitName(version)
        let temporary = logPath + "/" + LogLayout.temporaryPrefix + "\(processIdentifier)-\(UInt64.random(in: 0...UInt64.max)).json"
        do {
            let fd = try fileSystem.createExclusive(temporary)
            var linked = false
            defer { if !linked { _ = try? fileSystem.remove(temporary) } }
            do {
                defer { fileSystem.close(fd) }
                try fileSystem.writeAll(fd, bytes, path: temporary)
                try fileSystem.sync(fd)
            }
            // link(2) fails with EEXIST instead of replacing: exactly one writer creates each version.
            guard try fileSystem.link(temporary, to: root + "/" + name) else { return false }
            linked = true
            _ = try? fileSystem.remove(temporary)
            // The entry is visible from here on, so the commit happened: a failure to make its
            // name durable must not make the writer believe otherwise (and retry it twice).
            try? fileSystem.syncFolder(logPath)
            return true
        } catch {
            throw TableError(.io, "cannot \(error.operation) the log entry: \(error.message)", version: version, path: name)
        }
    }
}
