import SiftPlatform

/// The local file system through POSIX calls: the one file of the library that calls the OS
/// for files (Linux and macOS). Calls interrupted by a signal (`EINTR`) are retried; every
/// other failure becomes a ``FileSystemError`` with the call, the path and `errno`.
public struct LocalFileSystem: FileSystem {
    /// The local file system (it holds no state).
    public init() {}

    private func failure(_ operation: String, _ path: String?) -> FileSystemError {
        let code = errno
        return FileSystemError(operation, path: path, code: code, message: String(cString: strerror(code)))
    }

    /// `open(2)` read-only, close-on-exec.
    public func openForReading(_ path: String) throws(FileSystemError) -> Int32 {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure("open", path) }
        }
    }

    /// `open(2)` with `O_CREAT | O_EXCL`, mode 0644.
    public func createExclusive(_ path: String) throws(FileSystemError) -> Int32 {
        while true {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure("create", path) }
        }
    }

    /// `fstat(2)`'s size.
    public func size(_ fd: Int32) throws(FileSystemError) -> UInt64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure("stat", nil) }
        return UInt64(st.st_size)
    }

    /// `pread(2)`.
    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(FileSystemError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = pread(fd, base, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw failure("read", nil) }
        }
    }

    /// `read(2)` at the file's position.
    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, base, buffer.count)
            #else
            let n = Darwin.read(fd, base, buffer.count)
            #endif
            if n >= 0 { return n }
            if errno != EINTR { throw failure("read", nil) }
        }
    }

    /// `write(2)`: may write less than asked.
    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(FileSystemError) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        while true {
            #if canImport(Glibc)
            let n = Glibc.write(fd, base, bytes.count)
            #else
            let n = Darwin.write(fd, base, bytes.count)
            #endif
            if n >= 0 { return n }
            if errno != EINTR { throw failure("write", nil) }
        }
    }

    /// `fsync(2)`.
    public func sync(_ fd: Int32) throws(FileSystemError) {
        guard fsync(fd) == 0 else { throw failure("fsync", nil) }
    }

    /// `close(2)`.
    public func close(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// `mmap(2)`, read-only and private, advised sequential.
    public func map(_ fd: Int32, count: Int) throws(FileSystemError) -> UnsafeRawPointer? {
        guard count > 0 else { return nil }
        // No MAP_POPULATE: it faults every page in on this thread before any work starts; bulk
        // readers (NDJSON import) fault them in on all cores instead.
        guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { throw failure("mmap", nil) }
        madvise(p, count, MADV_SEQUENTIAL)
        return UnsafeRawPointer(p)
    }

    /// `munmap(2)`.
    public func unmap(_ base: UnsafeRawPointer, count: Int) {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }

    /// `link(2)`; false on `EEXIST`.
    public func link(_ existing: String, to new: String) throws(FileSystemError) -> Bool {
        if Glibc_link(existing, new) == 0 { return true }
        if errno == EEXIST { return false }
        throw failure("link", new)
    }

    /// `rename(2)`.
    public func rename(_ from: String, to: String) throws(FileSystemError) {
        #if canImport(Glibc)
        let result = Glibc.rename(from, to)
        #else
        let result = Darwin.rename(from, to)
        #endif
        guard result == 0 else { throw failure("rename", to) }
    }

    /// `unlink(2)`, or `rmdir(2)` for a folder; false when nothing was there.
    @discardableResult
    public func remove(_ path: String) throws(FileSystemError) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        if errno == EISDIR || errno == EPERM, rmdir(path) == 0 { return true }
        throw failure("remove", path)
    }

    /// `opendir(3)` and `readdir(3)`.
    public func list(_ folder: String) throws(FileSystemError) -> [String] {
        guard let dir = opendir(folder) else { throw failure("list", folder) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// `readdir(3)`, each name handed over where the entry holds it.
    public func listNames(_ folder: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(FileSystemError) {
        guard let dir = opendir(folder) else { throw failure("list", folder) }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
                let name = UnsafeBufferPointer(rebasing: bytes[0..<length])
                if name.elementsEqual(".".utf8) || name.elementsEqual("..".utf8) { return }
                body(name)
            }
        }
    }

    /// `lstat(2)`: a symbolic link is reported, not followed.
    public func status(_ path: String) throws(FileSystemError) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw failure("stat", path)
        }
        let kind: FileStatus.Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .folder
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        #if canImport(Glibc)
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        #else
        let modified = Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
        #endif
        return FileStatus(kind: kind, size: UInt64(info.st_size), modified: modified)
    }

    /// What `path` names once symbolic links are followed (`stat(2)`, where ``status(_:)`` uses
    /// `lstat`): nil when nothing is there. For commands given a path by a user, where a link
    /// to a table folder is that folder.
    package func kindFollowingLinks(_ path: String) -> FileStatus.Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    /// `mkdir(2)` for each missing component.
    public func createFolder(_ path: String) throws(FileSystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { throw failure("mkdir", prefix) }
        }
        guard try status(path)?.kind == .folder else { throw FileSystemError("mkdir", path: path, code: ENOTDIR, message: "exists and is not a folder") }
    }

    /// `fsync(2)` of the folder.
    public func syncFolder(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
    }
}

/// `link(2)`, under a name that does not clash with the protocol's method.
private func Glibc_link(_ existing: String, _ new: String) -> Int32 {
    #if canImport(Glibc)
    Glibc.link(existing, new)
    #else
    Darwin.link(existing, new)
    #endif
}

extension FileSystemError {
    /// `ENOENT`: no such file or folder.
    public static let noSuchFile: Int32 = ENOENT
    /// `EEXIST`: the name is taken.
    public static let fileExists: Int32 = EEXIST
    /// `ENOSPC`: no space left on the device.
    public static let noSpace: Int32 = ENOSPC
    /// `EIO`: an input/output error.
    public static let ioFailure: Int32 = EIO
}

/// This process's id, for unique temporary names.
package var processIdentifier: Int32 { getpid() }
