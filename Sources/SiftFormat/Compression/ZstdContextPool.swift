import CZstd
import Synchronization

/// Reusable libzstd contexts. `ZSTD_compress` and `ZSTD_decompress` create and free a context on
/// every call (a compression context at level 3 is over a megabyte, a decompression one about
/// 100 KB); for pages of a few thousand rows that set-up costs as much as the work. A call
/// borrows an idle context and gives it back; a few idle ones are kept per kind, so memory stays
/// bounded however many threads ran at once. Output is byte for byte what the one-shot calls
/// give (the same parameters are set on every use).
enum ZstdContextPool {
    /// A libzstd context; used by one thread at a time (borrowed, then given back).
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer }

    private struct Idle {
        var compression: [Context] = []
        var decompression: [Context] = []
    }

    private static let idle = Mutex(Idle())
    /// Idle contexts kept per kind; more are freed when returned.
    private static let kept = 8

    /// Runs `body` with a compression context of its own.
    static func withCompressionContext<R>(_ body: (OpaquePointer) -> R) -> R {
        let context = idle.withLock { $0.compression.popLast() } ?? Context(pointer: ZSTD_createCCtx()!)
        defer {
            let surplus: Context? = idle.withLock { idle in
                guard idle.compression.count < kept else { return context }
                idle.compression.append(context)
                return nil
            }
            if let surplus { ZSTD_freeCCtx(surplus.pointer) }
        }
        return body(context.pointer)
    }

    /// Runs `body` with a decompression context of its own.
    static func withDecompressionContext<R>(_ body: (OpaquePointer) -> R) -> R {
        let context = idle.withLock { $0.decompression.popLast() } ?? Context(pointer: ZSTD_createDCtx()!)
        defer {
            let surplus: Context? = idle.withLock { idle in
                guard idle.decompression.count < kept else { return context }
                idle.decompression.append(context)
                return nil
            }
            if let surplus { ZSTD_freeDCtx(surplus.pointer) }
        }
        return body(context.pointer)
    }
}
