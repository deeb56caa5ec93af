import SiftPlatform
import SiftFormat

/// Who owns an internal host and how much it matters: the context alerts are enriched with.
/// A CSV with a header `ip,owner,criticality`; `ip` is an address or a CIDR network.
public struct AssetTable: Sendable {
    var exact: [IPv6Address: (owner: String, criticality: String)] = [:]
    var networks = IndicatorSet()
    var byNetwork: [String: (owner: String, criticality: String)] = [:]

    public init() {}

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw PipelineError("\(path): cannot read the asset table") }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimmingWhitespace() }
        guard let header = lines.first, String(header.filter { $0 != " " }) == "ip,owner,criticality" else {
            throw PipelineError("\(path):1: the header must be ip,owner,criticality")
        }
        for (n, line) in lines.enumerated().dropFirst() where !line.isEmpty && !line.hasPrefix("#") {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard cells.count == 3 else { throw PipelineError("\(path):\(n + 1): expected 3 fields, got \(cells.count)") }
            if cells[0].contains("/") {
                guard networks.addAddressOrNetwork(cells[0], feed: cells[0]) else { throw PipelineError("\(path):\(n + 1): '\(cells[0])' is not a network") }
                byNetwork[cells[0]] = (cells[1], cells[2])
            } else {
                guard let a = TextForms.parseIP(Array(cells[0].utf8)) else { throw PipelineError("\(path):\(n + 1): '\(cells[0])' is not an IP address") }
                exact[a] = (cells[1], cells[2])
            }
        }
        networks.sortNetworks()
    }

    /// The asset an address belongs to.
    public func lookup(_ a: IPv6Address) -> (owner: String, criticality: String)? {
        if let hit = exact[a] { return hit }
        return networks.match(a).flatMap { byNetwork[$0.indicator] }
    }
}

