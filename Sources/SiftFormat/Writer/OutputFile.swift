#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written sequentially to a temporary name and renamed into place on `commit()`, so a
/// reader never sees a half-written Sift file under the final name.
final class OutputFile {
    let path: String
    let temporaryPath: String
    private var fd: Int32
    private(set) var offset: UInt64 = 0

    init(path: String) throws(FormatError) {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FormatError(.io, "cannot create: \(String(cString: strerror(errno)))", file: temporaryPath) }
        TemporaryFiles.register(temporaryPath)
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(temporaryPath)
            TemporaryFiles.unregister(temporaryPath)
        }
    }

    func write(_ bytes: [UInt8]) throws(FormatError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FormatError(.io, "write failed: \(String(cString: strerror(errno)))", file: temporaryPath, offset: offset + UInt64(done))
            }
            done += n
        }
        offset += UInt64(bytes.count)
    }

    /// Flushes to disk and renames into place.
    func commit() throws(FormatError) {
        guard fsync(fd) == 0 else { throw FormatError(.io, "fsync failed: \(String(cString: strerror(errno)))", file: temporaryPath) }
        close(fd)
        fd = -1
        defer { TemporaryFiles.unregister(temporaryPath) }
        guard rename(temporaryPath, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw FormatError(.io, "cannot rename into place: \(message)", file: path)
        }
    }
}
