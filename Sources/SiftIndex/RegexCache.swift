import Synchronization

/// Compiled patterns of `matches` (Swift's `Regex`, the toolchain's own engine), compiled once
/// per pattern and shared by every scan.
package final class RegexCache: Sendable {
    package static let shared = RegexCache()
    private let compiled = Mutex<[[UInt8]: Regex<AnyRegexOutput>]>([:])

    /// Why `pattern` does not compile, or nil.
    package static func problem(_ pattern: String) -> String? {
        do { _ = try Regex(pattern); return nil } catch { return "\(error)" }
    }

    /// The compiled `pattern` (UTF-8), or nil when it does not compile (the parser refuses such
    /// patterns first).
    package func regex(_ pattern: [UInt8]) -> Regex<AnyRegexOutput>? {
        compiled.withLock { cache -> Regex<AnyRegexOutput>? in
            if let r = cache[pattern] { return r }
            guard let r = try? Regex(String(decoding: pattern, as: UTF8.self)) else { return nil }
            if cache.count > 64 { cache.removeAll() }
            cache[pattern] = r
            return r
        }
    }
}
