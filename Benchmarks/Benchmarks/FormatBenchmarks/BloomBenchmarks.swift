import Benchmark
import SiftFormat

/// Issue 3's bloom benchmarks: probe cost, build cost and key computation rate.
func bloomBenchmarks() {
    let config = Benchmark.Configuration(metrics: [.wallClock, .throughput], scalingFactor: .one, maxDuration: .seconds(2))
    var random = BenchRandom(state: 7)
    func next() -> UInt64 { random.next() }
    let inserted = (0..<100_000).map { _ in next() }
    var filter = BloomFilter(distinct: inserted.count, fpp: 0.01)
    for key in inserted { filter.insert(hash: key) }
    let probes = (0..<65_536).map { _ in next() }
    let built = filter

    // Throughput is in probes (or keys) per second: 65,536 per iteration.
    Benchmark("bloom probe (100k-key filter, 1% target, 65,536 absent keys)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            var hits = 0
            for key in probes where built.mightContain(hash: key) { hits += 1 }
            blackHole(hits)
        }
    }
    Benchmark("bloom build (insert 65,536 keys into a 1% filter)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            var f = BloomFilter(distinct: probes.count, fpp: 0.01)
            for key in probes { f.insert(hash: key) }
            blackHole(f.byteCount)
        }
    }
    // Key computation: 65,536 domain names (values and every label suffix, deduplicated) and
    // 65,536 IPv4 addresses (values and /8 /16 /24 prefixes).
    let names = (0..<65_536).map { i in "\(["www", "api", "cdn", "mail"][i % 4]).host\(next() % 5000).example\(next() % 50).com" }
    let domains = ColumnVector(.string(VarBytes(names)))
    let domainField = Field("domain", .string, hint: .domain)
    Benchmark("bloom keys: 65,536 domain names with suffixes", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(BloomKeys.keys(of: domains, field: domainField).count) }
    }
    let addresses = ColumnVector(.ipv4((0..<65_536).map { _ in UInt32(truncatingIfNeeded: next() % 200_000) | 0x0A00_0000 }))
    let ipField = Field("dst_ip", .ipv4)
    Benchmark("bloom keys: 65,536 IPv4 addresses with prefixes", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(BloomKeys.keys(of: addresses, field: ipField).count) }
    }
}
