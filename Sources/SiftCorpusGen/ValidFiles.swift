import Foundation
import SiftFormat

/// Deterministic values for the valid corpus files.
typealias Values = SplitMix

func ip(_ s: String) -> IPv6Address { TextForms.parseIP(Array(s.utf8))! }
func ts(_ s: String) -> Int64 { TextForms.parseTimestamp(Array(s.utf8))! }

/// Columns whose shape makes each encoding natural, forced per column so the file is sure to
/// contain every allowed encoding of the type.
func encodingColumns(_ type: ColumnType, rows: Int, _ v: inout Values) -> [(Field, ColumnVector, Encoding)] {
    let allowed: [Encoding] = switch type {
    case .bool: [.plain, .runLength]
    case .float64: [.plain, .dictionary, .runLength]
    case .string, .binary: [.plain, .dictionary]
    case .ipv6: [.plain, .dictionary]
    default: [.plain, .frameOfReference, .dictionary, .delta, .runLength]
    }
    return allowed.map { encoding in
        var raw: [UInt64] = []
        var acc: UInt64 = 1000
        for i in 0..<rows {
            switch encoding {
            case .plain: raw.append(v.next())
            case .frameOfReference: raw.append(5000 + v.next() % 300)
            case .dictionary: raw.append([7, 70000, 9_000_000, 42][Int(v.next() % 4)])
            case .delta: acc += v.next() % 50; raw.append(acc)
            case .runLength: raw.append(UInt64(i / 40) * 3)
            case .lengths: raw.append(v.next())
            }
        }
        let values: ColumnVector.Values = switch type {
        case .bool: .bool(raw.map { encoding == .runLength ? ($0 / 3) % 2 == 0 : $0 & 1 == 1 })
        case .int32: .int32(raw.map { Int32(truncatingIfNeeded: encoding == .plain ? $0 : $0 &* 0xFFFF_FFFF_FFFF_FFFF) })
        case .int64: .int64(raw.map { Int64(bitPattern: encoding == .plain ? $0 : 0 &- $0) })
        case .uint16: .uint16(raw.map { UInt16(truncatingIfNeeded: $0) })
        case .uint32: .uint32(raw.map { UInt32(truncatingIfNeeded: $0) })
        case .ipv4: .ipv4(raw.map { 0x0A00_0000 &+ UInt32(truncatingIfNeeded: $0) })
        case .timestamp: .timestamp(raw.map { ts("2026-08-01T00:00:00Z") + Int64($0 % 1_000_000_000_000) })
        case .float64: .float64(raw.map { encoding == .plain ? Double(Int64(bitPattern: $0)) / 1e9 : Double($0) / 4 })
        case .ipv6: .ipv6(raw.map { IPv6Address(high: 0x2001_0DB8_0000_0000 | ($0 >> 48), low: $0) })
        case .string: .string(VarBytes(raw.map { encoding == .plain ? "value-\($0)" : "host\($0 % 1000).example.org" }))
        case .binary: .binary(VarBytes(offsets: [0] + (1...rows).map { UInt32($0 * 3) }, bytes: raw.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 >> 16 & 0xFF)] }))
        }
        return (Field("\(type.name)_\(encoding)", type, nullable: false), ColumnVector(values), encoding)
    }
}

