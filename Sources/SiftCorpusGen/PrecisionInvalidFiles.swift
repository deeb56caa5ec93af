import CZstd
import Foundation
import SiftFormat

// Invalid files for what `spec/format.md` settles but the first corpus never tested: the
// schema rules, the header against the trailer, statistics (their form on open, their
// agreement with the values in verify, for every type), wire-format rules (duplicates, wrong
// wire types, required fields), codec edge cases, overruns inside a page, and files with two
// faults where the order of §13 decides which code is reported.
func precisionInvalidEntries() throws -> [CorpusEntry] {
    var entries: [CorpusEntry] = []
    func add(_ name: String, _ code: String, _ foundBy: String, _ description: String, _ bytes: [UInt8]) {
        var e = CorpusEntry(name: name, description: description, bytes: bytes, error: code)
        e.foundBy = foundBy
        entries.append(e)
    }
    let two = try Schema([Field("a", .uint32, nullable: false), Field("b", .uint32, nullable: false)])
    let twoBatch = try RecordBatch(schema: two, columns: [ColumnVector(.uint32([1, 2, 3])), ColumnVector(.uint32([4, 5, 6]))])
    let twoFile = try writeFile(two, [twoBatch]) { $0.compression = .none; $0.bloomFilterColumns = [] }
    let one = try Schema([Field("v", .uint32, nullable: false)])
    let oneFile = try writeFile(one, [try RecordBatch(schema: one, columns: [ColumnVector(.uint32([5, 6, 7, 1000]))])]) { $0.compression = .none; $0.bloomFilterColumns = [] }

    // Schema rules (§3, §10.4).
    func renameSecond(_ file: [UInt8], to name: String) -> [UInt8] {
        editFooter(file) { f in f.edit(1, nth: 1) { c in c.fields[0] = WireMessage.Entry(number: 1, value: .bytes(Array(name.utf8))) } }
    }
    add("schema-duplicate-name", "invalid_schema", "open", "two columns named a", renameSecond(twoFile, to: "a"))
    add("schema-empty-name", "invalid_schema", "open", "the second column's name is empty", renameSecond(twoFile, to: ""))
    add("schema-hint-on-integer", "invalid_schema", "open", "hint 2 (domain) on a uint32 column", editFooter(twoFile) { f in
        f.edit(1) { c in c.fields.append(WireMessage.Entry(number: 4, value: .varint(2))) }
    })

    // The header against the trailer: only verification reads the header (§13).
    var b = oneFile; b[5] = 1
    add("header-version-mismatch", "unsupported_version", "verify", "the header says version 1.1, the trailer 1.0", b)
    b = oneFile; b[6] = 1
    add("header-reserved", "malformed_footer", "verify", "reserved header byte 6 is 1", b)

    // Wire-format rules of the footer (§10.1).
    add("footer-duplicate-field", "malformed_footer", "open", "the footer's row_count (field 2) appears twice", editFooter(oneFile) { f in
        f.fields.append(WireMessage.Entry(number: 2, value: .varint(4)))
    })
    add("footer-known-field-fixed32", "malformed_footer", "open", "a column's type (field 2) is sent with wire type 5 instead of 0", editFooter(oneFile) { f in
        f.edit(1) { c in c.fields = c.fields.map { $0.number == 2 ? WireMessage.Entry(number: 2, value: .fixed32([4, 0, 0, 0])) : $0 } }
    })
    add("footer-missing-statistics", "malformed_footer", "open", "a column chunk without its REQUIRED statistics (field 3)", editFooter(oneFile) { f in
        f.edit(3) { g in g.edit(2) { c in c.fields.removeAll { $0.number == 3 } } }
    })
    add("footer-missing-row-count", "malformed_footer", "open", "the footer has no row_count (field 2)", editFooter(oneFile) { f in
        f.fields.removeAll { $0.number == 2 }
    })
    add("footer-page-count-over-32-bits", "malformed_footer", "open", "a page index location's page_count is 2^32", editFooter(oneFile) { f in
        f.edit(3) { g in g.edit(2) { c in c.edit(6) { l in l.fields = l.fields.map { $0.number == 3 ? WireMessage.Entry(number: 3, value: .varint(1 << 32)) : $0 } } } }
    })
    add("page-index-missing-statistics", "malformed_footer", "read", "a page entry of the page index without its REQUIRED statistics (field 7)", try editLastPageIndex(oneFile) { index in
        index.edit(1) { page in page.fields.removeAll { $0.number == 7 } }
    })

    // Statistics form, checked on open for chunks and on loading a page index for pages (§7.1).
    func setChunkStatistics(_ file: [UInt8], _ change: @escaping (inout WireMessage) -> Void) -> [UInt8] {
        editFooter(file) { f in f.edit(3) { g in g.edit(2) { c in c.edit(3, change) } } }
    }
    func set(_ m: inout WireMessage, _ number: Int, _ value: WireMessage.Value) {
        m.fields.removeAll { $0.number == number }
        m.fields.append(WireMessage.Entry(number: number, value: value))
    }
    add("statistics-wrong-width", "malformed_footer", "open", "a uint32 chunk's min has 3 bytes", setChunkStatistics(oneFile) { set(&$0, 2, .bytes([5, 0, 0])) })
    add("statistics-min-above-max", "malformed_footer", "open", "a chunk's min (2000) is above its max (1000)", setChunkStatistics(oneFile) { set(&$0, 2, .bytes(le32(2000))) })
    add("statistics-null-count-above-rows", "malformed_footer", "open", "a chunk of 4 rows claims 9 nulls", setChunkStatistics(oneFile) { set(&$0, 1, .varint(9)) })
    add("page-statistics-wrong-width", "malformed_footer", "read", "a page's max in the page index has 5 bytes", try editLastPageIndex(oneFile) { index in
        index.edit(1) { page in page.edit(7) { set(&$0, 3, .bytes([0xE8, 3, 0, 0, 0])) } }
    })

    // Statistics that disagree with the values, for every type: found by verify only.
    for type in ColumnType.allCases {
        let schema = try Schema([Field("v", type, nullable: false)])
        let values: ColumnVector.Values = switch type {
        case .bool: .bool([false, false, false])
        case .int32: .int32([-5, 0, 7])
        case .int64: .int64([-5, 0, 7])
        case .uint16: .uint16([1, 2, 7])
        case .uint32: .uint32([1, 2, 7])
        case .float64: .float64([-1.5, 0.25, 7])
        case .timestamp: .timestamp([1_000_000, 2_000_000, 7_000_000])
        case .ipv4: .ipv4([0x0A00_0001, 0x0A00_0002, 0x0A00_0007])
        case .ipv6: .ipv6([IPv6Address(high: 0x2001_0DB8_0000_0000, low: 1), IPv6Address(high: 0x2001_0DB8_0000_0000, low: 7)] + [IPv6Address(high: 0x2001_0DB8_0000_0000, low: 2)])
        case .string: .string(VarBytes(["alpha", "beta", "gamma"]))
        case .binary: .binary(VarBytes(["alpha", "beta", "gamma"]))
        }
        let file = try writeFile(schema, [try RecordBatch(schema: schema, columns: [ColumnVector(values)])]) { $0.compression = .none; $0.bloomFilterColumns = [] }
        // A larger maximum of the same width, still a valid bound: only the values show it is wrong.
        let stats = try SiftReader(source: MemorySource(file)).metadata.rowGroups[0].columns[0].statistics
        var wider = stats.max!
        switch type {
        case .string, .binary: wider.append(0x7A)
        case .ipv6: wider[15] &+= 1
        case .float64: wider = withUnsafeBytes(of: Double(8).bitPattern.littleEndian) { Array($0) }
        default: wider[0] &+= 1
        }
        let pageWrong = try editLastPageIndex(file) { index in index.edit(1) { page in page.edit(7) { set(&$0, 3, .bytes(wider)) } } }
        add("statistics-disagree-page-\(type.name)", "invalid_value", "verify", "the page's max in the page index is above every \(type.name) value of the page (statistics form valid)", pageWrong)
    }
    let chunkWrong = setChunkStatistics(oneFile) { set(&$0, 3, .bytes(le32(1001))) }
    add("statistics-disagree-chunk", "invalid_value", "verify", "the chunk's max (1001) is not the merge of its pages' (1000)", chunkWrong)

    // Codecs (§8).
    let body = (0..<16).flatMap { le32(UInt32($0)) }
    let frame = Compressor.compress(body, Compression(.zstd, level: 3))
    func zstdPage(_ stored: [UInt8]) -> [UInt8] { assemble(one, [[HandPage(encoding: 0, codec: 2, rows: 16, body: body, storedBody: stored)]]) }
    add("zstd-trailing-bytes", "decompression_failed", "read", "three bytes follow the zstd frame in the stored body", zstdPage(frame + [1, 2, 3]))
    let half = Compressor.compress(Array(body[0..<32]), Compression(.zstd, level: 3)) + Compressor.compress(Array(body[32...]), Compression(.zstd, level: 3))
    add("zstd-two-frames", "decompression_failed", "read", "two zstd frames that together hold the body", zstdPage(half))
    let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18] + le32(4) + [0, 0, 0, 0]
    add("zstd-skippable-frame", "decompression_failed", "read", "a skippable zstd frame before the data frame", zstdPage(skippable + frame))
    add("zstd-content-size-differs", "page_size_mismatch", "read", "the zstd frame records 64 bytes, the page header declares 60", assemble(one, [[HandPage(encoding: 0, codec: 2, rows: 15, body: Array(body[0..<60]), storedBody: frame)]]))
    add("codec-none-size-differs", "page_size_mismatch", "read", "codec none with 64 stored bytes and an uncompressed_size of 60", assemble(one, [[HandPage(encoding: 0, codec: 0, rows: 15, body: body, declaredUncompressed: 60)]]))
    let lz = Compressor.compress(body, Compression(.lz4, level: 0))
    add("lz4-output-larger", "decompression_failed", "read", "an LZ4 block of 64 bytes declared as 60", assemble(one, [[HandPage(encoding: 0, codec: 1, rows: 15, body: body, declaredUncompressed: 60, storedBody: lz)]]))
    add("lz4-output-smaller", "page_size_mismatch", "read", "an LZ4 block of 64 bytes declared as 68", assemble(one, [[HandPage(encoding: 0, codec: 1, rows: 17, body: body, declaredUncompressed: 68, storedBody: lz)]]))

    // Overruns inside a page body (§6): bytes a structure needs past the body are truncated_file.
    add("rle-runs-past-body", "truncated_file", "read", "an RLE page declares 3 runs and holds one", assemble(one, [[HandPage(encoding: 4, rows: 4, body: le32(3) + le32(4) + le32(9))]]))
    add("bit-packed-past-body", "truncated_file", "read", "a FOR page of 4 values at width 13 holds 2 of the 7 packed bytes", assemble(one, [[HandPage(encoding: 2, rows: 4, body: le32(80) + [13, 0x6B, 0x01])]]))
    let str = try Schema([Field("s", .string, nullable: false)])
    add("dictionary-entries-past-body", "string_offsets_out_of_bounds", "read", "a string dictionary whose entry offsets reach byte 50 of 3", assemble(str, [[HandPage(encoding: 1, rows: 2, body: le32(2) + le32(0) + le32(1) + le32(50) + Array("abc".utf8) + [1, 0b10])]]))
    add("dictionary-narrow-ipv6-u128-entries", "page_size_mismatch", "read", "a narrow ipv6 DICTIONARY page with a 16-byte entry: narrow entries are u32, so the rest of the entry is left over", assemble(try Schema([Field("a", .ipv6, nullable: false)]), [[HandPage(encoding: 1, flags: 2, rows: 1, body: le32(1) + [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 10, 0, 0, 1] + [0, 0])]]))

    // Two faults: the order of §13 decides the code.
    b = oneFile; b[b.count - 6] = 1; b[footerRange(oneFile).lowerBound + 2] ^= 0x10
    add("two-faults-trailer-reserved-and-footer-checksum", "malformed_footer", "open", "a reserved trailer byte is set and the footer checksum is wrong: step 3 comes before step 5", b)
    b = oneFile; b[0] = 0x58; b[b.count - 8] = 2
    add("two-faults-header-magic-and-major-version", "unsupported_version", "open", "the header says SIFX and the trailer version 2.0: the trailer is read first", b)
    b = oneFile; b[8 + 1] = 9
    add("two-faults-unknown-codec-and-checksum", "unknown_codec", "read", "codec 9 in the first page header, checksum not recomputed: the header is parsed before the checksum", b)
    add("two-faults-schema-and-row-count", "invalid_schema", "open", "two columns named a and a row count of 9 for 3 rows: the schema is checked before the row groups", editFooter(renameSecond(twoFile, to: "a")) { f in
        f.fields = f.fields.map { $0.number == 2 ? WireMessage.Entry(number: 2, value: .varint(9)) : $0 }
    })
    b = assemble(one, [[HandPage(encoding: 0, rows: 4, body: le32(1) + le32(2) + le32(3) + le32(4), declaredStored: 15)]])
    b[8 + 32] ^= 0xFF
    add("two-faults-stored-size-and-checksum", "page_size_mismatch", "read", "the header's stored_size disagrees with the page index and the body is damaged: the size is checked before the checksum", b)
    return entries
}
