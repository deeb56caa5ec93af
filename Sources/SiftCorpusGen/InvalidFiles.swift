import SiftFormat

/// Files every reader must reject, each with the error code of `spec/format.md` §12.
func invalidEntries() throws -> [CorpusEntry] {
    var entries: [CorpusEntry] = []
    // The step of §13 that finds each fault: opening (trailer and footer) and verification
    // (header, bloom filters) are named; the rest are found by a full read.
    let foundOnOpen: Set = ["bad-magic", "bloom-length", "page-bloom-length", "bloom-out-of-bounds", "chunk-out-of-bounds", "footer-checksum", "footer-length-past-file",
                            "footer-truncated-varint", "future-major-version", "row-count-mismatch", "truncated-tiny", "truncated", "unknown-type"]
    let foundByVerify: Set = ["bad-magic-header-only", "bloom-checksum", "bloom-segment-checksum", "page-bloom-checksum"]
    func add(_ name: String, _ code: String, _ description: String, _ bytes: [UInt8]) {
        var entry = CorpusEntry(name: name, description: description, bytes: bytes, error: code)
        entry.foundBy = foundOnOpen.contains(name) ? "open" : foundByVerify.contains(name) ? "verify" : "read"
        entries.append(entry)
    }
    // A small valid base file: one nullable int64 column and one string column, no compression.
    let schema = try Schema([Field("n", .int64), Field("s", .string)])
    let batch = try RecordBatch(schema: schema, columns: [
        ColumnVector(.int64((0..<100).map { Int64($0) * 7 })), ColumnVector(.string(VarBytes((0..<100).map { "v\($0 % 5)" }))),
    ])
    let base = try writeFile(schema, [batch]) { $0.compression = .none; $0.pageRows = 100 }
    let firstPage = FileLayout.headerSize  // the first page header starts right after the file header

    var b = base
    b.replaceSubrange(0..<4, with: Array("PAR1".utf8)); b.replaceSubrange((b.count - 4)..<b.count, with: Array("PAR1".utf8))
    add("bad-magic", "bad_magic", "starts and ends with PAR1 instead of SIFT", b)

    b = base; b.replaceSubrange(0..<4, with: Array("SIFX".utf8))
    add("bad-magic-header-only", "bad_magic", "the trailer is sound but the first four bytes are SIFX (only verification reads the header)", b)

    add("truncated", "truncated_file", "the last 37 bytes are missing", Array(base.dropLast(37)))
    add("truncated-tiny", "truncated_file", "only the first 12 bytes", Array(base.prefix(12)))

    b = base; b.replaceSubrange((b.count - 12)..<(b.count - 8), with: le32(UInt32(b.count)))
    add("footer-length-past-file", "footer_out_of_bounds", "the trailer's footer length is the whole file's size", b)

    b = base; b[firstPage + 32 + 3] ^= 0x01
    add("page-checksum", "page_checksum_mismatch", "one bit flipped inside the first page's body", b)

    b = base; b[footerRange(b).lowerBound + 3] ^= 0x40
    add("footer-checksum", "footer_checksum_mismatch", "one bit flipped inside the footer", b)

    b = base; b[b.count - 8] = 2
    add("future-major-version", "unsupported_version", "the trailer says format version 2.0", b)

    b = base; b[firstPage + 1] = 9; resealPage(&b, at: firstPage)
    add("unknown-codec", "unknown_codec", "the first page header names codec 9 (checksum recomputed)", b)

    b = base; b[firstPage] = 0x77; resealPage(&b, at: firstPage)
    add("unknown-encoding", "unknown_encoding", "the first page header names encoding 0x77 (checksum recomputed)", b)

    b = base; b[firstPage + 2] = 0x80; resealPage(&b, at: firstPage)
    add("reserved-flag", "invalid_page_header", "a reserved flag bit of the first page header is set", b)

    // Unknown column type: patch the type id of the first column inside the footer.
    // The footer begins: 0A <len> 0A 01 'n' 10 <type>.
    b = base; b[footerRange(b).lowerBound + 6] = 99; resealFooter(&b)
    add("unknown-type", "unknown_type", "the first column's type id is 99", b)

    // Footer whose last field's varint runs off the end (checksum valid).
    b = base
    let fr = footerRange(b)
    var footer = Array(b[fr]) + [0x10, 0xFF]
    footer = Array(footer)
    b = Array(b[0..<fr.lowerBound]) + footer + FileLayout.trailer(footerChecksum: Checksum.hash(footer), footerLength: UInt32(footer.count))
    add("footer-truncated-varint", "malformed_footer", "the footer ends inside a varint (checksum valid)", b)

    let one = try Schema([Field("v", .uint32, nullable: false)])
    let oneNullable = try Schema([Field("v", .uint32)])
    let str = try Schema([Field("s", .string, nullable: false)])

    // Dictionary code 3 with a 2-entry dictionary.
    var body = le32(2) + le32(10) + le32(20) + [2] + packed([0, 1, 3, 1], width: 2)
    add("dictionary-index-out-of-range", "dictionary_index_out_of_range", "a 2-entry dictionary and a code of 3", assemble(one, [[HandPage(encoding: 1, rows: 4, body: body)]]))

    body = le32(100) + [40] + packed([1, 2, 3, 4], width: 32) + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    add("bit-width-too-large", "invalid_bit_width", "a frame-of-reference page of uint32 declares a bit width of 40", assemble(one, [[HandPage(encoding: 2, rows: 4, body: body)]]))

    body = le32(1) + le32(2) + le32(3) + le32(4)
    add("page-stored-size-lies", "page_size_mismatch", "the header declares 15 stored bytes, the footer and file give 16", assemble(one, [[HandPage(encoding: 0, rows: 4, body: body, declaredStored: 15)]]))

    add("page-too-short", "truncated_file", "a plain page of 4 uint32 rows holds only 12 value bytes", assemble(one, [[HandPage(encoding: 0, rows: 4, body: le32(1) + le32(2) + le32(3))]]))

    add("page-bytes-left-over", "page_size_mismatch", "a plain page of 4 uint32 rows holds 20 value bytes", assemble(one, [[HandPage(encoding: 0, rows: 4, body: body + le32(5))]]))

    body = le32(0) + le32(3) + le32(200) + le32(9) + Array("abcdefghi".utf8)
    add("string-offsets-out-of-bounds", "string_offsets_out_of_bounds", "the second string ends at byte 200 of 9", assemble(str, [[HandPage(encoding: 0, rows: 3, body: body)]]))

    body = le32(0) + le32(5) + le32(3) + Array("abcde".utf8)
    add("string-offsets-decreasing", "string_offsets_out_of_bounds", "string offsets go 0, 5, 3", assemble(str, [[HandPage(encoding: 0, rows: 2, body: body)]]))

    body = le32(0) + le32(2) + le32(4) + [0x41, 0x42, 0xC3, 0x28]
    add("invalid-utf8", "invalid_utf8", "the second string is C3 28, not UTF-8", assemble(str, [[HandPage(encoding: 0, rows: 2, body: body)]]))

    // Decompression bombs: declared sizes far beyond what the stored bytes could give.
    let tiny = Compressor.compress([UInt8](repeating: 0, count: 64), .zstd)
    add("bomb-declared-size", "limit_exceeded", "a zstd page declares 2 GiB uncompressed (limit 64 MiB)", assemble(one, [[HandPage(encoding: 0, codec: 2, rows: 16, body: [UInt8](repeating: 0, count: 64), declaredUncompressed: 1 << 31, storedBody: tiny)]]))
    let lz = Compressor.compress([UInt8](repeating: 0, count: 64), .lz4)
    add("bomb-lz4-ratio", "limit_exceeded", "an LZ4 page of \(lz.count) stored bytes declares 60 MiB, beyond LZ4's 255x maximum ratio", assemble(one, [[HandPage(encoding: 0, codec: 1, rows: 16, body: [UInt8](repeating: 0, count: 64), declaredUncompressed: 60 << 20, storedBody: lz)]]))

    add("zstd-garbage", "decompression_failed", "a zstd page whose stored bytes are not a zstd frame", assemble(one, [[HandPage(encoding: 0, codec: 2, rows: 4, body: [UInt8](repeating: 1, count: 16), storedBody: Array("not a zstd frame".utf8))]]))

    // Validity bitmap says 2 nulls, header says 1.
    body = [0b0110, 0, 0, 0, 0, 0, 0, 0] + le32(1) + le32(2) + le32(3) + le32(4)
    add("null-count-mismatch", "null_count_mismatch", "the validity bitmap has 2 nulls, the header says 1", assemble(oneNullable, [[HandPage(encoding: 0, flags: 1, rows: 4, nulls: 1, body: body)]]))
    add("validity-on-required", "invalid_page_header", "a validity bitmap on a non-nullable column", assemble(one, [[HandPage(encoding: 0, flags: 1, rows: 4, nulls: 2, body: body)]]))

    add("encoding-not-allowed", "encoding_not_allowed", "a string page claims DELTA encoding", assemble(str, [[HandPage(encoding: 3, rows: 1, body: le32(0) + le32(1) + [0x61])]]))

    body = le32(2) + le32(3) + le32(7) + le32(3) + le32(8)
    add("rle-overrun", "page_size_mismatch", "RLE runs of 3 and 3 for a 4-row page", assemble(one, [[HandPage(encoding: 4, rows: 4, body: body)]]))

    add("row-count-mismatch", "row_count_mismatch", "the footer says 5 rows, the row group holds 4", assemble(one, [[HandPage(encoding: 0, rows: 4, body: le32(1) + le32(2) + le32(3) + le32(4))]], footerRowCount: 5))

    let boolSchema = try Schema([Field("b", .bool, nullable: false)])
    add("bool-rle-value", "invalid_value", "a bool RLE run with the value 2", assemble(boolSchema, [[HandPage(encoding: 4, rows: 4, body: le32(1) + le32(4) + [2])]]))

    // A column chunk placed past the data region: patch the chunk offset in the footer.
    b = assemble(one, [[HandPage(encoding: 0, rows: 1, body: le32(7))]])
    var f = Array(b[footerRange(b)])
    // Find the chunk message: field 2 of the row group, whose first field is 08 <offset=8>.
    if let at = (0..<(f.count - 1)).first(where: { f[$0] == 0x08 && f[$0 + 1] == 0x08 && $0 > 0 && f[$0 - 2] == 0x12 }) {
        f[at + 1] = 0x7F
    }
    b = Array(b[0..<footerRange(b).lowerBound]) + f + FileLayout.trailer(footerChecksum: Checksum.hash(f), footerLength: UInt32(f.count))
    add("chunk-out-of-bounds", "chunk_out_of_bounds", "the column chunk's offset (127) lies past the data region", b)
    // LENGTHS whose lengths add up past the bytes.
    body = le32(3) + [2] + packed([0, 1, 3], width: 2) + Array("abcdefgh".utf8)
    add("lengths-past-end", "string_offsets_out_of_bounds", "LENGTHS of 3, 4 and 6 bytes with only 8 bytes of values", assemble(str, [[HandPage(encoding: 5, rows: 3, body: body)]]))

    // Bloom filters: a flipped bit in the filter, a length that is not whole blocks, a filter
    // placed past the data region.
    let bloomSchema = try Schema([Field("ip", .ipv4, nullable: false)])
    let bloomBatch = try RecordBatch(schema: bloomSchema, columns: [ColumnVector(.ipv4((0..<200).map { 0x0A00_0000 | UInt32($0 * 7) }))])
    let withBloom = try writeFile(bloomSchema, [bloomBatch]) { $0.compression = .none }
    let bloomAt = Int(try SiftReader(source: MemorySource(withBloom)).metadata.rowGroups[0].columns[0].bloomFilter!.offset)
    b = withBloom; b[bloomAt + 5] ^= 0x08
    add("bloom-checksum", "bloom_checksum_mismatch", "one bit flipped inside the bloom filter of column ip", b)
    let bloomLocation = try SiftReader(source: MemorySource(withBloom)).metadata.rowGroups[0].columns[0].bloomFilter!
    b = withBloom; b[Int(bloomLocation.offset) + Int(bloomLocation.length) + 2] ^= 0x01
    add("bloom-segment-checksum", "bloom_checksum_mismatch", "one bit flipped inside the bloom filter's segment checksums", b)
    add("bloom-length", "malformed_footer", "the bloom filter's length (40) is not a multiple of 32", try rewriteFooter(withBloom) { $0.rowGroups[0].columns[0].bloomFilter!.length = 40 })
    add("bloom-out-of-bounds", "chunk_out_of_bounds", "the bloom filter lies past the data region", try rewriteFooter(withBloom) { $0.rowGroups[0].columns[0].bloomFilter!.offset = UInt64(withBloom.count) })

    // Page indexes: a flipped bit, and a footer that promises more pages than the index holds.
    let indexAt = Int(try SiftReader(source: MemorySource(withBloom)).metadata.rowGroups[0].columns[0].pageIndex!.offset)
    b = withBloom; b[indexAt + 3] ^= 0x20
    add("page-index-checksum", "page_index_checksum_mismatch", "one bit flipped inside the page index of column ip", b)
    add("page-index-count", "malformed_footer", "the footer says the page index holds 2 pages; it holds 1", try rewriteFooter(withBloom) { $0.rowGroups[0].columns[0].pageIndex!.pageCount = 2 })

    // Page bloom filters (version 1.1): a flipped bit, and a length that is not pages × blocks.
    let domainSchema = try Schema([Field("d", .string, hint: .domain)])
    let domainBatch = try RecordBatch(schema: domainSchema, columns: [ColumnVector(.string(VarBytes((0..<200).map { "h\($0 % 9).p\($0 / 100).example" })))])
    let withPageBlooms = try writeFile(domainSchema, [domainBatch]) { $0.compression = .none; $0.pageRows = 100; $0.pageBloomFilterColumns = ["d"] }
    let pageBlooms = try SiftReader(source: MemorySource(withPageBlooms)).metadata.rowGroups[0].columns[0].pageBloomFilters!
    b = withPageBlooms; b[Int(pageBlooms.offset) + 9] ^= 0x04
    add("page-bloom-checksum", "bloom_checksum_mismatch", "version 1.1: one bit flipped inside the first block row of the page bloom filters of column d", b)
    add("page-bloom-length", "malformed_footer", "version 1.1: the page bloom filters' length is not a whole number of block rows of 2 pages", try rewriteFooter(withPageBlooms) {
        $0.rowGroups[0].columns[0].pageBloomFilters!.length += 32
    })
    return entries + (try precisionInvalidEntries())
}
