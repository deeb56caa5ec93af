import SiftFormat
import SiftIndex
import SiftScan
import SiftTestSupport
import Testing

/// The pruner must never skip a matching row: for random data and random predicates, a scan
/// with every index gives exactly the rows a brute-force filter over all rows gives.
@Suite("Pruning never skips a matching row")
struct PruningPropertyTests {
    static let seed: UInt64 = 0x5EED_1DE4

    struct Data {
        var schema: Schema
        var batch: RecordBatch
        var path: String
    }

    static func makeFile(_ rng: inout SeededRandom, dir: TemporaryDirectory, name: String) throws -> Data {
        let n = 3000
        var ip: [UInt32] = [], addr: [IPv6Address] = [], port: [UInt16] = [], ts: [Int64] = [], bytes: [Int64] = [], score: [Double] = []
        var dom = VarBytes()
        var valid = Bitmap(count: n, value: true)
        let start = TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8))!
        for i in 0..<n {
            ip.append(0x0A00_0000 | UInt32(rng.next() % 64))
            addr.append(rng.next() % 4 == 0 ? IPv6Address(high: 0x2001_0DB8_0000_0000, low: rng.next() % 32) : IPv6Address(mapping: 0xC000_0200 | UInt32(rng.next() % 256)))
            port.append([22, 53, 80, 443, 666, 3389][Int(rng.next() % 6)])
            ts.append(start + Int64(i) * 1_000_000 + Int64(rng.next() % 5_000_000))
            bytes.append(Int64(rng.next() % 2000) - 100)
            score.append(rng.next() % 50 == 0 ? .nan : Double(rng.next() % 100) / 4)
            dom.append(Array(["a.evil.example", "b.evil.example", "evil.example", "www.good.example", "x.y.z.test", ""][Int(rng.next() % 6)].utf8))
            if rng.next() % 7 == 0 { valid[i] = false }
        }
        func nulled(_ v: ColumnVector.Values) -> ColumnVector { ColumnVector(v, validity: valid) }
        let schema = try Schema([Field("ip", .ipv4), Field("addr", .ipv6), Field("port", .uint16), Field("ts", .timestamp),
                                 Field("bytes", .int64), Field("score", .float64), Field("domain", .string, hint: .domain)])
        let batch = try RecordBatch(schema: schema, columns: [
            nulled(.ipv4(ip)), nulled(.ipv6(addr)), ColumnVector(.uint16(port)), ColumnVector(.timestamp(ts)),
            nulled(.int64(bytes)), nulled(.float64(score)), nulled(.string(dom)),
        ])
        var options = WriterOptions()
        options.rowGroupRows = 700
        options.pageRows = 100
        options.bloomFilterColumns = ["ip", "addr", "domain", "port"]
        // Sort by ip within the file half the time, so min/max and zone maps have work to do.
        let path = dir.file(name)
        let writer = try SiftWriter(path: path, schema: schema, options: options)
        try writer.write(batch)
        try writer.close()
        return Data(schema: schema, batch: batch, path: path)
    }

    static func randomPredicate(_ rng: inout SeededRandom, depth: Int = 0) -> String {
        if depth < 2, rng.next() % 3 == 0 {
            let a = randomPredicate(&rng, depth: depth + 1), b = randomPredicate(&rng, depth: depth + 1)
            switch rng.next() % 3 {
            case 0: return "(\(a) and \(b))"
            case 1: return "(\(a) or \(b))"
            default: return "not (\(a))"
            }
        }
        let ops = ["=", "!=", "<", "<=", ">", ">="]
        let op = ops[Int(rng.next() % 6)]
        switch rng.next() % 12 {
        case 0: return "ip \(op) 10.0.0.\(rng.next() % 70)"
        case 1: return rng.next() % 2 == 0 ? "ip in 10.0.0.\((rng.next() % 8) * 8)/\(29 + rng.next() % 4)"
            : "ip in 10.0.\((rng.next() % 4) * 16).0/\(20 + rng.next() % 4)"  // between indexed lengths: finer keys
        case 2: return "addr \(op) 192.0.2.\(rng.next() % 260 % 256)"
        case 3: return "addr in 2001:db8::/\([32, 44, 64, 116, 120, 124][Int(rng.next() % 6)])"
        case 4: return "port in (\(rng.next() % 700), 443)"
        case 5: return "port \(op) \([22, 53, 666, 1000][Int(rng.next() % 4)])"
        case 6: return "ts between '2026-08-01T00:\(10 + rng.next() % 40):00Z' and '2026-08-01T00:\(20 + rng.next() % 39):00Z'"
        case 7: return "bytes \(op) \(Int(rng.next() % 2200) - 150)"
        case 8: return "score \(op) \(rng.next() % 30)"
        case 9: return "domain ends_with '\([".evil.example", ".example", "evil.example", ".nope.example", ".z.test"][Int(rng.next() % 5)])'"
        case 10: return "domain \(op) '\(["evil.example", "www.good.example", "", "zzz"][Int(rng.next() % 4)])'"
        default: return "\(["ip", "addr", "bytes", "domain", "score"][Int(rng.next() % 5)]) is \(rng.next() % 2 == 0 ? "" : "not ")null"
        }
    }

    @Test("random predicates: pruned scan equals brute force")
    func randomPredicates() throws {
        var rng = SeededRandom(seed: Self.seed)
        let dir = TemporaryDirectory()
        let data = try Self.makeFile(&rng, dir: dir, name: "p.sift")
        let reader = try SiftReader(path: data.path)
        let all = Array(0..<data.schema.fields.count)
        var columns: [Int: ColumnVector] = [:]
        for c in all { columns[c] = data.batch.columns[c] }
        var pruned = 0
        for trial in 0..<400 {
            let text = Self.randomPredicate(&rng)
            let bound = try RowPredicate.parse(text).bind(to: data.schema)
            let expected = RowFilter.select(bound, columns: columns, count: data.batch.rowCount)
            var got: [String] = []
            let report = try Scanner(reader: reader, predicate: bound, columns: [3]).scan { batch in
                if case .timestamp(let v) = batch.columns[0].values { got += v.map { String($0) } }
                return true
            }
            let want: [String] = expected.map { i in if case .timestamp(let v) = data.batch.columns[3].values { String(v[i]) } else { "" } }
            if got != want {
                Issue.record("seed \(Self.seed) trial \(trial): \(text): the pruned scan gave \(got.count) rows, brute force \(want.count)")
                break
            }
            if report.rowGroupsRead < report.rowGroupsTotal || report.bytesSkipped(by: .zoneMap) > 0 { pruned += 1 }
            // The parallel scan (the default) reads and reports exactly what a sequential one does.
            if trial % 4 == 0 {
                var sequential = Scanner(reader: reader, predicate: bound, columns: [3])
                sequential.workers = 1
                var rows: [String] = []
                let one = try sequential.scan { batch in
                    if case .timestamp(let v) = batch.columns[0].values { rows += v.map { String($0) } }
                    return true
                }
                #expect(rows == got, "\(text)")
                // Counting (no projected column) takes the bitmap path: the same count.
                let counted = try Scanner(reader: reader, predicate: bound, columns: []).scan { _ in true }
                #expect(counted.rowsMatched == want.count, "count of \(text)")
                var (a, b) = (one, report)
                (a.planningSeconds, b.planningSeconds) = (0, 0)
                #expect(a == b, "\(text)")
            }
        }
        // The property is only worth something if pruning really happens.
        #expect(pruned > 50, "only \(pruned) of 400 predicates pruned anything")
    }

    @Test("each index is credited: min/max, bloom and zone maps")
    func attribution() throws {
        var rng = SeededRandom(seed: 3)
        let dir = TemporaryDirectory()
        let data = try Self.makeFile(&rng, dir: dir, name: "a.sift")
        let reader = try SiftReader(path: data.path)
        func report(_ text: String) throws -> SkipLedger {
            try Scanner(reader: reader, predicate: try RowPredicate.parse(text).bind(to: data.schema), columns: [0]).scan { _ in true }
        }
        // Beyond every chunk's maximum: min/max.
        let a = try report("ip = 10.9.9.9")
        #expect(a.rowGroupsRead == 0 && a.bytesSkipped(by: .minMax) > 0 && a.pagesRead == 0)
        #expect(a.bytesRead == UInt64(FileLayout.trailerSize + reader.footerLength), "an absent value reads only the footer")
        // Inside the range but absent: bloom.
        let b = try report("ip = 10.0.0.63 and ip != 10.0.0.63")
        #expect(b.rowsMatched == 0)
        let c = try report("domain = 'never.example'")
        #expect(c.rowGroupsRead == 0 && c.bytesSkipped(by: .bloom) > 0, "\(c)")
        #expect(c.bytesRead > UInt64(FileLayout.trailerSize + reader.footerLength), "bloom bytes are counted")
        #expect(c.readBy[.footer] == UInt64(FileLayout.trailerSize + reader.footerLength) && c.readBy[.bloom]! + c.readBy[.pageBloom]! > 0 && c.readBy[.dataPage] == 0, "\(c.readBy)")
        #expect(a.readBy[.footer] == a.bytesRead, "\(a.readBy)")
        // A time window: zone maps skip pages inside the row groups read.
        let d = try report("ts between '2026-08-01T00:05:00Z' and '2026-08-01T00:06:00Z'")
        #expect(d.bytesSkipped(by: .zoneMap) > 0 || d.bytesSkipped(by: .minMax) > 0)
        #expect(d.rowsMatched > 0)
        // The breakdown adds up to the total, and names the pages and page indexes read.
        for ledger in [a, b, c, d] { #expect(ledger.readBy.values.reduce(0, +) == ledger.bytesRead, "\(ledger.readBy)") }
        #expect(d.readBy[.dataPage]! > 0 && d.readBy[.pageIndex]! > 0 && d.readBy[.tableIndex] == 0)
    }
}
