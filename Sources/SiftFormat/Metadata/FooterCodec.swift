/// Writes and reads the footer messages of `spec/footer.proto` (`spec/format.md` §10.2).
package enum FooterCodec {
    // MARK: Writing

    package static func encode(_ m: FileMetadata) -> [UInt8] {
        var w = WireWriter()
        for field in m.schema.fields {
            w.message(1) { c in
                c.string(1, field.name)
                c.varint(2, UInt64(field.type.rawValue))
                c.bool(3, field.nullable)
                if field.hint != .none { c.varint(4, UInt64(field.hint.rawValue)) }
            }
        }
        w.varint(2, m.rowCount)
        for group in m.rowGroups {
            w.message(3) { g in
                g.varint(1, group.rowCount)
                for chunk in group.columns {
                    g.message(2) { c in
                        c.varint(1, chunk.offset)
                        c.varint(2, chunk.length)
                        c.message(3) { encodeStatistics(chunk.statistics, &$0) }
                        if let bloom = chunk.bloomFilter {
                            c.message(5) { b in
                                b.varint(1, bloom.offset)
                                b.varint(2, UInt64(bloom.length))
                                b.varint(3, bloom.keyCount)
                                b.varint(4, UInt64(bloom.targetFPPPerMillion))
                                b.varint(5, UInt64(bloom.contents.rawValue))
                                b.varint(6, bloom.checksum)
                            }
                        }
                        if let index = chunk.pageIndex {
                            c.message(6) { i in
                                i.varint(1, index.offset)
                                i.varint(2, UInt64(index.length))
                                i.varint(3, UInt64(index.pageCount))
                                i.varint(4, index.checksum)
                            }
                        }
                        if let blooms = chunk.pageBloomFilters {
                            c.message(7) { b in
                                b.varint(1, blooms.offset)
                                b.varint(2, UInt64(blooms.length))
                                b.varint(3, UInt64(blooms.blocksPerPage))
                                b.varint(4, blooms.maxKeyCount)
                                b.varint(5, UInt64(blooms.targetFPPPerMillion))
                                b.varint(6, UInt64(blooms.contents.rawValue))
                                b.varint(7, blooms.checksum)
                            }
                        }
                    }
                }
            }
        }
        for (key, value) in m.keyValues {
            w.message(4) { kv in
                kv.string(1, key)
                kv.string(2, value)
            }
        }
        w.string(5, m.createdBy)
        return w.out.bytes
    }

    /// A chunk's page index: its pages, offsets relative to the chunk's first byte (§10.5).
    package static func encodePageIndex(_ pages: [PageMetadata], chunkOffset: UInt64) -> [UInt8] {
        var w = WireWriter()
        for page in pages {
            w.message(1) { p in
                p.varint(1, page.offset - chunkOffset)
                p.varint(2, UInt64(page.length))
                p.varint(3, UInt64(page.rowCount))
                p.varint(4, UInt64(page.encoding.rawValue))
                p.varint(5, UInt64(page.codec.rawValue))
                p.varint(6, UInt64(page.uncompressedSize))
                p.message(7) { encodeStatistics(page.statistics, &$0) }
            }
        }
        return w.out.bytes
    }

    /// Decodes a page index read from `base`, checks that its pages tile the chunk and hold
    /// the row group's rows (§10.4), and makes page offsets absolute.
    static func decodePageIndex(_ bytes: [UInt8], base: UInt64, chunk: ColumnChunkMetadata, rowCount: UInt64, type: ColumnType) throws(FormatError) -> [PageMetadata] {
        var r = WireReader(bytes, range: 0..<bytes.count, base: base)
        var pages: [PageMetadata] = []
        while let (n, v) = try r.next() {
            switch (n, v) {
            case (1, .bytes(let range)):
                var page = try decodePage(r.sub(range))
                page.offset = chunk.offset &+ page.offset
                pages.append(page)
            case (1, _): throw FormatError(.malformedFooter, "page index field 1 has the wrong wire type", offset: base)
            default: continue
            }
        }
        guard pages.count == Int(chunk.pageIndex?.pageCount ?? 0) else {
            throw FormatError(.malformedFooter, "page index holds \(pages.count) pages, the footer says \(chunk.pageIndex?.pageCount ?? 0)", offset: base)
        }
        var next = chunk.offset
        var rows: UInt64 = 0
        for page in pages {
            guard page.offset == next, page.length >= UInt32(PageHeader.size) else {
                throw FormatError(.chunkOutOfBounds, "page at \(page.offset) (\(page.length) bytes) does not follow the previous page, which ends at \(next)", offset: base)
            }
            guard page.rowCount >= 1, page.rowCount <= UInt32(FormatLimits.maxPageRows) else {
                throw FormatError(.limitExceeded, "page of \(page.rowCount) rows is outside 1...\(FormatLimits.maxPageRows)", offset: base)
            }
            if let problem = StatisticsForm.problem(page.statistics, type: type, rows: UInt64(page.rowCount)) {
                throw FormatError(.malformedFooter, "statistics of the page at \(page.offset): \(problem)", offset: base)
            }
            next += UInt64(page.length)
            rows += UInt64(page.rowCount)
        }
        guard next == chunk.offset + chunk.length else {
            throw FormatError(.chunkOutOfBounds, "pages cover \(next - chunk.offset) bytes of a \(chunk.length)-byte chunk", offset: base)
        }
        guard rows == rowCount else {
            throw FormatError(.rowCountMismatch, "pages hold \(rows) rows, the row group \(rowCount)", offset: base)
        }
        return pages
    }

    static func encodeStatistics(_ s: Statistics, _ w: inout WireWriter) {
        w.varint(1, s.nullCount)
        if let min = s.min { w.bytes(2, min) }
        if let max = s.max { w.bytes(3, max) }
        if !s.minExact { w.bool(4, true) }
        if !s.maxExact { w.bool(5, true) }
        if let d = s.distinctCount { w.varint(6, d) }
    }

    // MARK: Reading

    /// Decodes and validates a footer. `fileSize` and `footerStart` bound every offset.
    static func decode(_ bytes: [UInt8], base: UInt64, minorVersion: UInt8, footerStart: UInt64) throws(FormatError) -> FileMetadata {
        var r = WireReader(bytes, range: 0..<bytes.count, base: base)
        var fields: [Field] = []
        var rowCount: UInt64?
        var groups: [(RowGroupMetadata, UInt64)] = []
        var keyValues: [(String, String)] = []
        var createdBy = ""
        var seen: UInt64 = 0
        while let (number, value) = try r.next() {
            if number == 2 || number == 5 { try r.once(number, &seen) }
            switch (number, value) {
            case (1, .bytes(let range)): fields.append(try decodeField(r.sub(range)))
            case (2, .varint(let v)): rowCount = v
            case (3, .bytes(let range)): groups.append((try decodeRowGroup(r.sub(range)), r.offset(of: range)))
            case (4, .bytes(let range)):
                var kv = r.sub(range)
                var key = "", val = ""
                var kvSeen: UInt64 = 0
                while let (n, v) = try kv.next() {
                    if n == 1 || n == 2 { try kv.once(n, &kvSeen) }
                    switch (n, v) {
                    case (1, .bytes(let rr)): key = try kv.string(rr, "metadata key")
                    case (2, .bytes(let rr)): val = try kv.string(rr, "metadata value")
                    case (1...2, _): throw FormatError(.malformedFooter, "key/value field \(n) has the wrong wire type", offset: kv.r.fileOffset)
                    default: continue
                    }
                }
                keyValues.append((key, val))
            case (5, .bytes(let range)): createdBy = try r.string(range, "created_by")
            case (1...5, _): throw FormatError(.malformedFooter, "footer field \(number) has the wrong wire type", offset: r.r.fileOffset)
            default: continue  // unknown field: skipped (§10.3)
            }
        }
        guard let rowCount else { throw FormatError(.malformedFooter, "footer has no row_count", offset: base) }
        let schema: Schema
        do { schema = try Schema(fields) } catch { throw error.located(offset: base) }

        // Structural validation (§12): counts add up, chunks and pages lie inside the data region
        // and tile their chunk exactly.
        var total: UInt64 = 0
        for (index, (group, offset)) in groups.enumerated() {
            guard group.columns.count == fields.count else {
                throw FormatError(.malformedFooter, "row group has \(group.columns.count) column chunks; the schema has \(fields.count) columns", offset: offset, rowGroup: index)
            }
            guard group.rowCount <= UInt64(FormatLimits.maxRowGroupRows) else {
                throw FormatError(.limitExceeded, "row group of \(group.rowCount) rows exceeds \(FormatLimits.maxRowGroupRows)", offset: offset, rowGroup: index)
            }
            total &+= group.rowCount
            for (c, chunk) in group.columns.enumerated() {
                let name = fields[c].name
                guard chunk.offset >= UInt64(FileLayout.headerSize), chunk.length <= footerStart, chunk.offset <= footerStart - chunk.length else {
                    throw FormatError(.chunkOutOfBounds, "chunk at \(chunk.offset) of \(chunk.length) bytes lies outside the data region [\(FileLayout.headerSize), \(footerStart))", offset: offset, rowGroup: index, column: name)
                }
                guard let pageIndex = chunk.pageIndex else {
                    throw FormatError(.malformedFooter, "column chunk has no page index", offset: offset, rowGroup: index, column: name)
                }
                guard (pageIndex.pageCount == 0) == (group.rowCount == 0), pageIndex.pageCount <= UInt32(FormatLimits.maxPagesPerChunk) else {
                    throw FormatError(.malformedFooter, "a chunk of \(group.rowCount) rows declares \(pageIndex.pageCount) pages", offset: offset, rowGroup: index, column: name)
                }
                guard pageIndex.offset >= UInt64(FileLayout.headerSize), UInt64(pageIndex.length) <= footerStart, pageIndex.offset <= footerStart - UInt64(pageIndex.length) else {
                    throw FormatError(.chunkOutOfBounds, "page index at \(pageIndex.offset) of \(pageIndex.length) bytes lies outside the data region", offset: offset, rowGroup: index, column: name)
                }
                if let bloom = chunk.bloomFilter {
                    guard bloom.length >= 32, bloom.length % 32 == 0, UInt64(bloom.length) <= UInt64(FormatLimits.maxBloomBytes) else {
                        throw FormatError(.malformedFooter, "bloom filter of \(bloom.length) bytes is not a positive multiple of 32 up to \(FormatLimits.maxBloomBytes)", offset: offset, rowGroup: index, column: name)
                    }
                    guard bloom.offset >= UInt64(FileLayout.headerSize), bloom.storedLength <= footerStart, bloom.offset <= footerStart - bloom.storedLength else {
                        throw FormatError(.chunkOutOfBounds, "bloom filter at \(bloom.offset) of \(bloom.length) bytes lies outside the data region", offset: offset, rowGroup: index, column: name)
                    }
                }
                if let blooms = chunk.pageBloomFilters {
                    let expected = UInt64(blooms.blocksPerPage) * (32 * UInt64(pageIndex.pageCount) + 8)
                    guard blooms.blocksPerPage >= 1, UInt64(blooms.length) == expected, UInt64(blooms.length) <= UInt64(FormatLimits.maxBloomBytes) else {
                        throw FormatError(.malformedFooter, "page bloom filters of \(blooms.length) bytes are not \(blooms.blocksPerPage) block rows (at least 1) of \(pageIndex.pageCount) pages up to \(FormatLimits.maxBloomBytes) bytes", offset: offset, rowGroup: index, column: name)
                    }
                    guard blooms.offset >= UInt64(FileLayout.headerSize), UInt64(blooms.length) <= footerStart, blooms.offset <= footerStart - UInt64(blooms.length) else {
                        throw FormatError(.chunkOutOfBounds, "page bloom filters at \(blooms.offset) of \(blooms.length) bytes lie outside the data region", offset: offset, rowGroup: index, column: name)
                    }
                }
                if let problem = StatisticsForm.problem(chunk.statistics, type: fields[c].type, rows: group.rowCount) {
                    throw FormatError(.malformedFooter, "chunk statistics: \(problem)", offset: offset, rowGroup: index, column: name)
                }
            }
        }
        guard total == rowCount else {
            throw FormatError(.rowCountMismatch, "row groups hold \(total) rows, the footer says \(rowCount)", offset: base)
        }
        return FileMetadata(schema: schema, rowCount: rowCount, rowGroups: groups.map(\.0), keyValues: keyValues, createdBy: createdBy, minorVersion: minorVersion)
    }

    static func decodeField(_ m: WireReader) throws(FormatError) -> Field {
        var m = m
        let start = m.r.fileOffset
        var name: String?
        var typeID: UInt64?
        var nullable = false
        var hintID: UInt64 = 0
        var seen: UInt64 = 0
        while let (n, v) = try m.next() {
            if (1...4).contains(n) { try m.once(n, &seen) }
            switch (n, v) {
            case (1, .bytes(let r)): name = try m.string(r, "column name")
            case (2, .varint(let x)): typeID = x
            case (3, .varint(let x)): nullable = x != 0
            case (4, .varint(let x)): hintID = x
            case (1...4, _): throw FormatError(.malformedFooter, "column field \(n) has the wrong wire type", offset: start)
            default: continue
            }
        }
        guard let name, let typeID else { throw FormatError(.malformedFooter, "column entry lacks a name or a type", offset: start) }
        guard typeID <= 255, let type = ColumnType(rawValue: UInt8(typeID)) else {
            throw FormatError(.unknownType, "unknown column type id \(typeID)", offset: start, column: name)
        }
        // An unknown hint changes nothing about the bytes, so a reader treats it as none (§3.3).
        let hint = hintID <= 255 ? ColumnHint(rawValue: UInt8(hintID)) ?? .none : .none
        return Field(name, type, nullable: nullable, hint: hint)
    }

    static func decodeRowGroup(_ m: WireReader) throws(FormatError) -> RowGroupMetadata {
        var m = m
        var rowCount: UInt64 = 0
        var chunks: [ColumnChunkMetadata] = []
        var seen: UInt64 = 0
        while let (n, v) = try m.next() {
            if n == 1 { try m.once(n, &seen) }
            switch (n, v) {
            case (1, .varint(let x)): rowCount = x
            case (2, .bytes(let r)): chunks.append(try decodeChunk(m.sub(r)))
            case (1...2, _): throw FormatError(.malformedFooter, "row group field \(n) has the wrong wire type", offset: m.r.fileOffset)
            default: continue
            }
        }
        return RowGroupMetadata(rowCount: rowCount, columns: chunks)
    }

    static func decodeChunk(_ m: WireReader) throws(FormatError) -> ColumnChunkMetadata {
        var m = m
        let start = m.r.fileOffset
        var chunk = ColumnChunkMetadata(offset: 0, length: 0, statistics: Statistics(), pages: [])
        var seen: UInt64 = 0
        while let (n, v) = try m.next() {
            if (1...3).contains(n) || (5...7).contains(n) { try m.once(n, &seen) }
            switch (n, v) {
            case (1, .varint(let x)): chunk.offset = x
            case (2, .varint(let x)): chunk.length = x
            case (3, .bytes(let r)): chunk.statistics = try decodeStatistics(m.sub(r))
            case (5, .bytes(let r)): chunk.bloomFilter = try decodeBloom(m.sub(r))
            case (6, .bytes(let r)): chunk.pageIndex = try decodePageIndexLocation(m.sub(r))
            case (7, .bytes(let r)): chunk.pageBloomFilters = try decodePageBlooms(m.sub(r))
            case (1...3, _), (5...7, _): throw FormatError(.malformedFooter, "column chunk field \(n) has the wrong wire type", offset: m.r.fileOffset)
            default: continue
            }
        }
        guard seen & (1 << 3) != 0 else { throw FormatError(.malformedFooter, "column chunk has no statistics", offset: start) }
        return chunk
    }

    static func decodePage(_ m: WireReader) throws(FormatError) -> PageMetadata {
        var m = m
        let start = m.r.fileOffset
        var offset: UInt64 = 0, length: UInt64 = 0, rows: UInt64 = 0, encoding: UInt64 = 0, codec: UInt64 = 0, size: UInt64 = 0
        var stats = Statistics()
        var seen: UInt64 = 0
        while let (n, v) = try m.next() {
            if (1...7).contains(n) { try m.once(n, &seen) }
            switch (n, v) {
            case (1, .varint(let x)): offset = x
            case (2, .varint(let x)): length = x
            case (3, .varint(let x)): rows = x
            case (4, .varint(let x)): encoding = x
            case (5, .varint(let x)): codec = x
            case (6, .varint(let x)): size = x
            case (7, .bytes(let r)): stats = try decodeStatistics(m.sub(r))
            case (1...7, _): throw FormatError(.malformedFooter, "page field \(n) has the wrong wire type", offset: start)
            default: continue
            }
        }
        guard length <= UInt64(UInt32.max), rows <= UInt64(UInt32.max), size <= UInt64(UInt32.max) else {
            throw FormatError(.malformedFooter, "page entry field exceeds 32 bits", offset: start)
        }
        guard seen & (1 << 7) != 0 else { throw FormatError(.malformedFooter, "page entry has no statistics", offset: start) }
        guard encoding <= 255, let enc = Encoding(rawValue: UInt8(encoding)) else {
            throw FormatError(.unknownEncoding, "unknown encoding id \(encoding) in page entry", offset: start)
        }
        guard codec <= 255, let cod = Codec(rawValue: UInt8(codec)) else {
            throw FormatError(.unknownCodec, "unknown codec id \(codec) in page entry", offset: start)
        }
        return PageMetadata(offset: offset, length: UInt32(length), rowCount: UInt32(rows), encoding: enc, codec: cod, uncompressedSize: UInt32(size), statistics: stats)
    }

    static func decodePageIndexLocation(_ m: WireReader) throws(FormatError) -> PageIndexLocation {
        var m = m
        let start = m.r.fileOffset
        var p = PageIndexLocation(offset: 0, length: 0, pageCount: 0, checksum: 0)
        var length: UInt64 = 0, pageCount: UInt64 = 0
        var seen: UInt64 = 0
        while let (n, v) = try m.next() {
            if (1...4).contains(n) { try m.once(n, &seen) }
            switch (n, v) {
            case (1, .varint(let x)): p.offset = x
            case (2, .varint(let x)): length = x
            case (3, .varint(let x)): pageCount = x
            case (4, .varint(let x)): p.checksum = x
            case (1...4, _): throw FormatError(.malformedFooter, "page index location field \(n) has the wrong wire type", offset: start)
            default: continue
            }
        }
        guard length <= UInt64(UInt32.max), pageCount <= UInt64(UInt32.max) else {
            throw FormatError(.malformedFooter, "page index length or page count exceeds 32 bits", offset: start)
        }
        p.length = UInt32(length)
        p.pageCount = UInt32(pageCount)
        return p
    }

    static func decodeBloom(_ m: WireReader) throws(FormatError) -> BloomFilterLocation {
        var m = m
        let start = m.r.fileOffset
        var b = BloomFilterLocation(offset: 0, length: 0, keyCount: 0, targetFPPPerMillion: 0, contents: [], checksum: 0)
        var length: UInt64 = 0
        var seen: UInt64 = 0
        while let (n, v) = try m.next() {
            if (1...6).contains(n) { try m.once(n, &seen) }
            switch (n, v) {
            case (1, .varint(let x)): b.offset = x
            case (2, .varint(let x)): length = x
            case (3, .varint(let x)): b.keyCount = x
            case (4, .varint(let x)): b.targetFPPPerMillion = UInt32(truncatingIfNeeded: min(x, 1_000_000))
            case (5, .varint(let x)): b.contents = BloomKeys.Contents(rawValue: UInt8(truncatingIfNeeded: x & 31))  // bits 5+ ignored (§10.1)
            case (6, .varint(let x)): b.checksum = x
            case (1...6, _): throw FormatError(.malformedFooter, "bloom filter field \(n) has the wrong wire type", offset: start)
            default: continue
            }
        }
        guard length <= UInt64(UInt32.max) else { throw FormatError(.malformedFooter, "bloom filter length exceeds 32 bits", offset: start) }
        b.length = UInt32(length)
        return b
    }

    static func decodePageBlooms(_ m: WireReader) throws(FormatError) -> PageBloomLocation {
        var m = m
        let start = m.r.fileOffset
        var b = PageBloomLocation(offset: 0, length: 0, blocksPerPage: 0, maxKeyCount: 0, targetFPPPerMillion: 0, contents: [], checksum: 0)
        var length: UInt64 = 0, blocks: UInt64 = 0
        var seen: UInt64 = 0
        while let (n, v) = try m.next() {
            if (1...7).contains(n) { try m.once(n, &seen) }
            switch (n, v) {
            case (1, .varint(let x)): b.offset = x
            case (2, .varint(let x)): length = x
            case (3, .varint(let x)): blocks = x
            case (4, .varint(let x)): b.maxKeyCount = x
            case (5, .varint(let x)): b.targetFPPPerMillion = UInt32(truncatingIfNeeded: min(x, 1_000_000))
            case (6, .varint(let x)): b.contents = BloomKeys.Contents(rawValue: UInt8(truncatingIfNeeded: x & 31))  // bits 5+ ignored (§10.1)
            case (7, .varint(let x)): b.checksum = x
            case (1...7, _): throw FormatError(.malformedFooter, "page bloom filters field \(n) has the wrong wire type", offset: start)
            default: continue
            }
        }
        guard length <= UInt64(UInt32.max), blocks <= UInt64(UInt32.max) else {
            throw FormatError(.malformedFooter, "page bloom filters length or blocks per page exceed 32 bits", offset: start)
        }
        b.length = UInt32(length)
        b.blocksPerPage = UInt32(blocks)
        return b
    }

    static func decodeStatistics(_ m: WireReader) throws(FormatError) -> Statistics {
        var m = m
        var s = Statistics()
        var seen: UInt64 = 0
        while let (n, v) = try m.next() {
            if (1...6).contains(n) { try m.once(n, &seen) }
            switch (n, v) {
            case (1, .varint(let x)): s.nullCount = x
            case (2, .bytes(let r)): s.min = Array(m.r.bytes[r])
            case (3, .bytes(let r)): s.max = Array(m.r.bytes[r])
            case (4, .varint(let x)): s.minExact = x == 0
            case (5, .varint(let x)): s.maxExact = x == 0
            case (6, .varint(let x)): s.distinctCount = x
            case (1...6, _): throw FormatError(.malformedFooter, "statistics field \(n) has the wrong wire type", offset: m.r.fileOffset)
            default: continue
            }
        }
        return s
    }
}
