import SiftFormat
import Synchronization

/// A file system that fails on purpose: the local one, except at the calls a rule picks.
/// Tests inject every fault a disk or a crash can cause (ENOSPC, EIO, short and torn writes,
/// fsync failures, lost link races) at any call of the writer, the log, checkpoints and vacuum,
/// through the library's one seam, with no hook in production code.
///
/// ```swift
/// let fs = FaultyFileSystem { call in call.operation == "link" && call.path!.contains("_sift_log") ? .error(FileSystemError.ioFailure) : nil }
/// let table = try Table(root: dir, store: FileLogStore(root: dir, fileSystem: fs))
/// ```
public final class FaultyFileSystem: FileSystem {
    /// One call, as the rule sees it. `path` is the file's path for calls on a descriptor too.
    public struct Call: Sendable {
        /// `open`, `create`, `read`, `write`, `fsync`, `link`, `rename`, `remove`, `list`,
        /// `stat`, `mkdir`, `fsync-folder`, `mmap`.
        public var operation: String
        public var path: String?
        /// How many calls came before this one.
        public var index: Int
    }

    /// What to do instead of the call.
    public enum Fault: Sendable {
        /// Fail with this `errno` (nothing done).
        case error(Int32)
        /// A write: do part of it, report the part (the caller must loop).
        case shortWrite
        /// A write: do half of it, then fail with EIO (a torn write the caller sees fail).
        case tornWrite
        /// A link: report the name taken, as if another writer won the race.
        case lostRace
    }

    private let base = LocalFileSystem()
    private let rule: @Sendable (Call) -> Fault?
    private let state = Mutex<(count: Int, paths: [Int32: String], injected: Int)>((0, [:], 0))

    /// A file system that asks `rule` before every call.
    public init(rule: @escaping @Sendable (Call) -> Fault?) { self.rule = rule }

    /// Calls seen so far.
    public var calls: Int { state.withLock { $0.count } }
    /// Faults injected so far.
    public var injected: Int { state.withLock { $0.injected } }

    private func fault(_ operation: String, _ path: String?) -> Fault? {
        let index = state.withLock { s in
            defer { s.count += 1 }
            return s.count
        }
        let f = rule(Call(operation: operation, path: path, index: index))
        if f != nil { state.withLock { $0.injected += 1 } }
        return f
    }

    private func path(_ fd: Int32) -> String? { state.withLock { $0.paths[fd] } }

    private func fail(_ operation: String, _ path: String?, _ code: Int32) -> FileSystemError {
        FileSystemError(operation, path: path, code: code, message: "injected fault (errno \(code))")
    }

    private func check(_ operation: String, _ path: String?) throws(FileSystemError) {
        switch fault(operation, path) {
        case .error(let code)?: throw fail(operation, path, code)
        case .shortWrite?, .tornWrite?, .lostRace?, nil: return
        }
    }

    public func openForReading(_ path: String) throws(FileSystemError) -> Int32 {
        try check("open", path)
        let fd = try base.openForReading(path)
        state.withLock { $0.paths[fd] = path }
        return fd
    }

    public func createExclusive(_ path: String) throws(FileSystemError) -> Int32 {
        try check("create", path)
        let fd = try base.createExclusive(path)
        state.withLock { $0.paths[fd] = path }
        return fd
    }

    public func size(_ fd: Int32) throws(FileSystemError) -> UInt64 {
        try check("stat", path(fd))
        return try base.size(fd)
    }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(FileSystemError) -> Int {
        try check("read", path(fd))
        return try base.read(fd, into: buffer, at: offset)
    }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        try check("read", path(fd))
        return try base.read(fd, into: buffer)
    }

    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(FileSystemError) -> Int {
        let p = path(fd)
        switch fault("write", p) {
        case .error(let code)?: throw fail("write", p, code)
        case .shortWrite? where bytes.count > 1:
            return try base.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 3 + 1)]))
        case .tornWrite? where bytes.count > 1:
            _ = try base.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]))
            throw fail("write", p, FileSystemError.ioFailure)
        default: return try base.write(fd, bytes)
        }
    }

    public func sync(_ fd: Int32) throws(FileSystemError) {
        try check("fsync", path(fd))
        try base.sync(fd)
    }

    public func close(_ fd: Int32) {
        state.withLock { _ = $0.paths.removeValue(forKey: fd) }
        base.close(fd)
    }

    public func map(_ fd: Int32, count: Int) throws(FileSystemError) -> UnsafeRawPointer? {
        try check("mmap", path(fd))
        return try base.map(fd, count: count)
    }

    public func unmap(_ pointer: UnsafeRawPointer, count: Int) { base.unmap(pointer, count: count) }

    public func link(_ existing: String, to new: String) throws(FileSystemError) -> Bool {
        switch fault("link", new) {
        case .error(let code)?: throw fail("link", new, code)
        case .lostRace?: return false
        default: return try base.link(existing, to: new)
        }
    }

    public func rename(_ from: String, to: String) throws(FileSystemError) {
        try check("rename", to)
        try base.rename(from, to: to)
    }

    public func remove(_ path: String) throws(FileSystemError) -> Bool {
        try check("remove", path)
        return try base.remove(path)
    }

    public func list(_ folder: String) throws(FileSystemError) -> [String] {
        try check("list", folder)
        return try base.list(folder)
    }

    public func status(_ path: String) throws(FileSystemError) -> FileStatus? {
        try check("stat", path)
        return try base.status(path)
    }

    public func createFolder(_ path: String) throws(FileSystemError) {
        try check("mkdir", path)
        try base.createFolder(path)
    }

    public func syncFolder(_ path: String) throws(FileSystemError) {
        try check("fsync-folder", path)
        try base.syncFolder(path)
    }
}