func validEntries() throws -> [CorpusEntry] {
    var entries: [CorpusEntry] = []
    var v = Values(0x5EED)

    // One file per type, one column per allowed encoding, no compression.
    for type in ColumnType.allCases {
        let cols = encodingColumns(type, rows: 300, &v)
        let schema = try Schema(cols.map(\.0))
        let batch = try RecordBatch(schema: schema, columns: cols.map(\.1))
        let bytes = try writeFile(schema, [batch]) { o in
            o.compression = .none
            o.pageRows = 128
            for c in cols { o.columnEncoding[c.0.name] = c.2 }
        }
        entries.append(CorpusEntry(name: "type-\(type.name)-encodings", description: "\(type.name) in every allowed encoding, uncompressed, 3 pages a column", bytes: bytes,
                                   schema: schema, rows: jsonRows([batch]), encodings: Dictionary(uniqueKeysWithValues: cols.map { ($0.0.name, [$0.2.description]) })))
    }

    // Every codec over a mix of types.
    let mixedSchema = try Schema([
        Field("ts", .timestamp, nullable: false), Field("src_ip", .ipv4), Field("dst_ip", .ipv6), Field("port", .uint16),
        Field("domain", .string, hint: .domain), Field("bytes", .int64), Field("score", .float64), Field("flag", .bool), Field("payload", .binary),
    ])
    var mixedCols: [[Any]] = Array(repeating: [], count: 0)
    _ = mixedCols
    let n = 2000
    var tsv: [Int64] = [], src: [UInt32] = [], dst: [IPv6Address] = [], port: [UInt16] = [], dom = VarBytes(), bytesv: [Int64] = [], score: [Double] = [], flag: [Bool] = [], payload = VarBytes()
    var valid = Bitmap(count: n, value: true)
    for i in 0..<n {
        tsv.append(ts("2026-08-01T00:00:00Z") + Int64(i) * 1_500_000 + Int64(v.next() % 1000))
        src.append(0x0A00_0000 | UInt32(v.next() % 200))
        dst.append(i % 7 == 0 ? ip("2001:db8::\(String(v.next() % 65536, radix: 16))") : IPv6Address(mapping: UInt32(truncatingIfNeeded: v.next() | 0x0100_0000)))
        port.append([443, 80, 53, 22, 8443][Int(v.next() % 5)])
        dom.append(Array("www\(v.next() % 20).evil\(v.next() % 3).example".utf8))
        bytesv.append(Int64(v.next() % 1_000_000))
        score.append(Double(v.next() % 1000) / 8)
        flag.append(v.next() % 3 == 0)
        payload.append((0..<Int(v.next() % 12)).map { _ in UInt8(truncatingIfNeeded: v.next()) })
        if i % 11 == 5 { valid[i] = false }
    }
    func nulled(_ c: ColumnVector) -> ColumnVector { var c = c; c.validity = valid; PageNulls.zero(&c); return c }
    let mixedBatch = try RecordBatch(schema: mixedSchema, columns: [
        ColumnVector(.timestamp(tsv)), nulled(ColumnVector(.ipv4(src))), nulled(ColumnVector(.ipv6(dst))), nulled(ColumnVector(.uint16(port))),
        nulled(ColumnVector(.string(dom))), nulled(ColumnVector(.int64(bytesv))), nulled(ColumnVector(.float64(score))), nulled(ColumnVector(.bool(flag))), nulled(ColumnVector(.binary(payload))),
    ])
    for codec in Codec.allCases {
        let bytes = try writeFile(mixedSchema, [mixedBatch]) { o in o.compression = Compression(codec, level: 3); o.pageRows = 512; o.rowGroupRows = 1000 }
        entries.append(CorpusEntry(name: "codec-\(codec)", description: "connection-like rows, every page compressed with \(codec); 2 row groups, pages of 512 rows, every 11th row null except ts", bytes: bytes, schema: mixedSchema, rows: jsonRows([mixedBatch])))
    }

    // Null patterns.
    let patterns: [(String, (Int) -> Bool)] = [("none", { _ in false }), ("all", { _ in true }), ("alternating", { $0 % 2 == 1 }), ("runs", { ($0 / 50) % 2 == 0 })]
    var nullFields: [Field] = [], nullCols: [ColumnVector] = []
    for (name, isNull) in patterns {
        var bm = Bitmap(count: 400, value: true)
        for i in 0..<400 where isNull(i) { bm[i] = false }
        var ints = ColumnVector(.int64((0..<400).map { Int64($0) * 3 }), validity: bm)
        var strs = ColumnVector(.string(VarBytes((0..<400).map { "s\($0 % 9)" })), validity: bm)
        PageNulls.zero(&ints); PageNulls.zero(&strs)
        nullFields += [Field("int_\(name)", .int64), Field("str_\(name)", .string)]
        nullCols += [ints, strs]
    }
    let nullSchema = try Schema(nullFields)
    let nullBatch = try RecordBatch(schema: nullSchema, columns: nullCols)
    entries.append(CorpusEntry(name: "null-patterns", description: "int64 and string columns with no nulls, all nulls, alternating nulls and runs of 50", bytes: try writeFile(nullSchema, [nullBatch]) { $0.pageRows = 128 }, schema: nullSchema, rows: jsonRows([nullBatch])))

    // Page distinct counts (recorded by writers since the domain-locality change; optional).
    let distinctSchema = try Schema([Field("port", .uint16, nullable: false), Field("host", .string), Field("n", .int64, nullable: false)])
    let distinctBatch = try RecordBatch(schema: distinctSchema, columns: [
        ColumnVector(.uint16((0..<600).map { [22, 53, 80, 443][$0 % 4] })),
        ColumnVector(.string(VarBytes((0..<600).map { "h\($0 % 7)" })), validity: Bitmap((0..<600).map { $0 % 10 != 0 })),
        ColumnVector(.int64((0..<600).map { Int64($0 / 3) })),
    ])
    var distinctEntry = CorpusEntry(name: "page-distinct-counts", description: "pages of 200 rows recording their distinct non-null counts: 4 ports, 7 hosts (every 10th null), 67 or 68 values of n per page", bytes: try writeFile(distinctSchema, [distinctBatch]) { $0.pageRows = 200; $0.pageDistinctCounts = true }, schema: distinctSchema, rows: jsonRows([distinctBatch]))
    distinctEntry.pageDistinctCounts = ["port": [[4, 4, 4]], "host": [[7, 7, 7]], "n": [[67, 68, 67]]]
    entries.append(distinctEntry)

    // Empty file, single row, many row groups.
    let small = try Schema([Field("a", .int32, nullable: false), Field("b", .string)])
    entries.append(CorpusEntry(name: "empty", description: "a schema and no rows: no row groups", bytes: try writeFile(small, []), schema: small, rows: []))
    let one = try RecordBatch(schema: small, columns: [ColumnVector(.int32([-42])), ColumnVector(.string(VarBytes(["only row"])))])
    entries.append(CorpusEntry(name: "single-row", description: "one row", bytes: try writeFile(small, [one]), schema: small, rows: jsonRows([one])))
    let many = try RecordBatch(schema: small, columns: [ColumnVector(.int32((0..<1000).map { Int32($0) })), ColumnVector(.string(VarBytes((0..<1000).map { "row \($0)" })))])
    entries.append(CorpusEntry(name: "many-row-groups", description: "1000 rows in 10 row groups of 100 rows, pages of 32 rows", bytes: try writeFile(small, [many]) { $0.rowGroupRows = 100; $0.pageRows = 32 }, schema: small, rows: jsonRows([many])))

    // Extreme values.
    let ext = try Schema([Field("i32", .int32), Field("i64", .int64), Field("u16", .uint16), Field("u32", .uint32), Field("f64", .float64), Field("ts", .timestamp), Field("v4", .ipv4), Field("v6", .ipv6)])
    let extBatch = try RecordBatch(schema: ext, columns: [
        ColumnVector(.int32([.min, .max, 0, -1])), ColumnVector(.int64([.min, .max, 0, -1])), ColumnVector(.uint16([0, .max, 1, 32768])),
        ColumnVector(.uint32([0, .max, 1, 1 << 31])), ColumnVector(.float64([-.greatestFiniteMagnitude, .greatestFiniteMagnitude, -0.0, .leastNonzeroMagnitude])),
        ColumnVector(.timestamp([ts("0001-01-01T00:00:00Z"), ts("9999-12-31T23:59:59.999999Z"), 0, -1])),
        ColumnVector(.ipv4([0, .max, 0x7F00_0001, 0xC0A8_0101])),
        ColumnVector(.ipv6([IPv6Address(high: 0, low: 0), IPv6Address(high: .max, low: .max), ip("::1"), ip("fe80::1")])),
    ])
    entries.append(CorpusEntry(name: "extreme-values", description: "minimum and maximum of every numeric type, -0.0, the smallest subnormal, year 1 and 9999, ::, ffff:...:ffff", bytes: try writeFile(ext, [extBatch]), schema: ext, rows: jsonRows([extBatch])))

    // Non-ASCII strings and long strings (truncated statistics).
    let text = try Schema([Field("text", .string, nullable: false)])
    let words = ["", "é", "日本語のテキスト", "🛡️ threat intel", "Ελληνικά", "emoji 🚀🔥", "a\u{0}b", "tab\tand\nnewline", "\"quoted\" \\ backslash",
                 String(repeating: "long-", count: 40), String(repeating: "z", count: 100) + "é"]
    let textBatch = try RecordBatch(schema: text, columns: [ColumnVector(.string(VarBytes(words)))])
    entries.append(CorpusEntry(name: "strings-unicode", description: "empty, multi-byte, emoji, NUL, control characters, and values longer than 64 bytes (inexact max statistic)", bytes: try writeFile(text, [textBatch]) { $0.compression = .none }, schema: text, rows: jsonRows([textBatch])))

    // Mixed IPv4/IPv6 column: a narrow (IPv4-only) page and a wide one.
    let mixed = try Schema([Field("addr", .ipv6, nullable: false)])
    var addrs: [IPv6Address] = []
    for i in 0..<64 { addrs.append(IPv6Address(mapping: 0xC633_6400 | UInt32(i))) }
    for i in 0..<64 { addrs.append(i % 2 == 0 ? ip("2001:db8::\(i)") : IPv6Address(mapping: 0xCB00_7100 | UInt32(i))) }
    let mixedAddr = try RecordBatch(schema: mixed, columns: [ColumnVector(.ipv6(addrs))])
    entries.append(CorpusEntry(name: "ip-mixed", description: "one ipv6 column: page 0 holds only IPv4 (stored narrow, 32-bit FOR), page 1 mixes IPv4 and IPv6 (stored 128-bit)", bytes: try writeFile(mixed, [mixedAddr]) { $0.pageRows = 64; $0.compression = .none }, schema: mixed, rows: jsonRows([mixedAddr])))

    // Added with the LENGTHS encoding (after every earlier file, so their values are unchanged).
    for type in [ColumnType.string, .binary] {
        let words = (0..<300).map { i in "uid-C\(String(v.next() % 1_000_000_000, radix: 36))" + String(repeating: "x", count: i % 5) }
        var bm = Bitmap(count: 300, value: true)
        for i in stride(from: 7, to: 300, by: 13) { bm[i] = false }
        var col = type == .string ? ColumnVector(.string(VarBytes(words)), validity: bm) : ColumnVector(.binary(VarBytes(words)), validity: bm)
        PageNulls.zero(&col)
        let schema = try Schema([Field("v", type)])
        let batch = try RecordBatch(schema: schema, columns: [col])
        let bytes = try writeFile(schema, [batch]) { o in o.compression = .none; o.pageRows = 128; o.columnEncoding["v"] = .lengths }
        entries.append(CorpusEntry(name: "type-\(type.name)-lengths", description: "\(type.name) values of 9 to 17 bytes in the LENGTHS encoding (lengths as a frame of reference), every 13th row null, 3 pages", bytes: bytes,
                                   schema: schema, rows: jsonRows([batch]), encodings: ["v": ["lengths"]]))
    }

    entries.append(try bloomEntry(&v))
    entries += try precisionEntries()
    // Version 1.1 (after every 1.0 file, whose bytes stay as they were).
    entries.append(try pageBloomEntry())
    return entries
}

