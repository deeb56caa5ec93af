import Foundation
import SiftFormat

/// Writes a file with the library's writer and returns its bytes.
func writeFile(_ schema: Schema, _ batches: [RecordBatch], _ configure: (inout WriterOptions) -> Void = { _ in }) throws -> [UInt8] {
    var options = WriterOptions()
    options.createdBy = "sift-corpus-gen 1.0"
    // The v1 corpus was written before the writer recorded page distinct counts (an optional
    // field); leaving them out keeps those files reproducible byte for byte. The file
    // `page-distinct-counts` has them.
    options.pageDistinctCounts = false
    // Trigram keys in domain columns' filters came later still; `bloom-trigrams` has them.
    options.trigramColumns = []
    // Page bloom filters came with version 1.1; `page-bloom-filters` has them.
    options.pageBloomFilterColumns = []
    // Fine network prefixes (IPv4 /12 and /20) came later still; `bloom-fine-prefixes` has them.
    options.finePrefixColumns = []
    configure(&options)
    let path = NSTemporaryDirectory() + "corpus-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sift"
    let writer = try SiftWriter(path: path, schema: schema, options: options)
    for b in batches { try writer.write(b) }
    try writer.close()
    defer { try? FileManager.default.removeItem(atPath: path) }
    return Array(FileManager.default.contents(atPath: path)!)
}

/// A page built by hand, byte by byte, for files the writer would never produce.
struct HandPage {
    var encoding: UInt8
    var codec: UInt8 = 0
    var flags: UInt8 = 0
    var rows: UInt32
    var nulls: UInt32 = 0
    /// The uncompressed body (validity bitmap and values).
    var body: [UInt8]
    /// Overrides for lying headers.
    var declaredUncompressed: UInt32?
    var declaredStored: UInt32?
    var storedBody: [UInt8]?
    /// The page's zone map (for valid files); by default only its null count.
    var statistics: Statistics?

    func bytes() -> [UInt8] {
        let stored = storedBody ?? body
        var w = ByteWriter()
        w.u8(encoding); w.u8(codec); w.u8(flags); w.u8(0)
        w.le(rows); w.le(nulls)
        w.le(declaredUncompressed ?? UInt32(body.count))
        w.le(declaredStored ?? UInt32(stored.count))
        w.le(UInt32(0))
        let checksum = Checksum.hash(w.bytes, 0..<24, stored, 0..<stored.count)
        w.le(checksum)
        w.raw(stored)
        return w.bytes
    }
}

/// Assembles a one-row-group file around hand-made pages (one array of pages per column).
/// The footer's page entries copy what the headers say, so the header is what is tested.
func assemble(_ schema: Schema, _ columns: [[HandPage]], footerRowCount: UInt64? = nil) -> [UInt8] {
    var out = FileLayout.header()
    var chunks: [ColumnChunkMetadata] = []
    var rows: UInt64 = 0
    // Pages first; their footer entries copy what the headers say.
    for pages in columns {
        let start = UInt64(out.count)
        var metas: [PageMetadata] = []
        rows = 0
        for page in pages {
            let bytes = page.bytes()
            metas.append(PageMetadata(offset: UInt64(out.count), length: UInt32(bytes.count), rowCount: page.rows,
                                      encoding: Encoding(rawValue: page.encoding) ?? .plain, codec: Codec(rawValue: page.codec) ?? .none,
                                      uncompressedSize: page.declaredUncompressed ?? UInt32(page.body.count), statistics: page.statistics ?? Statistics(nullCount: UInt64(page.nulls))))
            out += bytes
            rows += UInt64(page.rows)
        }
        let chunkStatistics = pages.compactMap(\.statistics).isEmpty ? Statistics()
            : metas.dropFirst().reduce(metas[0].statistics) { $0.merged(with: $1.statistics, type: schema.fields[chunks.count].type) }
        chunks.append(ColumnChunkMetadata(offset: start, length: UInt64(out.count) - start, statistics: chunkStatistics, pages: metas))
    }
    // Page indexes after the chunks, as the writer lays them out.
    for c in chunks.indices {
        let index = FooterCodec.encodePageIndex(chunks[c].pages, chunkOffset: chunks[c].offset)
        chunks[c].pageIndex = PageIndexLocation(offset: UInt64(out.count), length: UInt32(index.count), pageCount: UInt32(chunks[c].pages.count), checksum: Checksum.hash(index))
        chunks[c].pages = []
        out += index
    }
    let metadata = FileMetadata(schema: schema, rowCount: footerRowCount ?? rows, rowGroups: columns.isEmpty ? [] : [RowGroupMetadata(rowCount: rows, columns: chunks)],
                                keyValues: [], createdBy: "sift-corpus-gen 1.0", minorVersion: 0)
    let footer = FooterCodec.encode(metadata)
    out += footer
    out += FileLayout.trailer(footerChecksum: Checksum.hash(footer), footerLength: UInt32(footer.count))
    return out
}

/// Where the footer of a well-formed file starts, and its length.
func footerRange(_ bytes: [UInt8]) -> Range<Int> {
    let n = bytes.count
    let length = Int(bytes[n - 12]) | Int(bytes[n - 11]) << 8 | Int(bytes[n - 10]) << 16 | Int(bytes[n - 9]) << 24
    return (n - 20 - length)..<(n - 20)
}

/// Recomputes the trailer's footer checksum after the footer was patched.
func resealFooter(_ bytes: inout [UInt8]) {
    let r = footerRange(bytes)
    let sum = Checksum.hash(Array(bytes[r]))
    for i in 0..<8 { bytes[bytes.count - 20 + i] = UInt8(truncatingIfNeeded: sum >> UInt64(8 * i)) }
}

/// Recomputes the checksum of the page whose header starts at `offset` (no codec, or the body
/// length given by its header).
func resealPage(_ bytes: inout [UInt8], at offset: Int) {
    let stored = Int(bytes[offset + 16]) | Int(bytes[offset + 17]) << 8 | Int(bytes[offset + 18]) << 16 | Int(bytes[offset + 19]) << 24
    let sum = Checksum.hash(bytes, offset..<(offset + 24), bytes, (offset + 32)..<(offset + 32 + stored))
    for i in 0..<8 { bytes[offset + 24 + i] = UInt8(truncatingIfNeeded: sum >> UInt64(8 * i)) }
}

func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> UInt32(8 * $0)) } }

func packed(_ values: [UInt32], width: Int) -> [UInt8] {
    var w = ByteWriter()
    values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &w) }
    return w.bytes
}

/// Re-encodes a well-formed file's footer after `change`, with a valid footer checksum, so the
/// footer decodes and the structural rule under test is what fails.
func rewriteFooter(_ bytes: [UInt8], _ change: (inout FileMetadata) -> Void) throws -> [UInt8] {
    let reader = try SiftReader(source: MemorySource(bytes))
    var metadata = reader.metadata
    change(&metadata)
    let footer = FooterCodec.encode(metadata)
    let start = footerRange(bytes).lowerBound
    return Array(bytes[0..<start]) + footer + FileLayout.trailer(footerChecksum: Checksum.hash(footer), footerLength: UInt32(footer.count), minorVersion: metadata.minorVersion)
}
