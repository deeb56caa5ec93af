import SiftPlatform
import SiftFormat
import SiftPipeline

/// Deterministic DNS telemetry (NDJSON, Zeek dns.log-like fields), streamed with bounded memory,
/// over the same hosts and names as ``ConnectionGenerator`` with the same seed.
///
/// - Clients are the internal hosts (heavy-tailed); most ask the two internal resolvers, some
///   ask public ones.
/// - Names: 70% from the shared pool (Zipf), 18% unique labels under a pool registered domain
///   (telemetry beacons, CDN shards: many subdomains under few registered domains), 8% reverse
///   lookups, 4% random algorithmic names that do not resolve.
/// - Query types, response codes and answers (an address for A and AAAA) in realistic shares.
struct DNSGenerator: RowGenerator {
    var rng: SplitMix
    let clock: ArrivalClock
    let world: SyntheticWorld

    static let resolvers = ["10.0.0.53", "10.0.0.54", "10.0.0.53", "10.0.0.54", "10.0.0.53", "10.0.0.54", "10.0.0.53", "10.0.0.54", "8.8.8.8", "1.1.1.1"]
    static let qtypes: [(String, Double)] = [("A", 0.55), ("AAAA", 0.25), ("HTTPS", 0.08), ("TXT", 0.03), ("MX", 0.01), ("PTR", 0.08)]

    init(seed: UInt64, rows: Int, startMicros: Int64, days: Int, avoiding indicators: IndicatorSet? = nil) {
        rng = SplitMix(seed ^ 0xD15_D15)
        clock = ArrivalClock(rows: rows, startMicros: startMicros, days: days)
        world = SyntheticWorld(seed: seed, avoiding: indicators)
    }

    /// Appends row `i` as one NDJSON line.
    mutating func appendRow(_ i: Int, to out: inout [UInt8]) {
        let ts = clock.time(ofRow: i, &rng)
        let client = world.internalHosts[world.pick(world.internalCDF, &rng)]
        let resolver = Self.resolvers[Int(rng.next() % UInt64(Self.resolvers.count))]
        let kind = rng.uniform()
        var query: String, qtype: String, rcode = "NOERROR", answer: String?
        if kind < 0.08 {
            let target = world.externalV4[world.pick(world.externalCDF, &rng) % world.externalV4.count]
            query = "\(target & 0xFF).\(target >> 8 & 0xFF).\(target >> 16 & 0xFF).\(target >> 24).in-addr.arpa"
            qtype = "PTR"
            if rng.next() % 3 == 0 { rcode = "NXDOMAIN" }
        } else {
            if kind < 0.78 {
                query = world.domains[world.pick(world.domainCDF, &rng)]
            } else if kind < 0.96 {
                let label = String(rng.next() & 0xFF_FFFF_FFFF, radix: 36)
                query = "\(label).t.\(world.registeredDomains[world.pick(world.domainCDF, &rng)])"
            } else {
                let letters = Array("abcdefghijklmnopqrstuvwxyz")
                query = String((0..<(8 + Int(rng.next() % 10))).map { _ in letters[Int(rng.next() % 26)] }) + [".com", ".net", ".info"][Int(rng.next() % 3)]
                rcode = "NXDOMAIN"
            }
            var u = rng.uniform() * 0.92  // PTR is drawn above
            qtype = "A"
            for (name, share) in Self.qtypes.dropLast() { if u < share { qtype = name; break }; u -= share }
            if rcode == "NOERROR" && rng.next() % 50 == 0 { rcode = "SERVFAIL" }
            if rcode == "NOERROR" && qtype == "A" {
                answer = TextForms.formatIPv4(world.externalV4[world.pick(world.externalCDF, &rng) % world.externalV4.count])
            } else if rcode == "NOERROR" && qtype == "AAAA" {
                answer = world.externalV6[world.pick(world.externalCDF, &rng) % world.externalV6.count]
            }
        }
        var line = "{\"ts\":\"\(TextForms.formatTimestamp(ts))\",\"uid\":\"D\(String(rng.next() & 0xFFFF_FFFF_FFFF, radix: 36))\","
        line += "\"src_ip\":\"\(TextForms.formatIPv4(client))\",\"src_port\":\(1024 + rng.next() % 64000),"
        line += "\"dst_ip\":\"\(resolver)\",\"dst_port\":53,\"proto\":\"udp\",\"query\":\"\(query)\",\"qtype\":\"\(qtype)\",\"rcode\":\"\(rcode)\","
        if let answer { line += "\"answer\":\"\(answer)\",\"ttl\":\(30 + rng.next() % 3600)," }
        line += "\"rtt\":\((rng.uniform() * rng.uniform() * 200).rounded() / 1000)}\n"
        out += Array(line.utf8)
    }
}
