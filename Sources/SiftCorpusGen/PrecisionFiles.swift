import CZstd
import Foundation
import SiftFormat

// Valid files for what `spec/format.md` settles but the first corpus never tested: unknown
// footer fields, a later minor version, an empty row group, narrow ipv6 pages in every
// encoding, NaN and infinities, the json hint, an all-FF maximum, zstd frames without a
// content size.

/// Unknown fields of every wire type a reader must skip (0, 1, 2 and 5), numbered 100 to 103.
func unknownFields() -> [WireMessage.Entry] {
    [WireMessage.Entry(number: 100, value: .varint(300)),
     WireMessage.Entry(number: 101, value: .fixed64([1, 2, 3, 4, 5, 6, 7, 8])),
     WireMessage.Entry(number: 102, value: .bytes(Array("future".utf8))),
     WireMessage.Entry(number: 103, value: .fixed32([9, 8, 7, 6]))]
}

/// A zstd frame of `body` that records no content size (as streaming compressors write).
func zstdFrameWithoutContentSize(_ body: [UInt8]) -> [UInt8] {
    let context = ZSTD_createCCtx()!
    defer { ZSTD_freeCCtx(context) }
    ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0)
    var out = [UInt8](repeating: 0, count: ZSTD_compressBound(body.count))
    let written = out.withUnsafeMutableBytes { dst in
        body.withUnsafeBytes { src in ZSTD_compress2(context, dst.baseAddress, dst.count, src.baseAddress, src.count) }
    }
    precondition(ZSTD_isError(written) == 0)
    out.removeSubrange(written...)
    precondition(ZSTD_getFrameContentSize(out, out.count) == UInt64.max, "the frame must not record its size")
    return out
}

