import SiftPlatform
import SiftFormat
import SiftPipeline

/// Deterministic, realistic connection telemetry (NDJSON), streamed with bounded memory.
///
/// - Internal hosts (10.0.0.0/14) with heavy-tailed (Zipf) activity: a few busy servers, a long
///   tail of quiet clients.
/// - A large heavy-tailed pool of external destinations, mostly public IPv4, about 3% IPv6.
/// - A realistic port mix (443, 80, 53 dominate; a sprinkle of rare ports).
/// - Server names under shared registered domains (`cdn3.acme-cloud.com`), for TLS and HTTP.
/// - Arrival roughly in time order with a little disorder, as collectors deliver it.
struct ConnectionGenerator: RowGenerator {
    var rng: SplitMix
    let clock: ArrivalClock
    let world: SyntheticWorld

    static let ports: [(UInt16, Double, String, String)] = [
        (443, 0.46, "tcp", "ssl"), (80, 0.14, "tcp", "http"), (53, 0.16, "udp", "dns"), (123, 0.03, "udp", "ntp"),
        (22, 0.02, "tcp", "ssh"), (25, 0.01, "tcp", "smtp"), (445, 0.02, "tcp", "smb"), (3389, 0.01, "tcp", "rdp"),
        (8080, 0.02, "tcp", "http"), (993, 0.01, "tcp", "imaps"), (5223, 0.01, "tcp", "-"), (0, 0.11, "tcp", "-"),
    ]

    init(seed: UInt64, rows: Int, startMicros: Int64, days: Int, avoiding indicators: IndicatorSet? = nil) {
        rng = SplitMix(seed)
        clock = ArrivalClock(rows: rows, startMicros: startMicros, days: days)
        world = SyntheticWorld(seed: seed, avoiding: indicators)
    }

    /// Appends row `i` as one NDJSON line.
    mutating func appendRow(_ i: Int, to out: inout [UInt8]) {
        let ts = clock.time(ofRow: i, &rng)
        let src = world.internalHosts[world.pick(world.internalCDF, &rng)]
        let dst = world.externalAddress(world.pick(world.externalCDF, &rng))
        var u = rng.uniform()
        var port: (UInt16, Double, String, String) = Self.ports[0]
        for p in Self.ports { if u < p.1 { port = p; break }; u -= p.1 }
        let dstPort = port.0 == 0 ? UInt16(1024 + rng.next() % 60000) : port.0
        let bytesOut = Int(exp(rng.uniform() * 9 + 4))
        let bytesIn = Int(exp(rng.uniform() * 11 + 4))
        let duration = (rng.uniform() * rng.uniform() * 120_000).rounded() / 1000
        let states = ["SF", "SF", "SF", "S0", "REJ", "RSTO", "SH"]
        var line = "{\"ts\":\"\(TextForms.formatTimestamp(ts))\",\"uid\":\"C\(String(rng.next() & 0xFFFF_FFFF_FFFF, radix: 36))\","
        line += "\"src_ip\":\"\(TextForms.formatIPv4(src))\",\"src_port\":\(1024 + rng.next() % 64000),"
        line += "\"dst_ip\":\"\(dst)\",\"dst_port\":\(dstPort),\"proto\":\"\(port.2)\",\"service\":\"\(port.3)\","
        if port.3 == "ssl" || port.3 == "http" { line += "\"domain\":\"\(world.domains[world.pick(world.domainCDF, &rng)])\"," }
        line += "\"duration\":\(duration),\"bytes_out\":\(bytesOut),\"bytes_in\":\(bytesIn),\"conn_state\":\"\(states[Int(rng.next() % 7)])\"}\n"
        out += Array(line.utf8)
    }
}
