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
    /// A name for error messages.
    public let name: String
    /// The whole file's bytes.
    public let bytes: [UInt8]

    /// A source over `bytes`, called `name` in errors.
    public init(_ bytes: [UInt8], name: String = "<memory>") {
        self.bytes = bytes
        self.name = name
    }

    /// The bytes' count.
    public var size: UInt64 { UInt64(bytes.count) }

    /// A copy of the range; `truncated_file` past the end.
    public func read(offset: UInt64, length: Int) throws(FormatError) -> [UInt8] {
        guard length >= 0, offset <= size, UInt64(length) <= size - offset else {
            throw FormatError(.truncatedFile, "read of \(length) bytes at \(offset) passes the end (\(size) bytes)", file: name, offset: offset)
        }
        return Array(bytes[Int(offset)..<(Int(offset) + length)])
    }
}

/// A file read by ranges (`pread`), so concurrent readers share one descriptor safely.
public final class FileSource: ByteRangeSource {
    /// The file's path.
    public let name: String
    /// The file's size in bytes, when it was opened.
    public let size: UInt64
    private let fd: Int32
    private let fileSystem: any FileSystem

    /// Opens `path` for reading.
    /// - Throws: `FormatError` (`io_error`) naming the path when it cannot be opened.
    public init(path: String, fileSystem: any FileSystem = LocalFileSystem()) throws(FormatError) {
        name = path
        self.fileSystem = fileSystem
        do { fd = try fileSystem.openForReading(path) } catch { throw error.formatError(file: path) }
        do { size = try fileSystem.size(fd) } catch {
            fileSystem.close(fd)
            throw error.formatError(file: path)
        }
    }

    deinit { fileSystem.close(fd) }

    /// Exactly `length` bytes at `offset`; `truncated_file` when the file ends first, `io_error` when the read fails.
    public func read(offset: UInt64, length: Int) throws(FormatError) -> [UInt8] {
        guard length >= 0, offset <= size, UInt64(length) <= size - offset else {
            throw FormatError(.truncatedFile, "read of \(length) bytes at \(offset) passes the end (\(size) bytes)", file: name, offset: offset)
        }
        let out: [UInt8]
        do { out = try fileSystem.read(fd, count: length, at: offset) } catch { throw error.formatError(file: name, offset: offset) }
        guard out.count == length else {
            throw FormatError(.truncatedFile, "file ended while reading \(length) bytes at \(offset)", file: name, offset: offset + UInt64(out.count))
        }
        return out
    }
}
