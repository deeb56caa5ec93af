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
        borrow(\.compression, create: { ZSTD_createCCtx()! }, free: { _ = ZSTD_freeCCtx($0) }, body)
    }

    /// Runs `body` with a decompression context of its own.
    static func withDecompressionContext<R>(_ body: (OpaquePointer) -> R) -> R {
        borrow(\.decompression, create: { ZSTD_createDCtx()! }, free: { _ = ZSTD_freeDCtx($0) }, body)
    }

    /// Takes an idle context of one kind (or creates one), runs `body`, and gives it back
    /// (or frees it when `kept` are idle already).
    private static func borrow<R>(_ kind: WritableKeyPath<Idle, [Context]> & Sendable, create: () -> OpaquePointer,
                                  free: (OpaquePointer) -> Void, _ body: (OpaquePointer) -> R) -> R {
        let context = idle.withLock { $0[keyPath: kind].popLast() } ?? Context(pointer: create())
        defer {
            let surplus: Context? = idle.withLock { idle in
                guard idle[keyPath: kind].count < kept else { return context }
                idle[keyPath: kind].append(context)
                return nil
            }
            if let surplus { free(surplus.pointer) }
        }
        return body(context.pointer)
    }
}
