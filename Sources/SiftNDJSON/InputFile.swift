import CZlib
import SiftPlatform
import SiftFormat

/// An input file as its bytes, whether stored plain (memory-mapped), gzip-compressed (rotated
/// logs, `.gz`) or zstd-compressed (`.zst`): the kind is recognised by content (the magic
/// numbers `1f 8b` and `28 b5 2f fd`), not by name. Compressed inputs are decompressed into
/// memory, at most ``maxDecompressedBytes``, so a hostile archive cannot exhaust it. "-" is
/// standard input.
///
/// ```swift
/// try InputFile(path: "conn.log.gz").withBytes { bytes in try importer.batches(bytes, ...) }
/// ```
public final class InputFile: @unchecked Sendable {
    // Safety (@unchecked): `kind`, `mapped` and `bytes` are set only inside `init`.
    /// Largest decompressed size accepted (64 GiB would not fit this machine's memory anyway).
    public static let maxDecompressedBytes = 16 << 30

    /// How the file was stored.
    public enum Compression: String, Sendable { case none, gzip, zstd }

    /// The path as given.
    public let path: String
    /// How the file was stored.
    public let compression: Compression
    /// What the file held before any conversion (NDJSON, a Zeek TSV log, a JSON array).
    public private(set) var kind = LogConversion.Kind.ndjson
    private var mapped: MappedFile?
    private var bytes: [UInt8]

    /// Opens `path` ("-" reads standard input), decompressing it when it is gzip or zstd; with
    /// `convertingLogs`, a Zeek TSV log or a JSON array of objects is turned into NDJSON lines
    /// (``LogConversion``).
    /// - Throws: `FormatError` naming the file: unreadable, damaged compressed data, or too
    ///   large once decompressed; `LineError` (with the file) for a log that cannot be converted.
    public init(path: String, convertingLogs: Bool = false, fileSystem: any FileSystem = LocalFileSystem()) throws {
        self.path = path
        let plain: MappedFile?
        var raw: [UInt8] = []
        if path == "-" {
            plain = nil
            raw = try StandardStreams.readAllInput()
        } else {
            plain = try MappedFile(path: path, fileSystem: fileSystem)
        }
        let stored = (plain?.withBytes { Self.kind(of: $0) }) ?? raw.withUnsafeBufferPointer { Self.kind(of: $0) }
        compression = stored
        switch stored {
        case .none:
            mapped = plain
            bytes = raw
        case .gzip, .zstd:
            mapped = nil
            let decode = { (input: UnsafeBufferPointer<UInt8>) throws -> [UInt8] in
                do {
                    return stored == .gzip ? try Self.gunzip(input, limit: Self.maxDecompressedBytes)
                                         : try Compressor.decompressZstdStream(input, limit: Self.maxDecompressedBytes)
                } catch let error as FormatError {
                    throw error.located(file: path)
                }
            }
            if let plain { bytes = try plain.withBytes { try decode($0) } } else { bytes = try raw.withUnsafeBufferPointer { try decode($0) } }
        }
        guard convertingLogs else { return }
        kind = withBytes { LogConversion.kind(of: $0) }
        do {
            if let lines = try withBytes({ try LogConversion.ndjson($0) }) {
                mapped = nil
                bytes = lines
            }
        } catch var error as LineError {
            error.file = path
            throw error
        }
    }

    /// Calls `body` with the (decompressed) bytes.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let mapped { return try mapped.withBytes(body) }
        return try bytes.withUnsafeBufferPointer(body)
    }

    static func kind(of b: UnsafeBufferPointer<UInt8>) -> Compression {
        if b.count >= 2, b[0] == 0x1F, b[1] == 0x8B { return .gzip }
        if b.count >= 4, b[0] == 0x28, b[1] == 0xB5, b[2] == 0x2F, b[3] == 0xFD { return .zstd }
        return .none
    }

    /// Decompresses gzip data (any number of members, as `cat a.gz b.gz` makes) with zlib.
    static func gunzip(_ input: UnsafeBufferPointer<UInt8>, limit: Int) throws(FormatError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < input.count {
            var stream = z_stream()
            // 16 + MAX_WBITS: a gzip header and trailer, not a raw or zlib stream.
            guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw FormatError(.decompressionFailed, "gzip: cannot start zlib")
            }
            defer { inflateEnd(&stream) }
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: offset))
            stream.avail_in = UInt32(min(input.count - offset, Int(UInt32.max)))
            var status: Int32 = Z_OK
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { dst -> Int in
                    stream.next_out = dst.baseAddress
                    stream.avail_out = UInt32(dst.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return dst.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && produced > 0) else {
                    throw FormatError(.decompressionFailed, "gzip: damaged data near byte \(offset + Int(stream.total_in)) (zlib \(status))",
                                      offset: UInt64(offset) + UInt64(stream.total_in))
                }
                out += chunk[0..<produced]
                guard out.count <= limit else { throw FormatError(.limitExceeded, "gzip input decompresses to more than \(limit) bytes") }
                if produced == 0 && status != Z_STREAM_END && stream.avail_in == 0 {
                    throw FormatError(.decompressionFailed, "gzip: the data ends inside a member (truncated)", offset: UInt64(input.count))
                }
            } while status != Z_STREAM_END
            offset += Int(stream.total_in)
        }
        return out
    }
}
