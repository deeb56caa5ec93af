import Foundation
import SiftFormat
import SiftTestSupport
import Testing

@Suite("Bloom filters")
struct BloomFilterTests {
    @Test("measured false-positive rate is within 20% of the target", arguments: [0.01, 0.001])
    func measuredRate(target: Double) {
        var rng = SeededRandom(seed: 0xB100)
        let n = 20_000
        var filter = BloomFilter(distinct: n, fpp: target)
        for _ in 0..<n { filter.insert(hash: rng.next()) }
        let probes = 2_000_000
        var hits = 0
        for _ in 0..<probes where filter.mightContain(hash: rng.next()) { hits += 1 }
        let measured = Double(hits) / Double(probes)
        #expect(abs(measured - target) / target <= 0.2, "target \(target), measured \(measured), \(filter.byteCount) bytes")
        // The filter is no larger than needed: one block fewer misses the target.
        #expect(BloomFilter.falsePositiveRate(blocks: filter.blockCount - 1, distinct: n) > target)
    }

    @Test("the textbook size under-sizes a split-block filter")
    func textbookUndersizes() {
        let n = 100_000, target = 0.01
        let textbookBits = -Double(n) * log(target) / (log(2.0) * log(2.0))
        let textbookBlocks = Int((textbookBits / 256).rounded(.up))
        #expect(BloomFilter.falsePositiveRate(blocks: textbookBlocks, distinct: n) > target * 1.1)
        #expect(BloomFilter.blocks(distinct: n, fpp: target) > textbookBlocks)
    }

    @Test("port-like integer columns get a filter by default; other integers do not")
    func portDefault() throws {
        let options = WriterOptions()
        #expect(options.wantsBloomFilter(Field("dst_port", .int64)))
        #expect(options.wantsBloomFilter(Field("id.resp_p", .int64)))
        #expect(options.wantsBloomFilter(Field("src_ip", .ipv4)))
        #expect(!options.wantsBloomFilter(Field("bytes_out", .int64)))
        #expect(!options.wantsBloomFilter(Field("domain", .string)), "a string needs hint domain")
        var none = WriterOptions()
        none.bloomFilterColumns = []
        #expect(!none.wantsBloomFilter(Field("src_ip", .ipv4)))
    }

    @Test("inserted keys are always found")
    func noFalseNegatives() {
        var rng = SeededRandom(seed: 7)
        let keys = (0..<5000).map { _ in rng.next() }
        var filter = BloomFilter(distinct: keys.count, fpp: 0.01)
        for k in keys { filter.insert(hash: k) }
        #expect(keys.allSatisfy { filter.mightContain(hash: $0) })
    }

    @Test("IP filters hold network prefixes and domain filters hold label suffixes")
    func keysHeld() throws {
        let dir = TemporaryDirectory()
        let schema = try Schema([Field("ip", .ipv4), Field("addr", .ipv6), Field("domain", .string, hint: .domain), Field("n", .int64)])
        let ips = ["10.1.2.3", "192.0.2.77"].map { TextForms.parseIPv4(Array($0.utf8))! }
        let addrs = ["2001:db8:1:2::5", "198.51.100.9"].map { TextForms.parseIP(Array($0.utf8))! }
        let batch = try RecordBatch(schema: schema, columns: [
            ColumnVector(.ipv4(ips)), ColumnVector(.ipv6(addrs)),
            ColumnVector(.string(VarBytes(["cdn.evil.example", "www.good.example"]))), ColumnVector(.int64([1, 2])),
        ])
        let writer = try SiftWriter(path: dir.file("b.sift"), schema: schema)
        try writer.write(batch)
        try writer.close()
        let reader = try SiftReader(path: dir.file("b.sift"))
        #expect(reader.metadata.rowGroups[0].columns[3].bloomFilter == nil, "int64 columns get no filter by default")
        let ip = try #require(try reader.bloomFilter(rowGroup: 0, column: 0))
        #expect(ip.mightContain(hash: BloomKeys.hash(littleEndian: ips[0])))
        #expect(ip.mightContain(hash: BloomKeys.hash(ipv4Network: ips[0], length: 16)))
        #expect(ip.mightContain(hash: BloomKeys.hash(ipv4Network: 0xC000_0200, length: 24)))
        let v6 = try #require(try reader.bloomFilter(rowGroup: 0, column: 1))
        #expect(v6.mightContain(hash: BloomKeys.hash(ipv6Network: addrs[0], length: 48)))
        #expect(v6.mightContain(hash: BloomKeys.hash(ipv6Network: addrs[1], length: 120)), "mapped IPv4 indexes its /24 as /120")
        let d = try #require(try reader.bloomFilter(rowGroup: 0, column: 2))
        for key in ["cdn.evil.example", ".evil.example", ".example", ".good.example"] {
            #expect(d.mightContain(hash: BloomKeys.hash(bytes: Array(key.utf8))), "\(key)")
        }
        #expect(reader.metadata.rowGroups[0].columns[2].statistics.distinctCount == 2)
        _ = try reader.verify()
    }
}
