import Synchronization

/// Compiled patterns of `matches` (Swift's `Regex`, the toolchain's own engine), compiled once
/// per pattern and shared by every thread of a scan.
package final class RegexCache: Sendable {
    package static let shared = RegexCache()
    private let compiled = Mutex<[[UInt8]: Regex<AnyRegexOutput>]>([:])

    /// Why `pattern` does not compile, or nil.
    package static func problem(_ pattern: String) -> String? {
        do { _ = try Regex(pattern); return nil } catch { return "\(error)" }
    }

    /// Whether `value` (UTF-8) holds a match of `pattern` anywhere. A pattern that does not
    /// compile matches nothing (the parser refuses such patterns first).
    package func matches(_ value: some Collection<UInt8>, pattern: [UInt8]) -> Bool {
        let regex = compiled.withLock { cache -> Regex<AnyRegexOutput>? in
            if let r = cache[pattern] { return r }
            guard let r = try? Regex(String(decoding: pattern, as: UTF8.self)) else { return nil }
            if cache.count > 64 { cache.removeAll() }
            cache[pattern] = r
            return r
        }
        guard let regex else { return false }
        return String(decoding: value, as: UTF8.self).contains(regex)
    }
}