/// Page bloom filters (version 1.1) on a domain column: six pages over two row groups, each
/// page naming its own zone, with probes an independent reader must answer the same way.
func pageBloomEntry() throws -> CorpusEntry {
    let schema = try Schema([Field("domain", .string, hint: .domain), Field("port", .uint16, nullable: false)])
    let n = 600
    var names: [String] = [], ports: [UInt16] = []
    var valid = Bitmap(count: n, value: true)
    for i in 0..<n {
        names.append("h\(i % 7).zone\(i / 100).evil.example")
        ports.append([53, 443][i % 2])
        if i % 11 == 5 { valid[i] = false }
    }
    var domains = ColumnVector(.string(VarBytes(names)), validity: valid)
    PageNulls.zero(&domains)
    let batch = try RecordBatch(schema: schema, columns: [domains, ColumnVector(.uint16(ports))])
    let bytes = try writeFile(schema, [batch]) { o in
        o.rowGroupRows = 300; o.pageRows = 100; o.compression = .none; o.pageBloomFilterColumns = ["domain"]
    }
    var entry = CorpusEntry(name: "page-bloom-filters", description: "version 1.1: page bloom filters (values and domain suffixes, 1% target) on a domain column, 3 pages in each of 2 row groups, every page naming its own zone; probes list keys each page's filter must admit and keys it rejects", bytes: bytes, schema: schema, rows: jsonRows([batch]))
    let reader = try SiftReader(source: MemorySource(bytes))
    for g in 0..<2 {
        let filters = try reader.pageBloomFilters(rowGroup: g, column: 0)!
        for p in 0..<3 {
            let zone = g * 3 + p
            let first = (zone * 100..<(zone + 1) * 100).first { valid[$0] }!
            entry.pageBloomProbes.append((g, "domain", p, hex(Array(names[first].utf8)), true))
            entry.pageBloomProbes.append((g, "domain", p, hex(Array(".zone\(zone).evil.example".utf8)), true))
            entry.pageBloomProbes.append((g, "domain", p, hex(Array(".evil.example".utf8)), true))
            // Another page's zone, when this page's filter rejects it (a fact of this file).
            for other in 0..<6 where other != zone {
                let key = Array(".zone\(other).evil.example".utf8)
                if !filters.mightContain(page: p, hash: BloomKeys.hash(bytes: key)) {
                    entry.pageBloomProbes.append((g, "domain", p, hex(key), false))
                    break
                }
            }
        }
    }
    return entry
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// Bloom filters on an ipv4, an ipv6 and a domain column, over two row groups, with probes an
/// independent reader must answer the same way.
func bloomEntry(_ v: inout Values) throws -> CorpusEntry {
    let schema = try Schema([Field("src_ip", .ipv4, nullable: false), Field("dst_ip", .ipv6), Field("domain", .string, hint: .domain), Field("port", .uint16, nullable: false)])
    let n = 600
    var src: [UInt32] = [], dst: [IPv6Address] = [], dom = VarBytes(), port: [UInt16] = []
    var valid = Bitmap(count: n, value: true)
    for i in 0..<n {
        src.append(0x0A00_0000 | UInt32(v.next() % 4096))
        dst.append(i % 5 == 0 ? ip("2001:db8:\(String(v.next() % 16, radix: 16))::\(i)") : IPv6Address(mapping: 0xC633_6400 | UInt32(v.next() % 256)))
        dom.append(Array("h\(v.next() % 50).cdn\(i % 7).evil.example".utf8))
        port.append([53, 80, 443][Int(v.next() % 3)])
        if i % 9 == 4 { valid[i] = false }
    }
    var dstCol = ColumnVector(.ipv6(dst), validity: valid)
    var domCol = ColumnVector(.string(dom), validity: valid)
    PageNulls.zero(&dstCol); PageNulls.zero(&domCol)
    let batch = try RecordBatch(schema: schema, columns: [ColumnVector(.ipv4(src)), dstCol, domCol, ColumnVector(.uint16(port))])
    let bytes = try writeFile(schema, [batch]) { o in o.rowGroupRows = 300; o.pageRows = 128; o.compression = .none }
    var entry = CorpusEntry(name: "bloom-filters", description: "bloom filters (1% target) on ipv4, ipv6 (mixed) and domain columns, 2 row groups; probes list keys that must be found and keys these filters reject", bytes: bytes, schema: schema, rows: jsonRows([batch]))
    let reader = try SiftReader(source: MemorySource(bytes))
    func le32(_ x: UInt32) -> [UInt8] { withUnsafeBytes(of: x.littleEndian) { Array($0) } }
    func be(_ a: IPv6Address) -> [UInt8] { withUnsafeBytes(of: (a.high.bigEndian, a.low.bigEndian)) { Array($0) } }
    for g in 0..<2 {
        let rows = (g * 300)..<((g + 1) * 300)
        let r0 = rows.lowerBound
        // Inserted keys: a value, its /16 and /24; a mapped IPv4 value and its /120; a domain and its suffix.
        entry.bloomProbes.append((g, "src_ip", hex(le32(src[r0])), true))
        entry.bloomProbes.append((g, "src_ip", hex(le32(src[r0] & 0xFFFF_0000) + [16]), true))
        entry.bloomProbes.append((g, "src_ip", hex(le32(src[r0] & 0xFFFF_FF00) + [24]), true))
        if let i = rows.first(where: { valid[$0] && dst[$0].mappedIPv4 != nil }) {
            entry.bloomProbes.append((g, "dst_ip", hex(be(dst[i])), true))
            entry.bloomProbes.append((g, "dst_ip", hex(be(BloomKeys.mask(dst[i], 120)) + [120]), true))
        }
        if let i = rows.first(where: { valid[$0] && dst[$0].mappedIPv4 == nil }) {
            entry.bloomProbes.append((g, "dst_ip", hex(be(BloomKeys.mask(dst[i], 48)) + [48]), true))
        }
        if let i = rows.first(where: { valid[$0] }) {
            entry.bloomProbes.append((g, "domain", hex(Array(dom[i])), true))
        }
        entry.bloomProbes.append((g, "domain", hex(Array(".evil.example".utf8)), true))
        // Keys the filters reject (checked here against the written filter, so they are facts of this file).
        let filters = try (0..<3).map { try reader.bloomFilter(rowGroup: g, column: $0)! }
        for (c, name, keys) in [(0, "src_ip", (1...40).map { le32(0xC000_0200 | $0) }), (2, "domain", ["good.example", ".good.example", "evil.example.com"].map { Array($0.utf8) })] {
            var added = 0
            for key in keys where added < 3 && !filters[c].mightContain(hash: BloomKeys.hash(bytes: key)) {
                entry.bloomProbes.append((g, name, hex(key), false))
                added += 1
            }
        }
    }
    return entry
}

enum PageNulls {
    /// Null slots hold zero / empty, as the reader returns them.
    static func zero(_ c: inout ColumnVector) {
        guard let validity = c.validity else { return }
        func z<T>(_ a: [T], _ zero: T) -> [T] { a.enumerated().map { validity[$0.offset] ? $0.element : zero } }
        switch c.values {
        case .int64(let a): c.values = .int64(z(a, 0))
        case .uint16(let a): c.values = .uint16(z(a, 0))
        case .ipv4(let a): c.values = .ipv4(z(a, 0))
        case .float64(let a): c.values = .float64(z(a, 0))
        case .bool(let a): c.values = .bool(z(a, false))
        case .ipv6(let a): c.values = .ipv6(z(a, IPv6Address(high: 0, low: 0)))
        case .string(let a), .binary(let a):
            var out = VarBytes()
            for i in 0..<a.count { out.append(validity[i] ? Array(a[i]) : []) }
            c.values = c.type == .string ? .string(out) : .binary(out)
        default: break
        }
    }
}
