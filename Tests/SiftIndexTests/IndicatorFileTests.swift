import Foundation
import SiftFormat
import SiftIndex
import SiftScan
import SiftTestSupport
import Testing

/// `column in file('list')`: indicator sweeps read a list of addresses and networks.
@Suite("Predicates: indicator files")
struct IndicatorFileTests {
    @Test("a list of addresses, networks and comments selects what brute force does; not in is its complement")
    func sweep() throws {
        let dir = TemporaryDirectory()
        let n = 4000
        let addresses: [UInt32?] = (0..<n).map { (i: Int) -> UInt32? in
            if i % 29 == 0 { return nil }
            return UInt32(0x0A00_0000) | UInt32((i * 7919) % 5000)
        }
        var validity = Bitmap(count: n, value: true)
        for i in 0..<n where addresses[i] == nil { validity[i] = false }
        let ipColumn = ColumnVector(.ipv4(addresses.map { $0 ?? 0 }), validity: validity)
        let schema = try Schema([Field("ip", .ipv4), Field("host", .string)])
        let hosts = (0..<n).map { "h\($0 % 50).example" }
        let batch = try RecordBatch(schema: schema, columns: [ipColumn, .strings(hosts)])
        let path = dir.file("f.sift")
        try SiftWriter.write(to: path, schema: schema) { try $0.write(batch) }
        let list = dir.file("ioc.txt")
        try """
            # maltrail-style list
            10.0.0.7
            10.0.1.0/24   # a /24
              10.0.3.200

            10.0.19.0/30
            """.write(toFile: list, atomically: true, encoding: .utf8)
        let reader = try SiftReader(path: path)
        func count(_ text: String) throws -> Int {
            var total = 0
            try Scanner(reader: reader, where: text, columns: ["ip"]).scan { total += $0.rowCount; return true }
            return total
        }
        func listed(_ a: UInt32) -> Bool {
            a == 0x0A00_0007 || a == 0x0A00_03C8 || a >> 8 == 0x0A0001 || a >> 2 == 0x0A00_1300 >> 2
        }
        let hits = addresses.filter { $0.map(listed) ?? false }.count
        #expect(hits > 0)
        #expect(try count("ip in file('\(list)')") == hits)
        #expect(try count("ip not in file('\(list)')") == addresses.filter { $0.map { !listed($0) } ?? false }.count)

        // Many networks (a union of ranges evaluated by binary search), overlapping and nested.
        let many = dir.file("many.txt")
        let networks: [(UInt32, Int)] = (0..<40).map { k in (UInt32(0x0A00_0000) | UInt32(k * 97 % 20) << 8 | UInt32(k * 37 % 256), [24, 28, 30, 32, 23][k % 5]) }
        try networks.map { n in "10.0.\(n.0 >> 8 & 0xFF).\(n.0 & 0xFF)/\(n.1)" }.joined(separator: "\n").write(toFile: many, atomically: true, encoding: .utf8)
        func inMany(_ a: UInt32) -> Bool { networks.contains { n in a >> UInt32(32 - n.1) == n.0 >> UInt32(32 - n.1) } }
        let manyHits = addresses.filter { $0.map(inMany) ?? false }.count
        #expect(manyHits > 0)
        #expect(try count("ip in file('\(many)')") == manyHits)
        #expect(try count("ip not in file('\(many)')") == addresses.filter { $0.map { !inMany($0) } ?? false }.count)

        let domains = dir.file("domains.txt")
        try "h3.example\nh7.example\n".write(toFile: domains, atomically: true, encoding: .utf8)
        #expect(try count("host in file('\(domains)')") == hosts.filter { $0 == "h3.example" || $0 == "h7.example" }.count)
        let empty = dir.file("empty.txt")
        try "# nothing yet\n".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(try count("ip in file('\(empty)')") == 0)
    }

    @Test("a missing file, a bad network, a folder and a parser without files are errors naming them")
    func errors() throws {
        let dir = TemporaryDirectory()
        let bad = dir.file("bad.txt")
        try "10.0.0.1\n10.0.0.0/99\n".write(toFile: bad, atomically: true, encoding: .utf8)
        func message(_ text: String, fileSystem: (any FileSystem)? = LocalFileSystem()) -> String {
            do { _ = try RowPredicate.parse(text, fileSystem: fileSystem); return "" } catch { return error.message }
        }
        #expect(message("ip in file('\(dir.file("nope.txt"))')").contains("does not exist"))
        #expect(message("ip in file('\(bad)')").contains("line 2"))
        #expect(message("ip in file('\(dir.path)')").contains("not a regular file"))
        #expect(message("ip in file('\(bad)')", fileSystem: nil).contains("not allowed"))
        #expect(message("ip in file(").contains("path"))
    }
}