func precisionEntries() throws -> [CorpusEntry] {
    var entries: [CorpusEntry] = []
    let small = try Schema([Field("n", .int64, nullable: false), Field("s", .string)])
    var strings = ColumnVector(.string(VarBytes(["a", "b", "c"])), validity: Bitmap([true, false, true]))
    PageNulls.zero(&strings)
    let smallBatchZeroed = try RecordBatch(schema: small, columns: [ColumnVector(.int64([3, -1, 40])), strings])
    let smallFile = try writeFile(small, [smallBatchZeroed]) { $0.compression = .none }
    let smallRows = jsonRows([smallBatchZeroed])

    // Unknown fields in every footer message, and in a page index.
    let oneColumn = try Schema([Field("v", .uint32, nullable: false)])
    let oneBatch = try RecordBatch(schema: oneColumn, columns: [ColumnVector(.uint32([5, 6, 7, 1000]))])
    let oneFile = try writeFile(oneColumn, [oneBatch]) { $0.compression = .none; $0.bloomFilterColumns = [] }
    var unknown = try editLastPageIndex(oneFile) { index in
        index.visit { _, m in m.fields = unknownFields() + m.fields + unknownFields() }
    }
    unknown = editFooter(unknown) { footer in
        footer.visit { _, m in m.fields = unknownFields() + m.fields + unknownFields() }
    }
    entries.append(CorpusEntry(name: "unknown-fields", description: "fields 100-103 of wire types 0, 1, 2 and 5 before and after the known ones in every footer message and in the page index; a reader skips them (§10.3)", bytes: unknown, schema: oneColumn, rows: jsonRows([oneBatch])))

    // Minor version 1 in header and trailer.
    var minor = smallFile
    minor[5] = 1; minor[minor.count - 7] = 1
    entries.append(CorpusEntry(name: "minor-version-1", description: "version 1.1 in the header and the trailer: a 1.0 reader reads it (§15)", bytes: minor, schema: small, rows: smallRows))

    // An empty row group between two others.
    let five = try RecordBatch(schema: oneColumn, columns: [ColumnVector(.uint32([1, 2, 3, 4, 5]))])
    let fiveFile = try writeFile(oneColumn, [five]) { $0.compression = .none; $0.rowGroupRows = 3; $0.bloomFilterColumns = [] }
    let emptyGroup = try rewriteFooter(fiveFile) { m in
        let empty = ColumnChunkMetadata(offset: 8, length: 0, statistics: Statistics(), pages: [],
                                        pageIndex: PageIndexLocation(offset: 8, length: 0, pageCount: 0, checksum: Checksum.hash([UInt8]())))
        m.rowGroups.insert(RowGroupMetadata(rowCount: 0, columns: [empty]), at: 1)
    }
    entries.append(CorpusEntry(name: "empty-row-group", description: "three row groups of 3, 0 and 2 rows; the empty one has a chunk of length 0 and a page index of 0 pages and 0 bytes (§10.4)", bytes: emptyGroup, schema: oneColumn, rows: jsonRows([five])))

    // Narrow ipv6 pages (IPv4 values only) in every encoding allowed for them.
    var v = Values(0x1B6)
    let narrowEncodings: [Encoding] = [.plain, .frameOfReference, .dictionary, .delta, .runLength]
    var narrowFields: [Field] = [], narrowColumns: [ColumnVector] = []
    for encoding in narrowEncodings {
        var acc: UInt32 = 0xC633_6400
        let values: [IPv6Address] = (0..<200).map { i in
            switch encoding {
            case .plain: return IPv6Address(mapping: UInt32(truncatingIfNeeded: v.next()))
            case .frameOfReference: return IPv6Address(mapping: 0x0A00_0000 + UInt32(v.next() % 5000))
            case .dictionary: return IPv6Address(mapping: [0x0A00_0001, 0xC0A8_0101, 0x0808_0808][Int(v.next() % 3)])
            case .delta: acc += UInt32(v.next() % 9); return IPv6Address(mapping: acc)
            default: return IPv6Address(mapping: 0x7F00_0000 + UInt32(i / 50))
            }
        }
        narrowFields.append(Field("v6_\(encoding)", .ipv6, nullable: false))
        narrowColumns.append(ColumnVector(.ipv6(values)))
    }
    let narrowSchema = try Schema(narrowFields)
    let narrowBatch = try RecordBatch(schema: narrowSchema, columns: narrowColumns)
    let narrowFile = try writeFile(narrowSchema, [narrowBatch]) { o in
        o.compression = .none; o.pageRows = 100; o.bloomFilterColumns = []
        for (f, e) in zip(narrowFields, narrowEncodings) { o.columnEncoding[f.name] = e }
    }
    entries.append(CorpusEntry(name: "ipv6-narrow-encodings", description: "ipv6 columns holding only IPv4 addresses, so every page is narrow (flag bit 1, 32-bit values, §3.3), one column per encoding allowed there; DICTIONARY entries are u32", bytes: narrowFile, schema: narrowSchema, rows: jsonRows([narrowBatch]),
                               encodings: Dictionary(uniqueKeysWithValues: zip(narrowFields.map(\.name), narrowEncodings.map { [$0.description] }))))

    // NaN, infinities and both zeros.
    let floats = try Schema([Field("f", .float64)])
    var floatColumn = ColumnVector(.float64([.nan, .infinity, -.infinity, -0.0, 0.0, 1.5, 0, -2.25]), validity: Bitmap([true, true, true, true, true, true, false, true]))
    PageNulls.zero(&floatColumn)
    let floatBatch = try RecordBatch(schema: floats, columns: [floatColumn])
    entries.append(CorpusEntry(name: "float-specials", description: "NaN, +inf, -inf, -0.0, +0.0, a null: NaN is never a statistics bound (min -inf, max +inf); the expectation writes NaN and the infinities as the strings \"NaN\", \"Infinity\", \"-Infinity\"", bytes: try writeFile(floats, [floatBatch]) { $0.compression = .none }, schema: floats, rows: jsonRows([floatBatch])))

    // The json hint.
    let json = try Schema([Field("doc", .string, hint: .json)])
    let jsonBatch = try RecordBatch(schema: json, columns: [ColumnVector(.string(VarBytes(["{\"a\":1,\"b\":[true,null]}", "[1,2.5,\"x\"]", "\"text\"", "42", "{}"])))])
    entries.append(CorpusEntry(name: "json-hint", description: "a string column with hint json (§3.4): each value is JSON text, and the expectation holds it as that JSON value, not as a string", bytes: try writeFile(json, [jsonBatch]) { $0.compression = .none }, schema: json, rows: jsonRows([jsonBatch])))

    // A maximum that cannot be truncated: 70 bytes of FF.
    let binary = try Schema([Field("b", .binary, nullable: false)])
    let ffBatch = try RecordBatch(schema: binary, columns: [ColumnVector(.binary(VarBytes(offsets: [0, 2, 72, 73], bytes: [0x00, 0x01] + [UInt8](repeating: 0xFF, count: 70) + [0x7F])))])
    let ffFile = try writeFile(binary, [ffBatch]) { $0.compression = .none }
    let ffStats = try SiftReader(source: MemorySource(ffFile)).metadata.rowGroups[0].columns[0].statistics
    precondition(ffStats.max == nil && !ffStats.maxExact, "the all-FF maximum must be left out and flagged inexact")
    entries.append(CorpusEntry(name: "all-ff-max", description: "a binary maximum of 70 FF bytes: cut to 64 bytes it cannot be incremented, so max is absent and max_inexact is 1 (no upper bound, §7.3)", bytes: ffFile, schema: binary, rows: jsonRows([ffBatch])))

    // zstd frames that do not record their content size.
    let body = (0..<64).flatMap { le32(UInt32($0 % 5)) }
    let frame = zstdFrameWithoutContentSize(body)
    let noSizeBatch = try RecordBatch(schema: oneColumn, columns: [ColumnVector(.uint32((0..<64).map { UInt32($0 % 5) }))])
    let noSize = assemble(oneColumn, [[HandPage(encoding: 0, codec: 2, rows: 64, body: body, storedBody: frame, statistics: StatisticsBuilder.compute(noSizeBatch.columns[0]))]])
    entries.append(CorpusEntry(name: "zstd-no-content-size", description: "a zstd page whose frame does not record its content size: the page header's uncompressed_size is the only size (§8)", bytes: noSize, schema: oneColumn, rows: jsonRows([noSizeBatch])))
    // Trigram keys in a domain column's filter (contents 1 | 4 | 8).
    let domains = try Schema([Field("domain", .string, hint: .domain)])
    let names = ["login.PayPal-secure.example", "cdn.acme.example", "mail.acme.example", "x.io"]
    let domainBatch = try RecordBatch(schema: domains, columns: [ColumnVector(.string(VarBytes(names)))])
    let trigramFile = try writeFile(domains, [domainBatch]) { $0.compression = .none; $0.trigramColumns = ["domain"] }
    var trigramEntry = CorpusEntry(name: "bloom-trigrams", description: "a domain column whose bloom filter holds values, suffixes and trigrams (contents 13): every 3-byte window, ASCII letters lowercased, hashed as FF and the 3 bytes", bytes: trigramFile, schema: domains, rows: jsonRows([domainBatch]))
    func trigramKey(_ s: String) -> String { "ff" + hex(Array(s.utf8)) }
    trigramEntry.bloomProbes = [(0, "domain", trigramKey("pay"), true), (0, "domain", trigramKey("ypa"), true), (0, "domain", trigramKey("acm"), true),
                                (0, "domain", trigramKey("x.i"), true), (0, "domain", hex(Array(".example".utf8)), true), (0, "domain", hex(Array("x.io".utf8)), true),
                                (0, "domain", trigramKey("zqj"), false), (0, "domain", trigramKey("Pay"), false)]
    entries.append(trigramEntry)
    // Fine network prefixes in IP columns' filters (contents 1 | 2 | 16): IPv4 /12 and /20,
    // IPv6 /40 and /56, and the IPv4 /12 and /20 of mapped values (/108, /116).
    let addresses = try Schema([Field("v4", .ipv4, nullable: false), Field("v6", .ipv6, nullable: false)])
    let v4: [UInt32] = [0x0A01_0203, 0x0A14_1E28, 0xC0A8_C809]   // 10.1.2.3, 10.20.30.40, 192.168.200.9
    let v6 = [ip("2001:db8:1234:5678::1"), IPv6Address(mapping: 0x0A01_0203), ip("fe80::1")]
    let addressBatch = try RecordBatch(schema: addresses, columns: [ColumnVector(.ipv4(v4)), ColumnVector(.ipv6(v6))])
    let fineFile = try writeFile(addresses, [addressBatch]) { $0.compression = .none; $0.finePrefixColumns = nil }
    var fineEntry = CorpusEntry(name: "bloom-fine-prefixes", description: "IP columns whose bloom filters hold values, network prefixes and fine network prefixes (contents 19, §7.6): IPv4 /8, /12, /16, /20, /24; IPv6 /32, /40, /48, /56, /64; IPv4-mapped /104, /108, /112, /116, /120", bytes: fineFile, schema: addresses, rows: jsonRows([addressBatch]))
    func v4Key(_ a: UInt32, _ length: Int) -> String { hex(le32(a & ~((1 << UInt32(32 - length)) &- 1)) + [UInt8(length)]) }
    func v6Key(_ a: IPv6Address, _ length: Int) -> String {
        let m = BloomKeys.mask(a, length)
        return hex(withUnsafeBytes(of: (m.high.bigEndian, m.low.bigEndian)) { Array($0) } + [UInt8(length)])
    }
    fineEntry.bloomProbes = [(0, "v4", v4Key(v4[0], 20), true), (0, "v4", v4Key(v4[1], 12), true), (0, "v4", v4Key(v4[2], 20), true),
                             (0, "v4", v4Key(v4[0], 16), true), (0, "v4", v4Key(0x0A01_1000, 20), false), (0, "v4", v4Key(0x0A30_0000, 12), false),
                             (0, "v6", v6Key(v6[0], 40), true), (0, "v6", v6Key(v6[0], 56), true), (0, "v6", v6Key(v6[1], 116), true),
                             (0, "v6", v6Key(v6[1], 108), true), (0, "v6", v6Key(ip("2001:db8:1234:5700::"), 56), false),
                             (0, "v6", v6Key(IPv6Address(mapping: 0x0A01_1000), 116), false)]
    entries.append(fineEntry)
    return entries
}
