import SiftPlatform
import SiftFormat
import SiftIndex
import SiftNDJSON

/// A rules file (`spec/pipeline.md` §7): indicator feeds, an asset table, and rules.
public struct RulesFile: Sendable {
    public struct Feed: Sendable {
        public enum Format: String, Sendable { case cidrList = "cidr-list", domainList = "domain-list", zeekIntel = "zeek-intel", ipList = "ip-list" }
        public var name: String
        public var path: String
        public var format: Format
    }

    /// How urgent a rule's alerts are; the alerts table stores the raw value.
    public enum Severity: String, Sendable, CaseIterable {
        case low, medium, high, critical
    }

    public enum Rule: Sendable {
        /// Events whose `columns` hold a listed IP (or an address in a listed network), or whose
        /// `domain` is a listed domain or a subdomain of one.
        case indicator(id: String, severity: Severity, match: IndicatorKind, columns: [String], tables: [RefinedKind])
        /// More than `threshold` distinct values of `count` per `groupBy` value in a tumbling window.
        case distinct(id: String, severity: Severity, table: RefinedKind, groupBy: String, count: String, threshold: Int, windowMinutes: Int, where: String?)
        /// Events on a value of `column` seen in at most `maxEvents` events of the whole table.
        case rare(id: String, severity: Severity, table: RefinedKind, column: String, maxEvents: Int, where: String?)
        /// At least `minEvents` events between the same pair whose intervals vary by at most
        /// `maxJitter` (coefficient of variation).
        case beacon(id: String, severity: Severity, table: RefinedKind, groupBy: [String], minEvents: Int, maxJitter: Double, where: String?)

        public var id: String {
            switch self {
            case .indicator(let id, _, _, _, _), .distinct(let id, _, _, _, _, _, _, _), .rare(let id, _, _, _, _, _), .beacon(let id, _, _, _, _, _, _): id
            }
        }
    }

    public enum IndicatorKind: String, Sendable { case ip, domain }

    public var feeds: [Feed] = []
    /// A CSV of `ip,owner,criticality` (an IP or a CIDR per line), for context.
    public var assets: String?
    public var rules: [Rule] = []

