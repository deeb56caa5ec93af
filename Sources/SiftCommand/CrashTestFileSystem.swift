import SiftPlatform
import SiftFormat
import SiftTable
import Synchronization

/// For the crash tests only (`SIFT_TEST_KILL_AT=<point>`): the local file system, except that
/// the process kills itself with SIGKILL at one point of a commit, as a crash would. Lives in
/// the command, wrapped around the library's file-system seam, so the library carries no hook.
///
/// | point | the process dies |
/// |---|---|
/// | `after_data_files` | when the commit starts its log entry (data files are written) |
/// | `torn_log_entry` | after writing half of the log entry's temporary file |
/// | `before_log_entry` | with the entry complete in its temporary file, before linking it |
/// | `after_log_entry` | right after the entry is linked into place |
final class CrashTestFileSystem: FileSystem {
    enum Point: String, CaseIterable { case afterDataFiles = "after_data_files", tornLogEntry = "torn_log_entry", beforeLogEntry = "before_log_entry", afterLogEntry = "after_log_entry" }

    let point: Point
    let base = LocalFileSystem()
    /// Descriptors of log entries being written.
    private let logEntries = Mutex<Set<Int32>>([])

    init(point: Point) { self.point = point }

    private func die(at p: Point) {
        if p == point { kill(getpid(), SIGKILL) }
    }

    private func isLogTemporary(_ path: String) -> Bool { path.contains("/" + LogLayout.logFolder + "/.tmp-") }

    func createExclusive(_ path: String) throws(FileSystemError) -> Int32 {
        if isLogTemporary(path) { die(at: .afterDataFiles) }
        let fd = try base.createExclusive(path)
        if isLogTemporary(path) { logEntries.withLock { _ = $0.insert(fd) } }
        return fd
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(FileSystemError) -> Int {
        guard point == .tornLogEntry, logEntries.withLock({ $0.contains(fd) }), bytes.count > 1 else { return try base.write(fd, bytes) }
        _ = try base.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]))
        die(at: .tornLogEntry)
        return bytes.count / 2
    }

    func link(_ existing: String, to new: String) throws(FileSystemError) -> Bool {
        die(at: .beforeLogEntry)
        let linked = try base.link(existing, to: new)
        if linked { die(at: .afterLogEntry) }
        return linked
    }

    func close(_ fd: Int32) {
        logEntries.withLock { _ = $0.remove(fd) }
        base.close(fd)
    }

    func openForReading(_ path: String) throws(FileSystemError) -> Int32 { try base.openForReading(path) }
    func size(_ fd: Int32) throws(FileSystemError) -> UInt64 { try base.size(fd) }
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(FileSystemError) -> Int { try base.read(fd, into: buffer, at: offset) }
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int { try base.read(fd, into: buffer) }
    func sync(_ fd: Int32) throws(FileSystemError) { try base.sync(fd) }
    func map(_ fd: Int32, count: Int) throws(FileSystemError) -> UnsafeRawPointer? { try base.map(fd, count: count) }
    func unmap(_ pointer: UnsafeRawPointer, count: Int) { base.unmap(pointer, count: count) }
    func rename(_ from: String, to: String) throws(FileSystemError) { try base.rename(from, to: to) }
    func remove(_ path: String) throws(FileSystemError) -> Bool { try base.remove(path) }
    func list(_ folder: String) throws(FileSystemError) -> [String] { try base.list(folder) }
    func status(_ path: String) throws(FileSystemError) -> FileStatus? { try base.status(path) }
    func createFolder(_ path: String) throws(FileSystemError) { try base.createFolder(path) }
    func syncFolder(_ path: String) throws(FileSystemError) { try base.syncFolder(path) }
}
