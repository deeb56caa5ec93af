/// How a ``SiftWriter`` lays out a file.
public struct WriterOptions: Sendable {
    /// Rows per row group (the unit of parallel reads, footer statistics and bloom filters).
    /// 32,768 rather than 131,072: a rare value's row groups are found by their bloom filters,
    /// then its column is read in each to find the rows, and smaller groups read 4x less of it
    /// (a rare domain on clustered connections: 6.8% -> 2.8% of the table, `BENCHMARKS.md` §11)
    /// for ~3% more bytes of footers and filters.
    public var rowGroupRows = 32_768
    /// Rows per page (the unit of zone maps and of late materialisation). A multiple of 1024
    /// keeps SIMD blocks whole. 2,048 rather than 8,192: a needle reads every column's page around
    /// each matching row, and on clustered files a busy host's rows or a network's touch fewer
    /// bytes with smaller pages (about half, `BENCHMARKS.md` §11) for ~13% more full-scan time.
    public var pageRows = 2048
    /// A page of a string or binary column is cut early once its values pass this many bytes.
    public var pageBytes = 1 << 20
    /// Compression of every column without an entry in ``columnCompression``.
    public var compression = Compression(.zstd, level: 3)
    /// Compression per column name, overriding `compression`.
    public var columnCompression: [String: Compression] = [:]
    /// Forces an encoding for a column, where its type allows it; otherwise the writer picks
    /// the smallest encoding for each page.
    public var columnEncoding: [String: Encoding] = [:]
    /// Columns that get a bloom filter per row group. nil means the default: every ipv4 and
    /// ipv6 column, every string column with hint domain, and every integer column named like a
    /// port (`dst_port`, Zeek's `id.resp_p`): there the filter is the rare-value index that
    /// min/max cannot be, since a rare port sits inside every row group's range.
    public var bloomFilterColumns: Set<String>?
    /// The false-positive rate bloom filters are sized for.
    public var bloomFilterFPP = 0.01
    /// String columns whose bloom filters also hold trigrams (every 3-byte window, lowercased),
    /// so `contains`, `icontains` and `ieq` prune. nil means the default: string columns with
    /// hint domain that get a bloom filter (domain names use few distinct trigrams, so the
    /// filters grow little).
    public var trigramColumns: Set<String>?

    /// IP columns whose bloom filters also hold the network prefixes between /8, /16 and /24
    /// (IPv4 /12 and /20; `spec/format.md` §7.6, contents bit 4), so a /20 search probes its
    /// own key. nil means the default: every IP column that gets a bloom filter.
    public var finePrefixColumns: Set<String>?

    /// Whether `field`'s bloom filter holds fine network prefixes under these options.
    public func wantsFinePrefixes(_ field: Field) -> Bool {
        guard field.type == .ipv4 || field.type == .ipv6 else { return false }
        return finePrefixColumns?.contains(field.name) ?? true
    }

    /// The keys `field`'s filters hold under these options (`spec/format.md` §7.6); without
    /// `trigrams`, what its page filters and the table index hold.
    public func bloomContents(_ field: Field, trigrams: Bool = true) -> BloomKeys.Contents {
        BloomKeys.contents(for: field, trigrams: trigrams && wantsTrigrams(field), finePrefixes: wantsFinePrefixes(field))
    }

    /// Whether `field`'s bloom filter holds trigrams under these options.
    public func wantsTrigrams(_ field: Field) -> Bool {
        guard field.type == .string else { return false }
        if let names = trigramColumns { return names.contains(field.name) }
        return field.hint == .domain
    }

    /// Columns that get a bloom filter per page besides the row group's (`spec/format.md` §7.7,
    /// version 1.1). nil means the default: string columns with hint domain that get a bloom
    /// filter. A rare domain's rows sit in a page or two of each row group its filter admits;
    /// without page filters the needle reads the domain column of every such row group whole
    /// (zone maps cannot bound names), with them only the pages that may hold it.
    public var pageBloomFilterColumns: Set<String>?

    /// Whether `field` gets page bloom filters under these options.
    public func wantsPageBloomFilters(_ field: Field) -> Bool {
        if let names = pageBloomFilterColumns { return names.contains(field.name) }
        return field.type == .string && field.hint == .domain && wantsBloomFilter(field)
    }

    /// Whether `field` gets a bloom filter under these options.
    public func wantsBloomFilter(_ field: Field) -> Bool {
        if let names = bloomFilterColumns { return names.contains(field.name) }
        let name = field.name.lowercased()
        let portLike = [.int32, .int64, .uint16, .uint32].contains(field.type) && (name.hasSuffix("port") || name.hasSuffix("_p"))
        return field.type == .ipv4 || field.type == .ipv6 || (field.type == .string && field.hint == .domain) || portLike
    }

    /// Extra key/value pairs for the footer.
    public var keyValues: [(String, String)] = []
    /// Record each page's distinct non-null count in the page index (`spec/format.md` §7).
    public var pageDistinctCounts = true
    /// Recorded in the footer as the file's writer.
    public var createdBy = "sift \(FileLayout.majorVersion).\(FileLayout.minorVersion)"

    /// The defaults: 128k-row groups, pages of 8k rows, zstd, blooms on IP, domain and port columns.
    public init() {}

    func validate() throws(FormatError) {
        guard rowGroupRows >= 1, rowGroupRows <= FormatLimits.maxRowGroupRows else {
            throw FormatError(.invalidArgument, "row group size \(rowGroupRows) is outside 1...\(FormatLimits.maxRowGroupRows)")
        }
        guard pageRows >= 1, pageRows <= FormatLimits.maxPageRows else {
            throw FormatError(.invalidArgument, "page size \(pageRows) rows is outside 1...\(FormatLimits.maxPageRows)")
        }
        guard bloomFilterFPP > 0, bloomFilterFPP < 0.5 else {
            throw FormatError(.invalidArgument, "bloom filter false-positive rate \(bloomFilterFPP) is outside (0, 0.5)")
        }
        for c in [compression] + Array(columnCompression.values) where c.codec == .zstd && !(1...19).contains(c.level) {
            throw FormatError(.invalidArgument, "zstd level \(c.level) is outside 1...19")
        }
    }
}