    /// Parses a rules file; errors name the file, the rule (by position and id) and the key.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw PipelineError("\(path): cannot read the rules file") }
        try self.init(data: data, path: path)
    }

    /// Parses a rules file's bytes; `path` names it in errors and anchors relative feed paths.
    public init(data: Data, path: String) throws {
        let base = PathText.parent(path)
        func resolve(_ p: String) -> String { p.hasPrefix("/") || base.isEmpty ? p : base + "/" + p }
        // The same strict parser as NDJSON lines and log entries; errors name the byte.
        let object: Any
        do { object = try Array(data).withUnsafeBufferPointer { try JSONTree.parse($0) }.anyValue } catch let error as JSONSyntaxError {
            throw PipelineError("\(path): not valid JSON at byte \(error.column + 1): \(error.message)")
        }
        guard let root = object as? [String: Any] else { throw PipelineError("\(path): expected an object with \"rules\"") }
        for key in root.keys where !["indicators", "assets", "rules"].contains(key) {
            throw PipelineError("\(path): unknown key \"\(key)\" (expected indicators, assets, rules)")
        }
        for (i, entry) in ((root["indicators"] as? [Any]) ?? []).enumerated() {
            let at = "\(path): indicators[\(i)]"
            guard let f = entry as? [String: Any], let p = f["path"] as? String else { throw PipelineError("\(at): needs \"path\"") }
            guard let formatName = f["format"] as? String, let format = Feed.Format(rawValue: formatName) else {
                throw PipelineError("\(at): \"format\" must be cidr-list, ip-list, domain-list or zeek-intel")
            }
            feeds.append(Feed(name: f["name"] as? String ?? PathText.lastComponent(p), path: resolve(p), format: format))
        }
        if let a = root["assets"] {
            guard let p = a as? String else { throw PipelineError("\(path): \"assets\" must be a path") }
            assets = resolve(p)
        }
        guard let list = root["rules"] as? [Any] else { throw PipelineError("\(path): needs a \"rules\" array") }
        var ids = Set<String>()
        for (i, entry) in list.enumerated() {
            guard let r = entry as? [String: Any] else { throw PipelineError("\(path): rules[\(i)] is not an object") }
            let id = r["id"] as? String ?? ""
            let at = "\(path): rules[\(i)]" + (id.isEmpty ? "" : " (\(id))")
            guard !id.isEmpty else { throw PipelineError("\(at): needs an \"id\"") }
            guard ids.insert(id).inserted else { throw PipelineError("\(at): the id is used twice") }
            func string(_ key: String, default value: String? = nil) throws -> String {
                guard let v = r[key] as? String ?? value else { throw PipelineError("\(at): needs \"\(key)\" (a string)") }
                return v
            }
            func int(_ key: String) throws -> Int {
                guard let v = r[key] as? Int, v > 0 else { throw PipelineError("\(at): needs \"\(key)\" (a positive integer)") }
                return v
            }
            func table(_ name: String) throws -> RefinedKind {
                guard let k = RefinedKind(rawValue: name) else { throw PipelineError("\(at): no refined table '\(name)' (conn, dns, http, ssl, alert)") }
                return k
            }
            func column(_ name: String, in kind: RefinedKind) throws -> String {
                guard kind.schema.index(of: name) != nil else { throw PipelineError("\(at): table \(kind.rawValue) has no column '\(name)'") }
                return name
            }
            let severityName = try string("severity", default: "medium")
            // An optional filter on the events a statistical rule counts (spec/predicates.md).
            let filter = r["where"] as? String
            if let filter {
                do { _ = try RowPredicate.parse(filter) } catch { throw PipelineError("\(at): \"where\": \(error)") }
            }
            guard let severity = Severity(rawValue: severityName) else {
                throw PipelineError("\(at): severity must be \(Severity.allCases.map(\.rawValue).joined(separator: ", ")), not '\(severityName)'")
            }
            switch try string("type") {
            case "indicator":
                guard let match = IndicatorKind(rawValue: try string("match")) else { throw PipelineError("\(at): \"match\" must be ip or domain") }
                let tables = try ((r["tables"] as? [String]) ?? RefinedKind.allCases.map(\.rawValue)).map(table)
                let columns = (r["columns"] as? [String]) ?? (match == .ip ? ["dst_ip", "src_ip"] : ["domain"])
                for t in tables { for c in columns { _ = try column(c, in: t) } }
                rules.append(.indicator(id: id, severity: severity, match: match, columns: columns, tables: tables))
            case "distinct":
                let t = try table(try string("table", default: "conn"))
                rules.append(.distinct(id: id, severity: severity, table: t, groupBy: try column(try string("group_by"), in: t),
                                       count: try column(try string("count"), in: t), threshold: try int("threshold"),
                                       windowMinutes: (r["window_minutes"] as? Int) ?? 10, where: filter))
            case "rare":
                let t = try table(try string("table", default: "conn"))
                rules.append(.rare(id: id, severity: severity, table: t, column: try column(try string("column"), in: t), maxEvents: try int("max_events"), where: filter))
            case "beacon":
                let t = try table(try string("table", default: "conn"))
                let group = try ((r["group_by"] as? [String]) ?? ["src_ip", "dst_ip"]).map { try column($0, in: t) }
                guard let jitter = r["max_jitter"] as? Double ?? (r["max_jitter"] as? Int).map(Double.init), jitter > 0 else {
                    throw PipelineError("\(at): needs \"max_jitter\" (a positive number, the intervals' coefficient of variation)")
                }
                rules.append(.beacon(id: id, severity: severity, table: t, groupBy: group, minEvents: try int("min_events"), maxJitter: jitter, where: filter))
            case let other:
                throw PipelineError("\(at): unknown type '\(other)' (indicator, distinct, rare, beacon)")
            }
        }
    }
}
