/// What `verify()` checked.
public struct VerifyReport: Sendable {
    /// Row groups checked.
    public var rowGroups = 0
    /// Pages decoded and checked.
    public var pages = 0
    /// Rows decoded.
    public var rows: UInt64 = 0
    /// Bytes read.
    public var bytes: UInt64 = 0
}

extension SiftReader {
    /// Checks every structural rule and checksum of the file (`spec/format.md` §12): the header,
    /// the footer (already checked on open), and every page: header, checksum, decompression,
    /// values, and that its statistics match its values. Throws the first problem found.
    public func verify() throws(FormatError) -> VerifyReport {
        let name = source.name
        let head = try source.read(offset: 0, length: FileLayout.headerSize)
        guard Array(head[0..<4]) == FileLayout.magic else {
            throw FormatError(.badMagic, "not a Sift file: it does not start with \"SIFT\"", file: name, offset: 0)
        }
        guard head[4] == FileLayout.majorVersion, head[5] == metadata.minorVersion else {
            throw FormatError(.unsupportedVersion, "header says version \(head[4]).\(head[5]), the trailer \(FileLayout.majorVersion).\(metadata.minorVersion)", file: name, offset: 4)
        }
        guard head[6] == 0, head[7] == 0 else {
            throw FormatError(.malformedFooter, "reserved header bytes are not zero", file: name, offset: 6)
        }
        var report = VerifyReport(rowGroups: metadata.rowGroups.count, rows: metadata.rowCount, bytes: source.size)
        for (g, group) in metadata.rowGroups.enumerated() {
            for (c, footerChunk) in group.columns.enumerated() {
                var chunk = footerChunk
                chunk.pages = try pages(rowGroup: g, column: c)
                let field = schema.fields[c]
                let bytes: [UInt8]
                do { bytes = try source.read(offset: chunk.offset, length: Int(chunk.length)) } catch {
                    throw error.located(file: name, rowGroup: g, column: field.name)
                }
                var merged: Statistics?
                // Kept only for chunks with a bloom filter, whose keys are checked below.
                var values = chunk.bloomFilter == nil ? nil : ColumnVector.empty(field.type)
                let pageFilters = try pageBloomFilters(rowGroup: g, column: c)
                let pagesBefore = report.pages
                for page in chunk.pages {
                    let start = Int(page.offset - chunk.offset)
                    do throws(FormatError) {
                        let pageValues = try PageDecoder.decode(bytes, start..<(start + Int(page.length)), base: chunk.offset, expected: page, field: field)
                        let stats = StatisticsBuilder.compute(pageValues)
                        guard stats == Statistics(nullCount: page.statistics.nullCount, min: page.statistics.min, max: page.statistics.max, minExact: page.statistics.minExact, maxExact: page.statistics.maxExact) else {
                            throw FormatError(.invalidValue, "page statistics in the footer do not match the page's values", offset: page.offset)
                        }
                        merged = merged.map { $0.merged(with: stats, type: field.type) } ?? stats
                        values?.append(contentsOf: pageValues)
                        // Every key of the page's values must be in its page filter (§7.7).
                        if let pageFilters {
                            let p = report.pages - pagesBefore
                            let keys = BloomKeys.hashes(pageValues, field: field, contents: pageFilters.contents).keys
                            if let missing = keys.first(where: { !pageFilters.mightContain(page: p, hash: $0) }) {
                                throw FormatError(.invalidValue, "page \(p)'s bloom filter lacks key \(hex64(missing)) of its values", offset: chunk.pageBloomFilters!.offset)
                            }
                        }
                    } catch { throw error.located(file: name, rowGroup: g, column: field.name) }
                    report.pages += 1
                }
                if let location = chunk.bloomFilter, let filter = try bloomFilter(rowGroup: g, column: c) {
                    // The segment checksums must match too: probes read segments alone.
                    let sums = try source.read(offset: location.offset + UInt64(location.length), length: 8 * location.segmentCount)
                    if sums != BloomFilter.segmentChecksums(filter.bytes) && checksumsEnforced {
                        throw FormatError(.bloomChecksumMismatch, "bloom filter segment checksums do not match its blocks", file: name, offset: location.offset + UInt64(location.length), rowGroup: g, column: field.name)
                    }
                    // Every key of every value must be in the filter, or it would hide rows. The
                    // pages decoded above are reused rather than read a second time.
                    let (keys, _, trigrams) = BloomKeys.hashes(values ?? ColumnVector.empty(field.type), field: field, contents: location.contents)
                    if let missing = (keys + trigrams).first(where: { !filter.mightContain(hash: $0) }) {
                        throw FormatError(.invalidValue, "bloom filter lacks key \(hex64(missing)) of the chunk's values", file: name, offset: chunk.bloomFilter!.offset, rowGroup: g, column: field.name)
                    }
                }
                var chunkStats = chunk.statistics
                chunkStats.distinctCount = nil
                if let merged, merged != chunkStats {
                    throw FormatError(.invalidValue, "column chunk statistics do not match its pages", file: name, offset: chunk.offset, rowGroup: g, column: field.name)
                }
            }
        }
        return report
    }
}
