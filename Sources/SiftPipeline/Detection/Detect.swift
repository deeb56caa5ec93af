import SiftPlatform
import SiftFormat
import SiftIndex
import SiftTable

/// What a detection run did.
public struct DetectResult: Sendable {
    public var alerts: [AlertRecord] = []
    public var eventsExamined: [RefinedKind: Int] = [:]
    /// What the indicator joins read and skipped (totalled).
    public var joinReport = SkipLedger()
    /// Feed lines that were not indicators.
    public var skippedFeedLines: [String] = []
}

/// Where detection is: the last version of each refined table it examined.
struct DetectCheckpoint: Codable {
    var versions: [String: Int64] = [:]
}

extension Warehouse {
    var detectCheckpointPath: String { root + "/_pipeline/detect.json" }

    /// Runs the rules over the refined rows added since the last run (files added by parse or
    /// re-parse) and appends every alert to the alerts table with status `new`.
    public func detect(_ rules: RulesFile) throws -> DetectResult {
        let indicators = try IndicatorSet(feeds: rules.feeds)
        let assets = try rules.assets.map(AssetTable.init(path:)) ?? AssetTable()
        var checkpoint = FileManager.default.contents(atPath: detectCheckpointPath).flatMap { try? JSONDecoder().decode(DetectCheckpoint.self, from: $0) } ?? DetectCheckpoint()
        var result = DetectResult(skippedFeedLines: indicators.skipped)
        var reached: [String: Int64] = [:]

        var kinds = Set<RefinedKind>()
        for rule in rules.rules {
            switch rule {
            case .indicator(_, _, _, _, let tables): kinds.formUnion(tables)
            case .distinct(_, _, let t, _, _, _, _, _), .rare(_, _, let t, _, _, _), .beacon(_, _, let t, _, _, _, _): kinds.insert(t)
            }
        }
        for kind in kinds.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let table = try? Table(root: refinedPath(kind)) else { continue }
            let snapshot = try table.snapshot()
            let from = (checkpoint.versions[kind.rawValue] ?? -1) + 1
            // The rows added since the last run, in the files that added them (an optimize
            // since may have rewritten them together with rows examined before).
            let added = try table.addedFiles(from: from, through: snapshot.version)
            reached[kind.rawValue] = snapshot.version
            var fresh = snapshot
            fresh.files = Dictionary(uniqueKeysWithValues: added.map { ($0.path, $0) })
            guard !fresh.files.isEmpty else { continue }
            result.eventsExamined[kind] = Int(fresh.rowCount)
            for rule in rules.rules {
                switch rule {
                case .indicator(let id, let severity, let match, let columns, let tables) where tables.contains(kind):
                    guard !indicators.isEmpty else { continue }
                    result.alerts += try indicatorAlerts(id: id, severity: severity, match: match, columns: columns, kind: kind,
                                                         table: table, snapshot: fresh, indicators: indicators, report: &result.joinReport)
                case .distinct(let id, let severity, kind, let groupBy, let count, let threshold, let window, let filter):
                    result.alerts += try distinctAlerts(id: id, severity: severity, kind: kind, table: table, whole: snapshot, fresh: fresh,
                                                        groupBy: groupBy, count: count, threshold: threshold, windowMinutes: window,
                                                        filter: try filter.map { try RowPredicate.parse($0) })
                case .rare(let id, let severity, kind, let column, let maxEvents, let filter):
                    result.alerts += try rareAlerts(id: id, severity: severity, kind: kind, table: table, whole: snapshot, fresh: fresh,
                                                    column: column, maxEvents: maxEvents, filter: try filter.map { try RowPredicate.parse($0) })
                case .beacon(let id, let severity, kind, let groupBy, let minEvents, let maxJitter, let filter):
                    result.alerts += try beaconAlerts(id: id, severity: severity, kind: kind, table: table, whole: snapshot, fresh: fresh,
                                                      groupBy: groupBy, minEvents: minEvents, maxJitter: maxJitter,
                                                      filter: try filter.map { try RowPredicate.parse($0) })
                default:
                    continue
                }
            }
        }
        // Context: who owns the hosts involved.
        for i in result.alerts.indices {
            let hit = result.alerts[i].srcIP.flatMap(assets.lookup) ?? result.alerts[i].dstIP.flatMap(assets.lookup)
            result.alerts[i].owner = hit?.owner
            result.alerts[i].criticality = hit?.criticality
        }
        if !result.alerts.isEmpty {
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let batch = try alertBatch(result.alerts, detectedAt: now, status: Array(repeating: "new", count: result.alerts.count),
                                       reasons: Array(repeating: nil, count: result.alerts.count))
            _ = try alerts().append { sink in try sink(batch); return 0 }
        }
        // Alerts are keyed by rule, key and window: if the process dies before this line, the
        // next run raises the same alerts again and the alert stage drops the duplicates.
        for (k, v) in reached { checkpoint.versions[k] = v }
        try save(checkpoint, to: detectCheckpointPath)
        return result
    }

    /// Reads `columns` of every row of `snapshot`'s files (optionally only rows `select` keeps,
    /// with `predicate` pruning first), calling `body` per batch.
    func scanRows(_ table: Table, _ snapshot: Snapshot, columns: [String], predicate: RowPredicate? = nil,
                  select: (@Sendable (_ column: (String) -> ColumnVector?, _ count: Int) -> [Int])? = nil,
                  _ body: (RecordBatch) throws -> Void) throws -> SkipLedger {
        var scan = try TableScan(table: table, snapshot: snapshot, predicate: predicate, columns: columns)
        scan.rowSelector = select
        return try scan.run { try body($0); return true }
    }

    static let hour: Int64 = 3_600_000_000

    func indicatorAlerts(id: String, severity: RulesFile.Severity, match: RulesFile.IndicatorKind, columns: [String], kind: RefinedKind, table: Table,
                         snapshot: Snapshot, indicators: IndicatorSet, report: inout SkipLedger) throws -> [AlertRecord] {
        // The join's pruning predicate: every indicator as a leaf, so partitions, file
        // statistics, bloom filters (addresses, network prefixes, domain suffixes) and zone
        // maps rule out what cannot hold one. The rows left are matched by hash lookup.
        var leaves: [RowPredicate] = []
        for column in columns {
            switch match {
            case .ip:
                if !indicators.addresses.isEmpty {
                    leaves.append(.inList(column: column, indicators.addresses.keys.map { .ip($0, isV4: $0.mappedIPv4 != nil) }))
                }
                for n in indicators.networks {
                    let isV4 = n.low.mappedIPv4 != nil
                    let length = Self.prefixLength(n.low, n.high) - (isV4 ? 96 : 0)
                    leaves.append(.inNetwork(column: column, n.low, length: length, isV4: isV4))
                }
            case .domain:
                leaves.append(.inList(column: column, indicators.domains.keys.map { .string($0) }))
                for d in indicators.domains.keys { leaves.append(.endsWith(column: column, "." + d)) }
            }
        }
        guard !leaves.isEmpty else { return [] }
        struct Group { var first: Int64; var last: Int64; var count: Int64; var src: IPv6Address?; var dst: IPv6Address?; var domain: String?; var port: UInt16?; var uids: [String]; var indicator: (String, String); var eventType: String }
        var groups: [String: Group] = [:]
        var order: [String] = []
        let wanted = ["time", "event_type", "uid", "src_ip", "dst_ip", "dst_port", "domain"]
        @Sendable func matchRow(_ col: (String) -> ColumnVector?, _ r: Int) -> (String, String)? {
            for column in columns {
                guard let v = col(column) else { continue }
                switch match {
                case .ip: if let a = v.ipAddress(at: r), let hit = indicators.match(a) { return hit }
                case .domain: if let d = v.string(at: r), let hit = indicators.match(domain: d) { return hit }
                }
            }
            return nil
        }
        let scanned = try scanRows(table, snapshot, columns: wanted, predicate: .or(leaves), select: { col, count in
            (0..<count).filter { matchRow(col, $0) != nil }
        }) { batch in
            let c = { (name: String) in batch.schema.index(of: name).map { batch.columns[$0] } }
            for r in 0..<batch.rowCount {
                guard let hit = matchRow(c, r), let time = c("time")?.integer(at: r) else { continue }
                let src = c("src_ip")?.ipAddress(at: r)
                let window = floorDivide(time, Self.hour) * Self.hour
                let key = "indicator=\(hit.0) src_ip=\(src.map(TextForms.formatIP) ?? "-")"
                let groupKey = key + "|\(window)"
                if groups[groupKey] == nil {
                    order.append(groupKey)
                    groups[groupKey] = Group(first: time, last: time, count: 0, src: src, dst: c("dst_ip")?.ipAddress(at: r), domain: c("domain")?.string(at: r),
                                             port: c("dst_port")?.integer(at: r).map { UInt16($0) }, uids: [], indicator: hit, eventType: c("event_type")?.string(at: r) ?? "")
                }
                groups[groupKey]!.count += 1
                groups[groupKey]!.first = min(groups[groupKey]!.first, time)
                groups[groupKey]!.last = max(groups[groupKey]!.last, time)
                if groups[groupKey]!.uids.count < 5, let uid = c("uid")?.string(at: r) { groups[groupKey]!.uids.append(uid) }
            }
        }
        report.merge(scanned)
        return order.map { k in
            let g = groups[k]!
            let window = floorDivide(g.first, Self.hour) * Self.hour
            return AlertRecord(ruleId: id, severity: severity.rawValue, title: "\(kind.rawValue) event with listed \(match.rawValue) \(g.indicator.0) (\(g.indicator.1))",
                               key: String(k.split(separator: "|").first!), windowStart: window, windowEnd: window + Self.hour - 1,
                               srcIP: g.src, dstIP: g.dst, domain: g.domain, dstPort: g.port, count: g.count,
                               indicator: g.indicator.0, indicatorFeed: g.indicator.1,
                               evidence: Self.evidence(kind, g.eventType, g.uids, first: g.first, last: g.last), owner: nil, criticality: nil)
        }
    }

    /// The length of the network `low...high`.
    static func prefixLength(_ low: IPv6Address, _ high: IPv6Address) -> Int {
        let diffHigh = low.high ^ high.high, diffLow = low.low ^ high.low
        return diffHigh != 0 ? diffHigh.leadingZeroBitCount : 64 + diffLow.leadingZeroBitCount
    }

    static func evidence(_ kind: RefinedKind, _ eventType: String, _ uids: [String], first: Int64, last: Int64) -> String {
        var out = Array("{\"table\":\"\(kind.rawValue)\",\"event_type\":".utf8)
        TextForms.appendJSONString(Array(eventType.utf8), to: &out)
        out += Array(",\"first\":\"\(TextForms.formatTimestamp(first))\",\"last\":\"\(TextForms.formatTimestamp(last))\",\"uids\":[".utf8)
        for (i, u) in uids.enumerated() { if i > 0 { out.append(UInt8(ascii: ",")) }; TextForms.appendJSONString(Array(u.utf8), to: &out) }
        return String(decoding: out + Array("]}".utf8), as: UTF8.self)
    }

    /// Groups whose distinct values in a window pass the threshold. Windows are fixed (aligned
    /// to multiples of their width since the epoch), and a group's window is counted over every
    /// row of the table in it, not only the rows this run added: a scan split across two runs
    /// is one alert for its window (the alert stage drops the repeat), never two halves below
    /// the threshold.
    func distinctAlerts(id: String, severity: RulesFile.Severity, kind: RefinedKind, table: Table, whole: Snapshot, fresh: Snapshot, groupBy: String, count: String,
                        threshold: Int, windowMinutes: Int, filter: RowPredicate?) throws -> [AlertRecord] {
        let width = Int64(windowMinutes) * 60_000_000
        struct Key: Hashable { var group: ValueKey; var window: Int64 }
        // The groups and windows the new rows touch.
        var touched = Set<Key>()
        var windows = Set<Int64>()
        _ = try scanRows(table, fresh, columns: ["time", groupBy], predicate: filter) { batch in
            let t = batch.columns[0], g = batch.columns[1]
            for r in 0..<batch.rowCount {
                guard let time = t.integer(at: r) else { continue }
                let key = Key(group: g.valueKey(r), window: floorDivide(time, width) * width)
                guard key.group != .null else { continue }
                touched.insert(key)
                windows.insert(key.window)
            }
        }
        guard !touched.isEmpty else { return [] }
        // Those windows over the whole table (time partitions prune the rest).
        let ranges = windows.sorted().map { Self.during($0, $0 + width - 1) }
        let inWindows: RowPredicate = ranges.count == 1 ? ranges[0] : .or(ranges)
        var seen: [Key: Set<ValueKey>] = [:]
        var events: [Key: (Int64, Int64, Int64, String?)] = [:]
        _ = try scanRows(table, whole, columns: ["time", groupBy, count, "uid"], predicate: Self.both(filter, inWindows)) { batch in
            let t = batch.columns[0], g = batch.columns[1], v = batch.columns[2], u = batch.columns[3]
            for r in 0..<batch.rowCount {
                guard let time = t.integer(at: r) else { continue }
                let key = Key(group: g.valueKey(r), window: floorDivide(time, width) * width)
                guard touched.contains(key) else { continue }
                if (seen[key]?.count ?? 0) <= threshold { seen[key, default: []].insert(v.valueKey(r)) }
                let e = events[key] ?? (time, time, 0, u.string(at: r))
                events[key] = (min(e.0, time), max(e.1, time), e.2 + 1, e.3)
            }
        }
        return seen.filter { $0.value.count > threshold }.keys.sorted { ($0.window, $0.group.text) < ($1.window, $1.group.text) }.map { key in
            let e = events[key]!
            let ip: IPv6Address? = if case .ip(let a) = key.group { a } else { nil }
            return AlertRecord(ruleId: id, severity: severity.rawValue, title: "\(groupBy) \(key.group.text) reached more than \(threshold) distinct \(count) values in \(windowMinutes) minutes",
                               key: "\(groupBy)=\(key.group.text)", windowStart: key.window, windowEnd: key.window + width - 1,
                               srcIP: groupBy == "src_ip" ? ip : nil, dstIP: groupBy == "dst_ip" ? ip : nil, domain: nil, dstPort: nil,
                               count: e.2, indicator: nil, indicatorFeed: nil,
                               evidence: Self.evidence(kind, "", e.3.map { [$0] } ?? [], first: e.0, last: e.1), owner: nil, criticality: nil)
        }
    }

    func rareAlerts(id: String, severity: RulesFile.Severity, kind: RefinedKind, table: Table, whole: Snapshot, fresh: Snapshot, column: String,
                    maxEvents: Int, filter: RowPredicate?) throws -> [AlertRecord] {
        // How often each value occurs in the whole table: one column read.
        var counts: [ValueKey: Int] = [:]
        _ = try scanRows(table, whole, columns: [column], predicate: filter) { batch in
            for r in 0..<batch.rowCount { counts[batch.columns[0].valueKey(r), default: 0] += 1 }
        }
        var hits: [ValueKey: (first: Int64, last: Int64, n: Int64, src: IPv6Address?, dst: IPv6Address?, uid: String?)] = [:]
        _ = try scanRows(table, fresh, columns: ["time", column, "src_ip", "dst_ip", "uid"], predicate: filter) { batch in
            for r in 0..<batch.rowCount {
                let v = batch.columns[1].valueKey(r)
                guard v != .null, (counts[v] ?? 0) <= maxEvents, let time = batch.columns[0].integer(at: r) else { continue }
                let h = hits[v] ?? (time, time, 0, batch.columns[2].ipAddress(at: r), batch.columns[3].ipAddress(at: r), batch.columns[4].string(at: r))
                hits[v] = (min(h.first, time), max(h.last, time), h.n + 1, h.src, h.dst, h.uid)
            }
        }
        return hits.keys.sorted { $0.text < $1.text }.map { v in
            let h = hits[v]!
            return AlertRecord(ruleId: id, severity: severity.rawValue, title: "rarely seen \(column) \(v.text) (\(counts[v] ?? 0) events in the table)",
                               key: "\(column)=\(v.text)", windowStart: h.first, windowEnd: h.last, srcIP: h.src, dstIP: h.dst, domain: nil,
                               dstPort: column == "dst_port" ? UInt16(v.text) : nil, count: h.n, indicator: nil, indicatorFeed: nil,
                               evidence: Self.evidence(kind, "", h.uid.map { [$0] } ?? [], first: h.first, last: h.last), owner: nil, criticality: nil)
        }
    }

    /// Rows whose `time` lies in `low...high` (microseconds).
    static func during(_ low: Int64, _ high: Int64) -> RowPredicate {
        .between(column: "time", .string(TextForms.formatTimestamp(low)), .string(TextForms.formatTimestamp(high)))
    }

    /// `extra`, and a rule's own filter when it has one.
    static func both(_ filter: RowPredicate?, _ extra: RowPredicate) -> RowPredicate {
        filter.map { .and([$0, extra]) } ?? extra
    }

    /// How far before the new rows a beacon's earlier connections are looked for.
    static let beaconLookback: Int64 = 24 * hour

    /// Pairs whose connections recur at a steady interval. The pairs the new rows touch are
    /// judged over the new rows' time span and the day before it, from the whole table: a beacon
    /// whose connections arrived over two runs is seen whole (the alert stage keeps one alert
    /// per pair and day).
    func beaconAlerts(id: String, severity: RulesFile.Severity, kind: RefinedKind, table: Table, whole: Snapshot, fresh: Snapshot, groupBy: [String],
                      minEvents: Int, maxJitter: Double, filter: RowPredicate?) throws -> [AlertRecord] {
        let columns = ["time"] + groupBy
        var touched = Set<[ValueKey]>()
        var low = Int64.max, high = Int64.min
        _ = try scanRows(table, fresh, columns: columns, predicate: filter) { batch in
            for r in 0..<batch.rowCount {
                guard let t = batch.columns[0].integer(at: r) else { continue }
                let key = (1...groupBy.count).map { batch.columns[$0].valueKey(r) }
                guard !key.contains(.null) else { continue }
                touched.insert(key)
                low = min(low, t); high = max(high, t)
            }
        }
        guard !touched.isEmpty else { return [] }
        let predicate = Self.both(filter, Self.during(low - Self.beaconLookback, high))
        // Two passes: count events per pair, then keep the times of pairs with enough of them.
        var counts: [[ValueKey]: Int] = [:]
        _ = try scanRows(table, whole, columns: columns, predicate: predicate) { batch in
            for r in 0..<batch.rowCount {
                let key = (1...groupBy.count).map { batch.columns[$0].valueKey(r) }
                if touched.contains(key) { counts[key, default: 0] += 1 }
            }
        }
        let candidates = Set(counts.filter { $0.value >= minEvents }.keys)
        guard !candidates.isEmpty else { return [] }
        var times: [[ValueKey]: [Int64]] = [:]
        _ = try scanRows(table, whole, columns: columns, predicate: predicate) { batch in
            for r in 0..<batch.rowCount {
                let key = (1...groupBy.count).map { batch.columns[$0].valueKey(r) }
                if candidates.contains(key), let t = batch.columns[0].integer(at: r) { times[key, default: []].append(t) }
            }
        }
        var out: [AlertRecord] = []
        for (key, var ts) in times {
            ts.sort()
            let gaps = zip(ts.dropFirst(), ts).map { Double($0 - $1) / 1_000_000 }
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            guard mean >= 10 else { continue }   // bursts are not beacons
            let sd = (gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)).squareRoot()
            guard sd / mean <= maxJitter else { continue }
            func ip(_ name: String) -> IPv6Address? {
                guard let i = groupBy.firstIndex(of: name), case .ip(let a) = key[i] else { return nil }
                return a
            }
            let domain: String? = groupBy.firstIndex(of: "domain").map { key[$0].text }
            out.append(AlertRecord(ruleId: id, severity: severity.rawValue,
                                   title: "\(ts.count) connections every \(Int(mean.rounded())) s (jitter \(printfText("%.1f", 100 * sd / mean))%)",
                                   key: zip(groupBy, key).map { "\($0)=\($1.text)" }.joined(separator: " "),
                                   windowStart: ts.first!, windowEnd: ts.last!, srcIP: ip("src_ip"), dstIP: ip("dst_ip"), domain: domain,
                                   dstPort: nil, count: Int64(ts.count), indicator: nil, indicatorFeed: nil,
                                   evidence: Self.evidence(kind, "", [], first: ts.first!, last: ts.last!), owner: nil, criticality: nil))
        }
        return out.sorted { $0.key < $1.key }
    }
}
