import ArgumentParser
import SiftPlatform
import SiftFormat

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a Sift file's schema, row groups, encodings, codecs, sizes and statistics.",
        discussion: """
        Reads only the footer (two range reads). With --pages, lists every page with its \
        encoding, size and zone map (min, max, nulls). With --json, prints one JSON object.

        Examples:
          sift inspect conn.sift
          sift inspect conn.sift --pages
        """
    )

    @Argument(help: "The Sift file.")
    var file: String

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Flag(name: .long, help: "List every page (zone maps) too.")
    var pages = false

    func run() throws {
        let reader = try SiftReader(path: file)
        let m = reader.metadata
        if json {
            print(try jsonObject(reader).text(pretty: true))
            return
        }
        var out = ""
        out += "file: \(file) (\(reader.source.size) bytes, \(formatBytes(reader.source.size)))\n"
        out += "format: \(FileLayout.majorVersion).\(m.minorVersion), created by \(m.createdBy); footer \(reader.footerLength) bytes\n"
        out += "rows: \(m.rowCount) in \(m.rowGroups.count) row group\(m.rowGroups.count == 1 ? "" : "s")\n"
        for (k, v) in m.keyValues { out += "metadata: \(k) = \(v)\n" }
        out += "\nschema:\n"
        out += renderTable(header: ["column", "type", "nullable", "hint"], rows: m.schema.fields.map {
            [$0.name, $0.type.name, $0.nullable ? "yes" : "no", $0.hint == .none ? "" : $0.hint.name]
        }).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        // Totals per column across row groups.
        out += "\ncolumns (all row groups):\n"
        var rows: [[String]] = []
        for (c, field) in m.schema.fields.enumerated() {
            var stored: UInt64 = 0, raw: UInt64 = 0, nulls: UInt64 = 0, pageCount = 0
            var encodings: [String: Int] = [:]
            var codecs = Set<String>()
            var stats: Statistics?
            for (gi, g) in m.rowGroups.enumerated() {
                var chunk = g.columns[c]
                chunk.pages = try reader.pages(rowGroup: gi, column: c)
                stored += chunk.length
                raw += chunk.uncompressedLength
                nulls += chunk.statistics.nullCount
                pageCount += chunk.pages.count
                for p in chunk.pages { encodings[p.encoding.description, default: 0] += 1; codecs.insert(p.codec.description) }
                stats = stats.map { merge($0, chunk.statistics, field.type) } ?? chunk.statistics
            }
            let enc = encodings.sorted { $0.value > $1.value }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            rows.append([field.name, enc, codecs.sorted().joined(separator: ","), "\(pageCount)", formatBytes(stored), formatBytes(raw),
                         "\(nulls)", bound(stats?.min, stats?.minExact ?? true, field.type), bound(stats?.max, stats?.maxExact ?? true, field.type)])
        }
        out += renderTable(header: ["column", "encodings (pages)", "codec", "pages", "stored", "uncompressed", "nulls", "min", "max"], rows: rows)
            .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        let bloomRows = m.rowGroups.enumerated().flatMap { g, group in
            group.columns.enumerated().compactMap { c, chunk -> [String]? in
                guard let b = chunk.bloomFilter else { return nil }
                var contents: [String] = []
                if b.contents.contains(.values) { contents.append("values") }
                if b.contents.contains(.networkPrefixes) { contents.append("prefixes") }
                if b.contents.contains(.fineNetworkPrefixes) { contents.append("fine-prefixes") }
                if b.contents.contains(.domainSuffixes) { contents.append("suffixes") }
                if b.contents.contains(.trigrams) { contents.append("trigrams") }
                return ["\(g)", m.schema.fields[c].name, formatBytes(UInt64(b.length)), "\(b.keyCount)", chunk.statistics.distinctCount.map { "\($0)" } ?? "-",
                        contents.joined(separator: "+"), printfText("%.3f%%", Double(b.targetFPPPerMillion) / 10_000), printfText("%.3f%%", b.expectedFPP * 100)]
            }
        }
        if !bloomRows.isEmpty {
            out += "\nbloom filters:\n"
            out += renderTable(header: ["row group", "column", "bytes", "keys", "distinct values", "holds", "target fpp", "expected fpp"], rows: bloomRows)
                .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        let pageBloomRows = m.rowGroups.enumerated().flatMap { g, group in
            group.columns.enumerated().compactMap { c, chunk -> [String]? in
                guard let b = chunk.pageBloomFilters else { return nil }
                let pages = Int(chunk.pageIndex?.pageCount ?? 0)
                return ["\(g)", m.schema.fields[c].name, "\(pages)", formatBytes(UInt64(b.length)), "\(b.blocksPerPage)", "\(b.maxKeyCount)",
                        printfText("%.3f%%", Double(b.targetFPPPerMillion) / 10_000)]
            }
        }
        if !pageBloomRows.isEmpty {
            out += "\npage bloom filters (one per page, format 1.1):\n"
            out += renderTable(header: ["row group", "column", "pages", "bytes", "blocks a page", "most keys in a page", "target fpp"], rows: pageBloomRows)
                .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        for (g, group) in m.rowGroups.enumerated() {
            out += "\nrow group \(g): \(group.rowCount) rows, \(formatBytes(group.columns.reduce(0) { $0 + $1.length }))\n"
            var rows: [[String]] = []
            for (c, footerChunk) in group.columns.enumerated() {
                var chunk = footerChunk
                chunk.pages = try reader.pages(rowGroup: g, column: c)
                let field = m.schema.fields[c]
                rows.append([field.name, "@\(chunk.offset)", "\(chunk.pages.count)", "\(chunk.length)", "\(chunk.statistics.nullCount)",
                             bound(chunk.statistics.min, chunk.statistics.minExact, field.type), bound(chunk.statistics.max, chunk.statistics.maxExact, field.type)])
                if pages {
                    for (p, page) in chunk.pages.enumerated() {
                        rows.append(["  page \(p)", "@\(page.offset)", "\(page.rowCount) rows \(page.encoding)/\(page.codec)", "\(page.length)", "\(page.statistics.nullCount)",
                                     bound(page.statistics.min, page.statistics.minExact, field.type), bound(page.statistics.max, page.statistics.maxExact, field.type)])
                    }
                }
            }
            out += renderTable(header: ["column", "offset", "pages", "bytes", "nulls", "min", "max"], rows: rows)
                .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        print(out, terminator: "")
    }

    func merge(_ a: Statistics, _ b: Statistics, _ type: ColumnType) -> Statistics {
        var out = a
        out.nullCount += b.nullCount
        if let bm = b.min, out.min.map({ ValueOrder.compare(bm, $0, type: type) < 0 }) ?? true { out.min = bm; out.minExact = b.minExact }
        if let bm = b.max, out.max.map({ ValueOrder.compare(bm, $0, type: type) > 0 }) ?? true { out.max = bm; out.maxExact = b.maxExact }
        return out
    }

    func bound(_ bytes: [UInt8]?, _ exact: Bool, _ type: ColumnType) -> String {
        guard let bytes else { return "-" }
        var text = StatisticsText.format(bytes, type: type)
        if text.count > 40 { text = String(text.prefix(37)) + "..." }
        return exact ? text : text + " (inexact)"
    }

    func statsJSON(_ s: Statistics, _ type: ColumnType) -> JSONValue {
        var o: [String: JSONValue] = ["null_count": .int(s.nullCount)]
        if let min = s.min { o["min"] = .string(StatisticsText.format(min, type: type)); o["min_exact"] = .bool(s.minExact) }
        if let max = s.max { o["max"] = .string(StatisticsText.format(max, type: type)); o["max_exact"] = .bool(s.maxExact) }
        if let d = s.distinctCount { o["distinct_count"] = .int(d) }
        return .object(o)
    }

    func jsonObject(_ reader: SiftReader) throws -> JSONValue {
        var m = reader.metadata
        for g in m.rowGroups.indices {
            for c in m.rowGroups[g].columns.indices { m.rowGroups[g].columns[c].pages = try reader.pages(rowGroup: g, column: c) }
        }
        func bloom(_ b: BloomFilterLocation) -> JSONValue {
            .object(["offset": .int(b.offset), "length": .int(b.length), "key_count": .int(b.keyCount),
                     "target_fpp": .number(Double(b.targetFPPPerMillion) / 1_000_000), "expected_fpp": .number(b.expectedFPP),
                     "contents": .int(b.contents.rawValue)])
        }
        func page(_ p: PageMetadata, _ field: Field) -> JSONValue {
            .object(["offset": .int(p.offset), "length": .int(p.length), "row_count": .int(p.rowCount), "encoding": .string(p.encoding.description),
                     "codec": .string(p.codec.description), "uncompressed_size": .int(p.uncompressedSize),
                     "statistics": statsJSON(p.statistics, field.type)])
        }
        func chunk(_ field: Field, _ chunk: ColumnChunkMetadata) -> JSONValue {
            .object(["name": .string(field.name), "offset": .int(chunk.offset), "length": .int(chunk.length),
                     "uncompressed_length": .int(chunk.uncompressedLength),
                     "statistics": statsJSON(chunk.statistics, field.type),
                     "bloom_filter": chunk.bloomFilter.map(bloom) ?? .null,
                     "page_bloom_filters": chunk.pageBloomFilters.map { b in
                         .object(["offset": .int(b.offset), "length": .int(b.length), "blocks_per_page": .int(b.blocksPerPage),
                                  "max_key_count": .int(b.maxKeyCount), "target_fpp": .number(Double(b.targetFPPPerMillion) / 1_000_000),
                                  "contents": .int(b.contents.rawValue)])
                     } ?? .null,
                     "pages": .array(chunk.pages.map { page($0, field) })])
        }
        return .object([
            "file": .string(file),
            "size": .int(reader.source.size),
            "format_version": .string("\(FileLayout.majorVersion).\(m.minorVersion)"),
            "created_by": .string(m.createdBy),
            "footer_length": .int(reader.footerLength),
            "row_count": .int(m.rowCount),
            "metadata": .object(Dictionary(m.keyValues, uniquingKeysWith: { $1 }).mapValues { .string($0) }),
            "schema": .array(m.schema.fields.map {
                .object(["name": .string($0.name), "type": .string($0.type.name), "nullable": .bool($0.nullable), "hint": .string($0.hint.name)])
            }),
            "row_groups": .array(m.rowGroups.map { g in
                .object(["row_count": .int(g.rowCount), "columns": .array(zip(m.schema.fields, g.columns).map(chunk))])
            }),
        ])
    }
}
