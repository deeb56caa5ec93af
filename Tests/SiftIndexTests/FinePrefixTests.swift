import SiftFormat
import SiftIndex
import SiftScan
import SiftTestSupport
import Testing

/// Fine network prefixes in bloom filters (`spec/format.md` §7.6, contents bit 4): a /20 or /12
/// search probes its own key, not its /16's or /8's, and never changes the rows.
@Suite("Index: fine network prefixes")
struct FinePrefixTests {
    /// Eight row groups of 1,000 rows. Every group holds addresses of 10.1.0.0/16 (so every /16
    /// probe says "maybe"), but group g holds only 10.1.(16·g).x and 10.1.(16·g+1).x: the /20
    /// 10.1.(16·g).0/20 is in group g alone. Min/max cannot help: every group also holds
    /// 10.1.0.1 and 10.200.255.254.
    static func write(_ path: String, fine: Bool) throws -> Schema {
        let schema = try Schema([Field("dst_ip", .ipv4, nullable: false), Field("n", .int64, nullable: false)])
        var addresses: [UInt32] = []
        for g in 0..<8 {
            for r in 0..<1000 {
                let third = UInt32(16 * g + r % 2)
                addresses.append(r == 0 ? 0x0A01_0001 : r == 1 ? 0x0AC8_FFFE : 0x0A01_0000 | third << 8 | UInt32(r % 250 + 2))
            }
        }
        let batch = try RecordBatch(schema: schema, columns: [ColumnVector(.ipv4(addresses)), ColumnVector(.int64((0..<Int64(addresses.count)).map { $0 }))])
        var options = WriterOptions()
        options.rowGroupRows = 1000
        if !fine { options.finePrefixColumns = [] }
        try FileScans.write(batch, to: path, options: options)
        return schema
    }

    /// The `n` of every matching row, and what the scan skipped.
    static func scan(_ path: String, _ text: String, schema: Schema) throws -> ([Int64], SkipLedger) {
        try FileScans.int64s(path, where: text, schema: schema, column: 1)
    }

    @Test("a /20 is ruled out where its /16 is present; a /12 likewise; rows equal a file without fine keys")
    func twentyProbesItsOwnKey() throws {
        let dir = TemporaryDirectory()
        let (with, without) = (dir.file("fine.sift"), dir.file("coarse.sift"))
        let schema = try Self.write(with, fine: true)
        _ = try Self.write(without, fine: false)
        let contents = try SiftReader(path: with).metadata.rowGroups[0].columns[0].bloomFilter!.contents
        #expect(contents.contains(.fineNetworkPrefixes))
        #expect(try !SiftReader(path: without).metadata.rowGroups[0].columns[0].bloomFilter!.contents.contains(.fineNetworkPrefixes))
        _ = try SiftReader(path: with).verify()

        // 10.1.48.0/20 is in group 3 only; 10.1.240.0/20 is in no group (inside every group's min/max).
        for (needle, groupsLeft) in [("dst_ip in 10.1.48.0/20", 1), ("dst_ip in 10.1.240.0/20", 0), ("dst_ip in 10.1.0.0/16", 8)] {
            let (rowsFine, ledgerFine) = try Self.scan(with, needle, schema: schema)
            let (rowsCoarse, ledgerCoarse) = try Self.scan(without, needle, schema: schema)
            #expect(rowsFine == rowsCoarse, "\(needle)")
            #expect(ledgerFine.rowGroupsRead == groupsLeft, "\(needle): \(ledgerFine)")
            // Without fine keys the /20 is probed as its /16, present in every group.
            #expect(ledgerCoarse.rowGroupsRead == 8, "\(needle): \(ledgerCoarse)")
        }
        // A /12 probes the /12 key: 10.16.0.0/12 holds none of 10.1.x.x (its /8 does).
        let (rows12, ledger12) = try Self.scan(with, "dst_ip in 10.16.0.0/12", schema: schema)
        #expect(rows12.isEmpty && ledger12.rowGroupsRead == 0, "\(ledger12)")
        let (_, coarse12) = try Self.scan(without, "dst_ip in 10.16.0.0/12", schema: schema)
        #expect(coarse12.rowGroupsRead == 8, "min/max and the /8 key cannot rule 10.16.0.0/12 out: \(coarse12)")
    }

    @Test("ipv6 columns: mapped IPv4 /20 (length 116) and native /56 keys")
    func ipv6() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v6.sift")
        let schema = try Schema([Field("a", .ipv6, nullable: false)])
        func ip(_ s: String) -> IPv6Address { TextForms.parseIP(Array(s.utf8))! }
        let values = (0..<500).map { IPv6Address(mapping: 0x0A01_0000 | UInt32($0 % 2) << 8 | UInt32($0 % 200)) }
            + (0..<500).map { _ in ip("2001:db8:1234:5601::9") } + [ip("10.1.255.254"), ip("2001:db8:1234:58ff::1")]
        let writer = try SiftWriter(path: path, schema: schema, options: WriterOptions())
        try writer.write(try RecordBatch(schema: schema, columns: [ColumnVector(.ipv6(values))]))
        try writer.close()
        for (needle, present) in [("a in 10.1.0.0/20", true), ("a in 10.1.64.0/20", false), ("a in 2001:db8:1234:5600::/56", true), ("a in 2001:db8:1234:5700::/56", false)] {
            var rows = 0
            let ledger = try Scanner(reader: try SiftReader(path: path), predicate: try RowPredicate.parse(needle).bind(to: schema), columns: [0]).scan { batch in
                rows += batch.rowCount
                return true
            }
            #expect((rows > 0) == present, "\(needle)")
            if !present { #expect(ledger.bytesSkipped(by: .bloom) > 0, "\(needle) is ruled out by its own key: \(ledger)") }
        }
    }
}
