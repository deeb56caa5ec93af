import SiftPlatform
import SiftFormat
import SiftPipeline

/// The network that `sift gen` draws telemetry from, fixed by the seed so connection and DNS
/// records of one seed describe the same hosts, destinations and names.
///
/// - 4,000 internal hosts in 10.0.0.0/14 with heavy-tailed (Zipf 1.1) activity.
/// - 150,000 public IPv4 and 5,000 IPv6 destinations, heavy-tailed (Zipf 1.05).
/// - 20,000 names under about 7,000 registered domains (`img.cdn.acme-cloud3.com`), Zipf 1.0.
/// - With `avoiding`, no destination or name matches those indicators: addresses and names that
///   would are drawn again, after every other draw, so the rest of the world is unchanged (the
///   demo plants its attacks; the background must not trip its own detections).
struct SyntheticWorld {
    let internalHosts: [UInt32]
    let internalCDF: [Double]
    private(set) var externalV4: [UInt32]
    let externalV6: [String]
    let externalCDF: [Double]
    private(set) var domains: [String]
    /// The registered domain of each entry of `domains`.
    private(set) var registeredDomains: [String]
    let domainCDF: [Double]

    init(seed: UInt64, avoiding indicators: IndicatorSet? = nil) {
        // The order of draws is part of the output: changing it changes every generated file.
        var r = SplitMix(seed ^ 0xC0FFEE)
        internalHosts = (0..<4000).map { _ in 0x0A00_0000 | UInt32(truncatingIfNeeded: r.next() & 0x3_FFFF) | 1 }
        internalCDF = Self.zipfCDF(count: internalHosts.count, exponent: 1.1)
        var v4: [UInt32] = []
        while v4.count < 150_000 {
            let a = UInt32(truncatingIfNeeded: r.next())
            if Self.reserved(a) { continue }
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
        var names: [String] = [], registered: [String] = []
        for _ in 0..<20_000 {
            let reg = "\(words[Int(r.next() % 20)])-\(tails[Int(r.next() % 10)])\(r.next() % 50).\(tlds[Int(r.next() % 7)])"
            let depth = r.next() % 3
            names.append(depth == 0 ? reg : depth == 1 ? "\(subs[Int(r.next() % 10)]).\(reg)" : "\(subs[Int(r.next() % 10)])\(r.next() % 9).\(subs[Int(r.next() % 10)]).\(reg)")
            registered.append(reg)
        }
        domains = names
        registeredDomains = registered
        domainCDF = Self.zipfCDF(count: names.count, exponent: 1.0)
        guard let indicators, !indicators.isEmpty else { return }
        for i in externalV4.indices where indicators.match(IPv6Address(mapping: externalV4[i])) != nil {
            var a: UInt32
            repeat { a = 0x0100_0000 &+ UInt32(truncatingIfNeeded: r.next() % 0xDEFF_FFFF) }
            while Self.reserved(a) || indicators.match(IPv6Address(mapping: a)) != nil
            externalV4[i] = a
        }
        for i in domains.indices where indicators.match(domain: domains[i]) != nil {
            var k: Int
            repeat { k = Int(r.next() % UInt64(names.count)) } while indicators.match(domain: names[k]) != nil
            domains[i] = names[k]
            registeredDomains[i] = registered[k]
        }
    }

    /// Private, loopback, multicast and reserved IPv4 space, never a destination.
    static func reserved(_ a: UInt32) -> Bool {
        let first = a >> 24
        return first == 10 || first == 127 || first == 0 || first >= 224 || (first == 192 && (a >> 16 & 0xFF) == 168) || (first == 172 && (a >> 20 & 0xF) == 1)
    }

    /// Cumulative Zipf weights over ranks 1...count.
    static func zipfCDF(count: Int, exponent: Double) -> [Double] {
        var cdf = [Double](repeating: 0, count: count)
        var total = 0.0
        for i in 0..<count {
            total += 1 / pow(Double(i + 1), exponent)
            cdf[i] = total
        }
        return cdf.map { $0 / total }
    }

    /// A rank drawn from `cdf`.
    func pick(_ cdf: [Double], _ rng: inout SplitMix) -> Int {
        let u = rng.uniform()
        var lo = 0, hi = cdf.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// External destination `rank` as text: IPv4 ranks first, then IPv6.
    func externalAddress(_ rank: Int) -> String {
        rank < externalV4.count ? TextForms.formatIPv4(externalV4[rank]) : externalV6[rank - externalV4.count]
    }
}

/// When row `i` of a generated log arrives: rows spread evenly over the days from the start,
/// each with up to ±30 s of disorder, as collectors deliver them.
struct ArrivalClock {
    let rows: Int
    let startMicros: Int64
    let spanMicros: Int64

    init(rows: Int, startMicros: Int64, days: Int) {
        self.rows = rows
        self.startMicros = startMicros
        spanMicros = Int64(days) * 86_400_000_000
    }

    func time(ofRow row: Int, _ rng: inout SplitMix) -> Int64 {
        let jitter = Int64(rng.next() % 60_000_000) - 30_000_000
        // span · row overflows 64 bits past a few million rows: multiply to 128 bits, then divide.
        let product = spanMicros.multipliedFullWidth(by: Int64(row))
        return startMicros + Int64(max(rows, 1)).dividingFullWidth(product).quotient + jitter
    }
}

/// A generator of NDJSON rows, one per call, in order.
protocol RowGenerator {
    /// Appends row `i` as one NDJSON line.
    mutating func appendRow(_ i: Int, to out: inout [UInt8])
}

