import SiftFormat
@testable import SiftIndex
import SiftScan
import SiftTestSupport
import Testing

@Suite("Space-filling curves and clustering")
struct ClusteringTests {
    /// The reference: write each coordinate's bits from the top down as text and interleave.
    static func naiveMorton(_ x: [UInt64], bits: Int) -> UInt64 {
        let strings = x.map { v in (0..<bits).map { b in (v >> UInt64(bits - 1 - b)) & 1 == 1 ? "1" : "0" } }
        var key = ""
        for b in 0..<bits { for d in 0..<x.count { key += strings[d][b] } }
        return UInt64(key, radix: 2)!
    }

    @Test("Morton keys equal the bit-by-bit reference, high bits of every dimension first")
    func mortonReference() {
        var rng = SeededRandom(seed: 11)
        for dims in 1...4 {
            let bits = 64 / dims
            for _ in 0..<500 {
                let x = (0..<dims).map { _ in bits == 64 ? rng.next() : rng.next() & ((1 << UInt64(bits)) - 1) }
                #expect(SpaceFillingCurve.morton.key(x, bits: bits) == Self.naiveMorton(x, bits: bits), "\(x)")
            }
        }
        // A byte-wise interleave lets x's low nibble outrank y's high nibble. Here x's high bits
        // (0x1) outrank, so (0x10, 0x0F) sorts after (0x0F, 0x10).
        #expect(SpaceFillingCurve.morton.key([0x0F, 0x10], bits: 8) < SpaceFillingCurve.morton.key([0x10, 0x0F], bits: 8))
        #expect(SpaceFillingCurve.morton.key([0b10, 0b00], bits: 2) == 0b1000)
        #expect(SpaceFillingCurve.morton.key([0b00, 0b10], bits: 2) == 0b0100)
    }

