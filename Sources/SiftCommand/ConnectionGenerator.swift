import Foundation
import SiftFormat

/// Deterministic, realistic connection telemetry (NDJSON), streamed with bounded memory.
///
/// - Internal hosts (10.0.0.0/14) with heavy-tailed (Zipf) activity: a few busy servers, a long
///   tail of quiet clients.
/// - A large heavy-tailed pool of external destinations, mostly public IPv4, about 3% IPv6.
/// - A realistic port mix (443, 80, 53 dominate; a sprinkle of rare ports).
/// - Server names under shared registered domains (`cdn3.acme-cloud.com`), for TLS and HTTP.
/// - Arrival roughly in time order with a little disorder, as collectors deliver it.
struct ConnectionGenerator {
    var rng: SplitMix
    let rows: Int
    let startMicros: Int64
    let spanMicros: Int64
    let internalHosts: [UInt32]
    let internalCDF: [Double]
    let externalV4: [UInt32]
    let externalV6: [String]
    let externalCDF: [Double]
    let domains: [String]
    let domainCDF: [Double]

    static let ports: [(UInt16, Double, String, String)] = [
        (443, 0.46, "tcp", "ssl"), (80, 0.14, "tcp", "http"), (53, 0.16, "udp", "dns"), (123, 0.03, "udp", "ntp"),
        (22, 0.02, "tcp", "ssh"), (25, 0.01, "tcp", "smtp"), (445, 0.02, "tcp", "smb"), (3389, 0.01, "tcp", "rdp"),
        (8080, 0.02, "tcp", "http"), (993, 0.01, "tcp", "imaps"), (5223, 0.01, "tcp", "-"), (0, 0.11, "tcp", "-"),
    ]

    init(seed: UInt64, rows: Int, startMicros: Int64, days: Int) {
        rng = SplitMix(seed)
        self.rows = rows
        self.startMicros = startMicros
        spanMicros = Int64(days) * 86_400_000_000
        var r = SplitMix(seed ^ 0xC0FFEE)
        internalHosts = (0..<4000).map { _ in 0x0A00_0000 | UInt32(truncatingIfNeeded: r.next() & 0x3_FFFF) | 1 }
        internalCDF = Self.zipfCDF(count: internalHosts.count, exponent: 1.1)
        var v4: [UInt32] = []
        while v4.count < 150_000 {
            let a = UInt32(truncatingIfNeeded: r.next())
            let first = a >> 24
            // Skip private, loopback, multicast and reserved space.
            if first == 10 || first == 127 || first == 0 || first >= 224 || (first == 192 && (a >> 16 & 0xFF) == 168) || (first == 172 && (a >> 20 & 0xF) == 1) { continue }
            v4.append(a)
        }
        externalV4 = v4
        externalV6 = (0..<5000).map { _ in
            let g = (0..<4).map { _ in String(r.next() & 0xFFFF, radix: 16) }
            return "2a0\(r.next() % 9 + 1):\(g[0]):\(g[1])::\(g[2]):\(g[3])"
        }
        externalCDF = Self.zipfCDF(count: externalV4.count + externalV6.count, exponent: 1.05)
        let words = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "cyberdyne", "tyrell", "soylent",
                     "aperture", "blackmesa", "vandelay", "wonka", "oscorp", "massive", "dynamic", "pied", "piper", "nakatomi"]
        let tails = ["cloud", "cdn", "mail", "shop", "media", "labs", "apps", "net", "data", "static"]
        let tlds = ["com", "net", "org", "io", "example", "co.uk", "de"]
        let subs = ["www", "api", "cdn", "img", "static", "login", "mail", "s3", "edge", "telemetry"]
        var ds: [String] = []
        for _ in 0..<20_000 {
            let reg = "\(words[Int(r.next() % 20)])-\(tails[Int(r.next() % 10)])\(r.next() % 50).\(tlds[Int(r.next() % 7)])"
            let depth = r.next() % 3
            ds.append(depth == 0 ? reg : depth == 1 ? "\(subs[Int(r.next() % 10)]).\(reg)" : "\(subs[Int(r.next() % 10)])\(r.next() % 9).\(subs[Int(r.next() % 10)]).\(reg)")
        }
        domains = ds
        domainCDF = Self.zipfCDF(count: ds.count, exponent: 1.0)
    }

    static func zipfCDF(count: Int, exponent: Double) -> [Double] {
        var cdf = [Double](repeating: 0, count: count)
        var total = 0.0
        for i in 0..<count {
            total += 1 / pow(Double(i + 1), exponent)
            cdf[i] = total
        }
        return cdf.map { $0 / total }
    }

    mutating func pick(_ cdf: [Double]) -> Int {
        let u = rng.uniform()
        var lo = 0, hi = cdf.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Appends row `i` as one NDJSON line.
    mutating func appendRow(_ i: Int, to out: inout [UInt8]) {
        let jitter = Int64(rng.next() % 60_000_000) - 30_000_000
        // span · i overflows 64 bits past a few million rows: multiply to 128 bits, then divide.
        let product = spanMicros.multipliedFullWidth(by: Int64(i))
        let ts = startMicros + Int64(max(rows, 1)).dividingFullWidth(product).quotient + jitter
        let src = internalHosts[pick(internalCDF)]
        let d = pick(externalCDF)
        let dst = d < externalV4.count ? TextForms.formatIPv4(externalV4[d]) : externalV6[d - externalV4.count]
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
        if port.3 == "ssl" || port.3 == "http" { line += "\"domain\":\"\(domains[pick(domainCDF)])\"," }
        line += "\"duration\":\(duration),\"bytes_out\":\(bytesOut),\"bytes_in\":\(bytesIn),\"conn_state\":\"\(states[Int(rng.next() % 7)])\"}\n"
        out += Array(line.utf8)
    }
}

/// SplitMix64: small, fast and deterministic across platforms.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
