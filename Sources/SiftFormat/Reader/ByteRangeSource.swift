#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a reader gets bytes: a local file, memory, or (later) an object store. Readers only
/// ask for byte ranges, so a remote source needs nothing else.
public protocol ByteRangeSource: Sendable {
    /// A name for error messages (a path or URL).
    var name: String { get }
    /// Total size in bytes.
    var size: UInt64 { get }
    /// Exactly `length` bytes at `offset`; throws `FormatError` (`truncated_file` or `io_error`)
    /// if they are not all there.
    func read(offset: UInt64, length: Int) throws(FormatError) -> [UInt8]
}

/// A byte range source over bytes in memory.
public struct MemorySource: ByteRangeSource {
    public let name: String
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8], name: String = "<memory>") {
        self.bytes = bytes
        self.name = name
    }

    public var size: UInt64 { UInt64(bytes.count) }

    public func read(offset: UInt64, length: Int) throws(FormatError) -> [UInt8] {
        guard length >= 0, offset <= size, UInt64(length) <= size - offset else {
            throw FormatError(.truncatedFile, "read of \(length) bytes at \(offset) passes the end (\(size) bytes)", file: name, offset: offset)
        }
        return Array(bytes[Int(offset)..<(Int(offset) + length)])
    }
}

/// A local file read with `pread`, so concurrent readers share one descriptor safely.
public final class FileSource: ByteRangeSource {
    public let name: String
    public let size: UInt64
    private let fd: Int32

    /// Opens `path` for reading.
    public init(path: String) throws(FormatError) {
        name = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FormatError(.io, "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw FormatError(.io, "cannot stat: \(message)", file: path)
        }
        size = UInt64(st.st_size)
    }

    deinit { close(fd) }

    public func read(offset: UInt64, length: Int) throws(FormatError) -> [UInt8] {
        guard length >= 0, offset <= size, UInt64(length) <= size - offset else {
            throw FormatError(.truncatedFile, "read of \(length) bytes at \(offset) passes the end (\(size) bytes)", file: name, offset: offset)
        }
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let n = out.withUnsafeMutableBytes { buf in
                pread(fd, buf.baseAddress! + done, length - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FormatError(.io, "read failed: \(String(cString: strerror(errno)))", file: name, offset: offset + UInt64(done))
            }
            if n == 0 {
                throw FormatError(.truncatedFile, "file ended while reading \(length) bytes at \(offset)", file: name, offset: offset + UInt64(done))
            }
            done += n
        }
        return out
    }
}
