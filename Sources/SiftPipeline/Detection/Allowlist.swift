import SiftPlatform
import SiftFormat

/// Hosts and names whose alerts are suppressed (kept in the alerts table, marked
/// `allowlisted`, never delivered). One entry per line: an IP, a CIDR network, or a domain
/// (which also covers its subdomains), optionally prefixed with a rule id and `:` to suppress
/// only that rule's alerts (`port-scan:10.0.99.9`). `#` starts a comment.
public struct Allowlist: Sendable {
    struct Entry: Sendable {
        var rule: String?
        var indicators: IndicatorSet
        var text: String
    }
    var entries: [Entry] = []

    public init() {}

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw PipelineError("\(path): cannot read the allowlist") }
        for (n, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").trimmingWhitespace()
            if line.isEmpty { continue }
            // An address or network is a value whole (IPv6 ones hold colons); otherwise text
            // before the first colon names a rule.
            func isAddressOrNetwork(_ s: String) -> Bool { TextForms.parseIP(Array((s.split(separator: "/").first ?? "").utf8)) != nil }
            var rule: String?, value = line
            if !isAddressOrNetwork(line), let colon = line.firstIndex(of: ":") {
                rule = String(line[..<colon])
                value = String(line[line.index(after: colon)...]).trimmingWhitespace()
            }
            var set = IndicatorSet()
            guard isAddressOrNetwork(value) ? set.addAddressOrNetwork(value, feed: line) : set.addDomain(value, feed: line) else {
                throw PipelineError("\(path):\(n + 1): '\(value)' is not an IP, a network or a domain")
            }
            set.sortNetworks()
            entries.append(Entry(rule: rule, indicators: set, text: line))
        }
    }

    /// The entry that suppresses an alert, if any.
    public func suppresses(rule: String, src: IPv6Address?, dst: IPv6Address?, domain: String?) -> String? {
        for e in entries where e.rule == nil || e.rule == rule {
            if let src, e.indicators.match(src) != nil { return e.text }
            if let dst, e.indicators.match(dst) != nil { return e.text }
            if let domain, e.indicators.match(domain: domain) != nil { return e.text }
        }
        return nil
    }
}
