import CLZ4
import CZstd

/// Compresses and decompresses page bodies. The only file that imports libzstd and liblz4; it
/// turns their error codes into `FormatError`s.
package enum Compressor {
    /// Compresses `input`; the result is what a page stores.
    package static func compress(_ input: [UInt8], _ compression: Compression) -> [UInt8] {
        switch compression.codec {
        case .none:
            return input
        case .lz4:
            let bound = Int(LZ4_compressBound(Int32(input.count)))
            var out = [UInt8](repeating: 0, count: max(bound, 1))
            let written = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    LZ4_compress_default(
                        src.baseAddress?.assumingMemoryBound(to: CChar.self),
                        dst.baseAddress!.assumingMemoryBound(to: CChar.self),
                        Int32(input.count), Int32(dst.count))
                }
            }
            precondition(written > 0 || input.isEmpty, "LZ4_compress_default failed on \(input.count) bytes")
            out.removeSubrange(Int(written)...)
            return out
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            var out = [UInt8](repeating: 0, count: bound)
            let written = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    ZstdContextPool.withCompressionContext { context in
                        ZSTD_compressCCtx(context, dst.baseAddress, dst.count, src.baseAddress, src.count, Int32(compression.level))
                    }
                }
            }
            precondition(ZSTD_isError(written) == 0, "ZSTD_compress failed: \(String(cString: ZSTD_getErrorName(written)))")
            out.removeSubrange(written...)
            return out
        }
    }

    /// Decompresses a stored page body into exactly `uncompressedSize` bytes.
    ///
    /// The caller has already checked `uncompressedSize` against `FormatLimits.maxPageBytes`, so
    /// a hostile size cannot make this allocate beyond that limit.
    static func decompress(
        _ stored: [UInt8], _ range: Range<Int>, codec: Codec, uncompressedSize: Int
    ) throws(FormatError) -> [UInt8] {
        if codec == .none {
            guard range.count == uncompressedSize else {
                throw FormatError(.pageSizeMismatch, "uncompressed page stores \(range.count) bytes but declares \(uncompressedSize)")
            }
            return Array(stored[range])
        }
        try checkDeclaredSize(range.count, codec: codec, uncompressedSize: uncompressedSize)
        var failure: FormatError?
        let out = [UInt8](unsafeUninitializedCapacity: uncompressedSize) { buffer, initialized in
            do throws(FormatError) {
                try decompress(stored, range, codec: codec, into: UnsafeMutableRawBufferPointer(buffer))
            } catch { failure = error }
            // Every byte was written on success; on failure the array is dropped unread.
            initialized = uncompressedSize
        }
        if let failure { throw failure }
        return out
    }

    /// Rejects declared sizes a codec cannot produce from `storedCount` bytes.
    static func checkDeclaredSize(_ storedCount: Int, codec: Codec, uncompressedSize: Int) throws(FormatError) {
        // An LZ4 block expands at most 255x: a larger declared size is a lie or a bomb.
        if codec == .lz4, uncompressedSize > storedCount &* 255 &+ 16 {
            throw FormatError(.limitExceeded, "LZ4 page declares \(uncompressedSize) bytes from \(storedCount) stored; LZ4 cannot expand that far")
        }
    }

    /// Decompresses `stored[range]` into `destination`, which must be exactly the declared size.
    /// Lets a reader decode straight into a typed vector with no intermediate copy.
    static func decompress(_ stored: [UInt8], _ range: Range<Int>, codec: Codec, into destination: UnsafeMutableRawBufferPointer) throws(FormatError) {
        let size = destination.count
        switch codec {
        case .none:
            guard range.count == size else {
                throw FormatError(.pageSizeMismatch, "uncompressed page stores \(range.count) bytes but declares \(size)")
            }
            stored.withUnsafeBytes { src in
                // Safety: range lies within stored (sliced by a bounds-checked reader).
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[range]))
            }
        case .lz4:
            try checkDeclaredSize(range.count, codec: codec, uncompressedSize: size)
            let produced = stored.withUnsafeBytes { src in
                LZ4_decompress_safe(
                    src.baseAddress!.advanced(by: range.lowerBound).assumingMemoryBound(to: CChar.self),
                    destination.baseAddress?.assumingMemoryBound(to: CChar.self),
                    Int32(range.count), Int32(size))
            }
            guard produced >= 0 else { throw FormatError(.decompressionFailed, "LZ4 block is corrupt") }
            guard Int(produced) == size else {
                throw FormatError(.pageSizeMismatch, "LZ4 block decompressed to \(produced) bytes, header declares \(size)")
            }
        case .zstd:
            // Exactly one zstd frame spanning the stored body (§8): no skippable frame, no second
            // frame and no trailing bytes, which libzstd would otherwise accept or skip.
            let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
            guard range.count >= 4, Array(stored[range.lowerBound..<(range.lowerBound + 4)]) == magic else {
                throw FormatError(.decompressionFailed, "the stored body does not start with a zstd frame (28 B5 2F FD)")
            }
            let frameLength = stored.withUnsafeBytes { src in
                ZSTD_findFrameCompressedSize(src.baseAddress!.advanced(by: range.lowerBound), range.count)
            }
            if ZSTD_isError(frameLength) != 0 {
                throw FormatError(.decompressionFailed, "zstd: \(String(cString: ZSTD_getErrorName(frameLength)))")
            }
            guard frameLength == range.count else {
                throw FormatError(.decompressionFailed, "\(range.count - frameLength) bytes follow the zstd frame in the stored body")
            }
            let frameSize = stored.withUnsafeBytes { src in
                ZSTD_getFrameContentSize(src.baseAddress!.advanced(by: range.lowerBound), range.count)
            }
            // ZSTD_CONTENTSIZE_ERROR and _UNKNOWN do not reach Swift as macros.
            if frameSize == UInt64.max - 1 { throw FormatError(.decompressionFailed, "not a zstd frame") }
            if frameSize != UInt64.max, frameSize != UInt64(size) {
                throw FormatError(.pageSizeMismatch, "zstd frame holds \(frameSize) bytes, header declares \(size)")
            }
            let produced = stored.withUnsafeBytes { src in
                ZstdContextPool.withDecompressionContext { context in
                    ZSTD_decompressDCtx(context, destination.baseAddress, size, src.baseAddress!.advanced(by: range.lowerBound), range.count)
                }
            }
            if ZSTD_isError(produced) != 0 {
                throw FormatError(.decompressionFailed, "zstd: \(String(cString: ZSTD_getErrorName(produced)))")
            }
            guard produced == size else {
                throw FormatError(.pageSizeMismatch, "zstd frame decompressed to \(produced) bytes, header declares \(size)")
            }
        }
    }

    /// Decompresses a whole zstd stream of any number of frames (a `.zst` log file), whatever
    /// their content sizes say, up to `limit` bytes of output.
    /// - Throws: `FormatError.decompressionFailed` for a damaged stream, `.limitExceeded` past `limit`.
    package static func decompressZstdStream(_ input: UnsafeBufferPointer<UInt8>, limit: Int) throws(FormatError) -> [UInt8] {
        guard let stream = ZSTD_createDStream() else { throw FormatError(.decompressionFailed, "zstd: cannot create a stream") }
        defer { ZSTD_freeDStream(stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var lastResult = 0
        repeat {
            let (result, produced) = chunk.withUnsafeMutableBytes { dst -> (Int, Int) in
                var outBuffer = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                let r = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                return (r, outBuffer.pos)
            }
            if ZSTD_isError(result) != 0 { throw FormatError(.decompressionFailed, "zstd: \(String(cString: ZSTD_getErrorName(result)))") }
            out += chunk[0..<produced]
            guard out.count <= limit else { throw FormatError(.limitExceeded, "zstd input decompresses to more than \(limit) bytes") }
            lastResult = result
            if produced == 0 && inBuffer.pos == inBuffer.size { break }
        } while inBuffer.pos < inBuffer.size || lastResult != 0
        guard lastResult == 0 else { throw FormatError(.decompressionFailed, "zstd: the stream ends inside a frame (truncated)") }
        return out
    }
}