    @Test("Hilbert keys visit a grid in steps of one cell", arguments: [2, 3])
    func hilbertAdjacency(dims: Int) {
        let bits = 3
        let side = 1 << bits
        var points: [([UInt64], UInt64)] = []
        func visit(_ prefix: [UInt64]) {
            if prefix.count == dims { points.append((prefix, SpaceFillingCurve.hilbert.key(prefix, bits: bits))); return }
            for v in 0..<side { visit(prefix + [UInt64(v)]) }
        }
        visit([])
        let sorted = points.sorted { $0.1 < $1.1 }
        #expect(Set(points.map(\.1)).count == points.count, "keys are distinct")
        #expect(sorted.first!.1 == 0 && sorted.last!.1 == UInt64(points.count - 1), "keys fill 0..<n")
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            let distance = zip(a.0, b.0).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
            #expect(distance == 1, "\(a.0) -> \(b.0)")
            if distance != 1 { break }
        }
    }

    @Test("clustering by two IP columns makes the two-column needle prune, and results stay exact")
    func clusteredNeedle() throws {
        var rng = SeededRandom(seed: 21)
        let n = 40_000
        let src = (0..<n).map { _ in 0x0A00_0000 | UInt32(rng.next() % 500) }
        let dst = (0..<n).map { _ in IPv6Address(mapping: UInt32(truncatingIfNeeded: rng.next() % 20_000) &* 2_654_435_761) }
        let schema = try Schema([Field("src_ip", .ipv4), Field("dst_ip", .ipv6)])
        let batch = try RecordBatch(schema: schema, columns: [ColumnVector(.ipv4(src)), ColumnVector(.ipv6(dst))])
        let dir = TemporaryDirectory()
        var options = WriterOptions()
        options.rowGroupRows = 4096
        options.pageRows = 1024
        func write(_ b: RecordBatch, _ name: String) throws -> SiftReader {
            let w = try SiftWriter(path: dir.file(name), schema: schema, options: options)
            try w.write(b)
            try w.close()
            return try SiftReader(path: dir.file(name))
        }
        let plain = try write(batch, "plain.sift")
        for curve in SpaceFillingCurve.allCases {
            let order = try Clustering(curve: curve, columns: ["src_ip", "dst_ip"]).order(batch)
            #expect(order.sorted() == Array(0..<n), "a permutation")
            let clustered = try write(RecordBatch(schema: schema, columns: batch.columns.map { $0.gather(order) }), "\(curve).sift")
            let text = "src_ip = \(TextForms.formatIPv4(src[777])) and dst_ip = \(TextForms.formatIP(dst[777]))"
            let p = try RowPredicate.parse(text).bind(to: schema)
            let a = try Scanner(reader: plain, predicate: p, columns: [0]).scan { _ in true }
            let b = try Scanner(reader: clustered, predicate: p, columns: [0]).scan { _ in true }
            #expect(a.rowsMatched == b.rowsMatched && b.rowsMatched >= 1)
            #expect(b.bytesRead * 3 < a.bytesRead, "\(curve): clustered read \(b.bytesRead), unclustered \(a.bytesRead)")
        }
    }

    @Test("rank buckets fill a column's whole range, however few values it has", arguments: [1, 2, 4])
    func bucketsSpread(dims: Int) {
        let bits = 64 / dims
        let top = bits == 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1
        var rng = SeededRandom(seed: 3)
        // 5,000 internal hosts (few distinct values) and millions of external addresses.
        for distinct in [2, 300, 5_000, 1_000_000] as [UInt64] {
            let values = (0..<100_000).map { _ in (rng.next() % distinct) << 32 }
            let buckets = Clustering.buckets(values, bits: bits)
            // The largest value lands in the top part of the range, not in its low bits: bucket
            // i of n is at i/n of it.
            #expect(buckets.max()! > top / 4, "\(distinct) distinct values use only \(buckets.max()!) of \(top)")
            #expect(buckets.allSatisfy { $0 <= top })
            // Order is kept.
            let order = values.indices.sorted { values[$0] < values[$1] }
            #expect(zip(order, order.dropFirst()).allSatisfy { buckets[$0.0] <= buckets[$0.1] })
        }
    }

    @Test("domain locality: names of one registered domain, and of one subdomain, share key bits")
    func domainLocality() throws {
        let names = ["a.evil.example", "B.Evil.Example", "x.cdn.evil.example", "y.cdn.evil.example", "evil.example", "good.example", "www.other.org"]
        let column = ColumnVector(.string(VarBytes(names)), validity: Bitmap([true, true, true, true, true, true, true]))
        let keys = Clustering.domainLocality(column)
        let registered = keys.map { $0 >> 32 }
        #expect(Set(registered[0...4]).count == 1, "every name under evil.example shares the high bits")
        #expect(registered[5] != registered[0] && registered[6] != registered[0])
        #expect(keys[2] >> 16 == keys[3] >> 16, "names under cdn.evil.example share the next bits")
        #expect(keys[0] >> 16 != keys[2] >> 16)
        #expect(keys[0] == keys[1], "case-folded")
        let withNull = ColumnVector(.string(VarBytes(["a.b", ""])), validity: Bitmap([true, false]))
        #expect(Clustering.domainLocality(withNull)[1] == 0 && Clustering.domainLocality(withNull)[0] != 0)
    }

    @Test("--cluster parses curves with and without rank buckets")
    func parsing() throws {
        let bucketed = try Clustering(parsing: "hilbert:src_ip,dst_ip")
        #expect(bucketed.rankBucketing && bucketed.curve == .hilbert && bucketed.footerDescription == "hilbert:src_ip,dst_ip")
        let raw = try Clustering(parsing: "zorder-raw:a,b,c")
        #expect(!raw.rankBucketing && raw.curve == .morton && raw.columns == ["a", "b", "c"] && raw.footerDescription == "zorder-raw:a,b,c")
        #expect(throws: BindError.self) { try Clustering(parsing: "peano:a") }
        #expect(throws: BindError.self) { try Clustering(parsing: "hilbert:a,b,c,d,e") }
    }
}
