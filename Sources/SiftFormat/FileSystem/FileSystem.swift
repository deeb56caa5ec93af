/// Every file-system call Sift makes, behind one small protocol: the writer, the reader, the
/// table log, checkpoints, vacuum and NDJSON input all go through it, so the calls can be read
/// and audited in one place (``LocalFileSystem``, the only file that calls the OS), and a test
/// can inject faults (ENOSPC, EIO, short and torn writes, fsync failures, lost races) at any of
/// them without a hook in production code.
///
/// Files are named by descriptors the implementation hands out. Primitives may do less than
/// asked (a short read or write), as the OS may; the extension's helpers (``writeAll(_:_:path:)``,
/// ``readFile(_:)``) loop.
public protocol FileSystem: Sendable {
    /// Opens an existing file for reading.
    func openForReading(_ path: String) throws(FileSystemError) -> Int32
    /// Creates a new file for writing; fails with `EEXIST` if `path` exists.
    func createExclusive(_ path: String) throws(FileSystemError) -> Int32
    /// The size of an open file.
    func size(_ fd: Int32) throws(FileSystemError) -> UInt64
    /// Reads up to `buffer.count` bytes at `offset`; 0 at the end of the file.
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(FileSystemError) -> Int
    /// Reads up to `buffer.count` bytes at the file's position (for streams such as standard input).
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int
    /// Appends up to `bytes.count` bytes at the file's position; returns how many were written.
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(FileSystemError) -> Int
    /// Makes a file's bytes durable.
    func sync(_ fd: Int32) throws(FileSystemError)
    /// Closes a descriptor.
    func close(_ fd: Int32)
    /// Maps `count` bytes of an open file read-only (nil for an empty file).
    func map(_ fd: Int32, count: Int) throws(FileSystemError) -> UnsafeRawPointer?
    /// Releases a mapping made by ``map(_:count:)``.
    func unmap(_ base: UnsafeRawPointer, count: Int)
    /// Gives `existing` a second name `new`; false (and no change) when `new` exists. The
    /// table log creates each commit this way, so exactly one writer wins a version.
    func link(_ existing: String, to new: String) throws(FileSystemError) -> Bool
    /// Renames `from` to `to`, replacing `to` atomically.
    func rename(_ from: String, to: String) throws(FileSystemError)
    /// Removes a file (or an empty folder); false when it did not exist.
    @discardableResult
    func remove(_ path: String) throws(FileSystemError) -> Bool
    /// The names in a folder, without `.` and `..`, in no particular order.
    func list(_ folder: String) throws(FileSystemError) -> [String]
    /// Calls `body` with each name in a folder (without `.` and `..`) as its bytes, in no
    /// particular order; a file system may do it without making a string per name (the table
    /// log lists 10,000 names before every snapshot). By default, `list`'s names.
    func listNames(_ folder: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(FileSystemError)
    /// What is at `path`, without following a symbolic link; nil when nothing is.
    func status(_ path: String) throws(FileSystemError) -> FileStatus?
    /// Creates a folder and any missing parents (no error if it exists).
    func createFolder(_ path: String) throws(FileSystemError)
    /// Makes a folder's entries (new names, renames) durable.
    func syncFolder(_ path: String) throws(FileSystemError)
}

/// What ``FileSystem/status(_:)`` reports.
public struct FileStatus: Sendable, Equatable {
    /// What a path names.
    public enum Kind: Sendable, Equatable { case file, folder, symbolicLink, other }
    /// File, folder, symbolic link, or anything else.
    public var kind: Kind
    /// Size in bytes.
    public var size: UInt64
    /// Last modification, in seconds since the epoch.
    public var modified: Double

    /// A status, as a file system reports it.
    public init(kind: Kind, size: UInt64, modified: Double) {
        self.kind = kind
        self.size = size
        self.modified = modified
    }
}

/// A failed file-system call: which, on what, and the OS's error number and text.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call (`open`, `write`, `fsync`, `link`, ...).
    public var operation: String
    /// The path, when the call names one.
    public var path: String?
    /// The `errno` value (`ENOSPC`, `EIO`, ...).
    public var code: Int32
    /// The OS's text for `code`.
    public var message: String

    /// A failure of `operation` on `path` with `errno` `code`.
    public init(_ operation: String, path: String?, code: Int32, message: String) {
        self.operation = operation
        self.path = path
        self.code = code
        self.message = message
    }

    public var description: String { "cannot \(operation)" + (path.map { " \($0)" } ?? "") + ": \(message)" }

    /// The same failure as a `FormatError` (`io_error`) located at `file` and `offset`.
    public func formatError(file: String? = nil, offset: UInt64? = nil) -> FormatError {
        FormatError(.io, "cannot \(operation): \(message)", file: file ?? path, offset: offset)
    }
}

extension FileSystem {
    /// `list`'s names, each as its UTF-8 bytes (file systems that can do without a string per
    /// name override this).
    public func listNames(_ folder: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(FileSystemError) {
        for var name in try list(folder) { name.withUTF8(body) }
    }

    /// Writes all of `bytes`, continuing after short writes.
    public func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            let n = try typed { try bytes.withUnsafeBytes { all in try write(fd, UnsafeRawBufferPointer(rebasing: all[done...])) } }
            guard n > 0 else { throw FileSystemError("write", path: path, code: 0, message: "no progress") }
            done += n
        }
    }

    /// Exactly `length` bytes at `offset`, or fewer when the file ends first.
    public func read(_ fd: Int32, count length: Int, at offset: UInt64) throws(FileSystemError) -> [UInt8] {
        // Read straight into uninitialised storage: zero-filling first cost a pass over every
        // byte (5% of a needle query on a 100,000-file table, the checkpoint's columns).
        var failure: FileSystemError?
        let out = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            let all = UnsafeMutableRawBufferPointer(buffer)
            var done = 0
            while done < length {
                let n: Int
                do throws(FileSystemError) { n = try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: all[done...]), at: offset + UInt64(done)) } catch {
                    failure = error
                    break
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if let failure { throw failure }
        return out
    }

    /// A whole file's bytes, or nil when it does not exist.
    public func readFile(_ path: String) throws(FileSystemError) -> [UInt8]? {
        let fd: Int32
        do { fd = try openForReading(path) } catch {
            if error.code == FileSystemError.noSuchFile { return nil }
            throw error
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try typed { try buffer.withUnsafeMutableBytes { try read(fd, into: $0) } }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    /// Writes `bytes` to a new file at `path` (temporary name, fsync, rename): readers see the
    /// old file or the new one, never a part.
    public func replaceFile(_ path: String, with bytes: [UInt8]) throws(FileSystemError) {
        let temporary = path + ".tmp-\(processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let fd = try createExclusive(temporary)
        var open = true
        do {
            try writeAll(fd, bytes, path: temporary)
            try sync(fd)
            close(fd)
            open = false
            try rename(temporary, to: path)
        } catch {
            if open { close(fd) }
            _ = try? remove(temporary)
            throw error
        }
    }
}

/// Runs `body`, whose only errors are `FileSystemError`s but whose closure-taking calls
/// (`withUnsafeBytes`) erase the type, with the type restored.
private func typed<T>(_ body: () throws -> T) throws(FileSystemError) -> T {
    do { return try body() } catch let error as FileSystemError { throw error } catch {
        preconditionFailure("only file-system errors are thrown here: \(error)")
    }
}
