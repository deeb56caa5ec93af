import SiftPlatform
import SiftFormat

/// Planted attacks for the demo, as `sift gen conn` records (`demo.conn` events): a host
/// beaconing to a dynamic-DNS name on an indicator list, a port scan, the same scan from an
/// allowlisted vulnerability scanner, connections to a listed mass-scanner address, and a
/// service on a port nothing else uses. Each line says in `note` what it is.
struct AttackGenerator {
    let start: Int64
    var rng: SplitMix

    init(seed: UInt64, startMicros: Int64) {
        rng = SplitMix(seed ^ 0xA77AC4)
        start = startMicros
    }

    static let day: Int64 = 86_400_000_000

    mutating func lines() -> [String] {
        var out: [String] = []
        func row(_ ts: Int64, _ src: String, _ dst: String, _ port: Int, proto: String = "tcp", state: String = "SF", domain: String? = nil,
                 bytesOut: Int = 300, bytesIn: Int = 1200, note: String) {
            let uid = "P" + String(rng.next() % 0xFFFF_FFFF_FFFF, radix: 36)
            var line = "{\"ts\":\"\(TextForms.formatTimestamp(ts))\",\"uid\":\"\(uid)\",\"src_ip\":\"\(src)\",\"src_port\":\(1024 + rng.next() % 60000),"
            line += "\"dst_ip\":\"\(dst)\",\"dst_port\":\(port),\"proto\":\"\(proto)\","
            if let domain { line += "\"domain\":\"\(domain)\"," }
            line += "\"duration\":0.2,\"bytes_out\":\(bytesOut),\"bytes_in\":\(bytesIn),\"conn_state\":\"\(state)\",\"note\":\"\(note)\"}"
            out.append(line)
        }
        // 1. Beaconing: every 300 s (+-3 s) for two days, to a name under ddns.net.
        var t = start + 9 * Self.day + 3_600_000_000
        for _ in 0..<576 {
            row(t, "10.0.77.7", "185.220.101.7", 443, domain: "update.c2-relay.ddns.net", note: "beacon")
            t += 300_000_000 + Int64(rng.next() % 6_000_000) - 3_000_000
        }
        // The infected laptop's ordinary traffic, for the picture around it.
        let usual = [("8.8.8.8", 53, "dns.google"), ("13.107.42.14", 443, "outlook.office365.com"), ("140.82.112.3", 443, "github.com"),
                     ("10.0.5.20", 445, "files.corp.example"), ("10.0.5.21", 88, "dc1.corp.example")]
        for k in 0..<120 {
            let (dst, port, name) = usual[Int(rng.next() % UInt64(usual.count))]
            row(start + 8 * Self.day + Int64(k) * 2_400_000_000 + Int64(rng.next() % 600_000_000), "10.0.77.7", dst, port,
                proto: port == 53 ? "udp" : "tcp", domain: name, bytesOut: 800 + Int(rng.next() % 4000), bytesIn: 2000 + Int(rng.next() % 90000), note: "usual traffic")
        }
        // 2. A port scan: 1,000 ports of one host in four minutes.
        t = start + 14 * Self.day + 7_200_000_000
        for port in 1...1000 { row(t + Int64(port) * 240_000, "10.0.66.6", "10.0.5.20", port, state: "REJ", bytesOut: 0, bytesIn: 0, note: "port scan") }
        // 3. The same from the vulnerability scanner, which the allowlist covers.
        t = start + 15 * Self.day + 3_600_000_000
        for port in 1...1000 { row(t + Int64(port) * 200_000, "10.0.99.9", "10.0.5.21", port, state: "REJ", bytesOut: 0, bytesIn: 0, note: "allowlisted scanner") }
        // 4. Connections to an address in a listed mass-scanner network.
        t = start + 20 * Self.day + 36_000_000_000
        for k in 0..<3 { row(t + Int64(k) * 60_000_000, "10.0.55.5", "5.63.151.77", 22, note: "listed address") }
        // 5. A service on a port nothing else uses.
        t = start + 22 * Self.day + 50_000_000_000
        for k in 0..<2 { row(t + Int64(k) * 600_000_000, "10.0.33.3", "203.0.113.50", 666, bytesOut: 5000, bytesIn: 90000, note: "rare port") }
        return out
    }
}
