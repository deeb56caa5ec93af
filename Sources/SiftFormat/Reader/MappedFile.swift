#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory: input for bulk conversions (NDJSON import) without
/// copying it. The bytes are valid until the value is dropped.
public final class MappedFile: @unchecked Sendable {
    // Safety: the mapping is read-only and lives as long as this object.
    public let path: String
    private let base: UnsafeMutableRawPointer?
    public let count: Int

    public init(path: String) throws(FormatError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError(.io, "cannot open: \(String(cString: strerror(errno)))", file: path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FormatError(.io, "cannot stat: \(String(cString: strerror(errno)))", file: path) }
        count = Int(st.st_size)
        if count == 0 {
            base = nil
            return
        }
        // No MAP_POPULATE: it faults every page in on this thread before any work starts; the
        // import's first pass (finding chunk boundaries) faults them in on all cores instead.
        guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw FormatError(.io, "cannot map: \(String(cString: strerror(errno)))", file: path)
        }
        madvise(p, count, MADV_SEQUENTIAL)
        base = p
    }

    deinit { if let base { munmap(base, count) } }

    /// Calls `body` with the file's bytes.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard let base else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count))
    }
}
