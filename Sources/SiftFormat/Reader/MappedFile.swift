/// A whole file mapped read-only into memory: input for bulk conversions (NDJSON import) without
/// copying it. The bytes are valid until the value is dropped.
public final class MappedFile: @unchecked Sendable {
    // Safety: the mapping is read-only, never written through, and lives as long as this object.
    /// The file's path.
    public let path: String
    private let base: UnsafeRawPointer?
    /// The file's size in bytes.
    public let count: Int
    private let fileSystem: any FileSystem

    /// Maps `path` read-only.
    /// - Throws: `FormatError` (`io_error`) naming the path when it cannot be opened or mapped.
    public init(path: String, fileSystem: any FileSystem = LocalFileSystem()) throws(FormatError) {
        self.path = path
        self.fileSystem = fileSystem
        do {
            let fd = try fileSystem.openForReading(path)
            defer { fileSystem.close(fd) }
            count = Int(try fileSystem.size(fd))
            base = try fileSystem.map(fd, count: count)
        } catch {
            throw error.formatError(file: path)
        }
    }

    deinit { if let base { fileSystem.unmap(base, count: count) } }

    /// Calls `body` with the file's bytes.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard let base else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count))
    }
}
