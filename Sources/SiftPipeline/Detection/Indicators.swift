import SiftPlatform
import SiftFormat

/// Indicators of compromise from feeds: addresses, networks and domains, with where each came
/// from. Matching is by hash (addresses, domains and every parent of a domain) and by binary
/// search over sorted networks, so a join costs a few lookups per event.
public struct IndicatorSet: Sendable {
    public private(set) var addresses: [IPv6Address: String] = [:]
    /// Networks as (first, last, text, feed), sorted by first address.
    public private(set) var networks: [(low: IPv6Address, high: IPv6Address, text: String, feed: String)] = []
    public private(set) var domains: [String: String] = [:]
    /// Lines of the feeds that were not indicators (kept to be reported, not silently dropped).
    public private(set) var skipped: [String] = []

    public init() {}

    public init(feeds: [RulesFile.Feed]) throws {
        for feed in feeds { try load(feed) }
        sortNetworks()
    }

    mutating func sortNetworks() { networks.sort { $0.low < $1.low } }

    mutating func load(_ feed: RulesFile.Feed) throws {
        guard let data = FileManager.default.contents(atPath: feed.path) else {
            throw PipelineError("\(feed.path): cannot read the indicator feed '\(feed.name)'")
        }
        var fields: [String] = []
        for (n, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespace()
            if line.hasPrefix("#fields") { fields = line.split(separator: "\t").dropFirst().map(String.init); continue }
            // Comments: whole lines, and trailing ones after " #".
            let text = String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").trimmingWhitespace()
            if text.isEmpty { continue }
            let ok: Bool
            switch feed.format {
            case .cidrList, .ipList: ok = addAddressOrNetwork(text, feed: feed.name)
            case .domainList: ok = addDomain(text, feed: feed.name)
            case .zeekIntel:
                let cells = raw.split(separator: "\t").map(String.init)
                let i = fields.firstIndex(of: "indicator") ?? 0, t = fields.firstIndex(of: "indicator_type") ?? 1
                guard cells.count > max(i, t) else { ok = false; break }
                switch cells[t] {
                case "Intel::ADDR", "Intel::SUBNET": ok = addAddressOrNetwork(cells[i], feed: feed.name)
                case "Intel::DOMAIN": ok = addDomain(cells[i], feed: feed.name)
                default: ok = true   // file hashes, URLs...: not for these rules
                }
            }
            if !ok { skipped.append("\(feed.path):\(n + 1): not an indicator: \(text.prefix(80))") }
        }
    }

    mutating func addAddressOrNetwork(_ text: String, feed: String) -> Bool {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let address = TextForms.parseIP(Array(parts[0].utf8)) else { return false }
        if parts.count == 1 { addresses[address] = feed; return true }
        let isV4 = TextForms.parseIPv4(Array(parts[0].utf8)) != nil
        guard let length = Int(parts[1]), length >= 0, length <= (isV4 ? 32 : 128) else { return false }
        let bits = isV4 ? 96 + length : length
        let low = BloomKeys.mask(address, bits)
        let hostBits = 128 - bits
        let high = IPv6Address(high: low.high | (hostBits >= 64 ? (hostBits >= 128 ? ~0 : (1 << UInt64(hostBits - 64)) &- 1) : 0),
                               low: low.low | (hostBits >= 64 ? ~0 : (hostBits == 0 ? 0 : (1 << UInt64(hostBits)) &- 1)))
        networks.append((low, high, text, feed))
        return true
    }

    mutating func addDomain(_ text: String, feed: String) -> Bool {
        var trimmed = Substring(text.lowercased())
        while trimmed.hasPrefix(".") { trimmed = trimmed.dropFirst() }
        while trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        let d = String(trimmed)
        guard !d.isEmpty, !d.contains(" "), d.contains(".") || !d.contains("/") else { return false }
        domains[d] = feed
        return true
    }

    public var isEmpty: Bool { addresses.isEmpty && networks.isEmpty && domains.isEmpty }

    /// The indicator an address matches (itself or a network holding it), with its feed.
    public func match(_ a: IPv6Address) -> (indicator: String, feed: String)? {
        if let feed = addresses[a] { return (TextForms.formatIP(a), feed) }
        // The last network starting at or before `a`; overlapping networks are checked back
        // while they could still hold it.
        var lo = 0, hi = networks.count
        while lo < hi { let mid = (lo + hi) / 2; if networks[mid].low <= a { lo = mid + 1 } else { hi = mid } }
        var i = lo - 1
        while i >= 0 {
            if networks[i].high >= a { return (networks[i].text, networks[i].feed) }
            if lo - i > 64 { break }   // nested networks are few; stop a long walk
            i -= 1
        }
        return nil
    }

    /// The listed domain a name is, or is a subdomain of.
    public func match(domain name: String) -> (indicator: String, feed: String)? {
        var d = Substring(name.lowercased())
        while true {
            if let feed = domains[String(d)] { return (String(d), feed) }
            guard let dot = d.firstIndex(of: ".") else { return nil }
            d = d[d.index(after: dot)...]
        }
    }
}

extension IPv6Address {
    static func <= (a: IPv6Address, b: IPv6Address) -> Bool { !(b < a) }
    static func >= (a: IPv6Address, b: IPv6Address) -> Bool { !(a < b) }
}
