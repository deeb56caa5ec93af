/// How a ``SiftWriter`` lays out a file.
public struct WriterOptions: Sendable {
    /// Rows per row group (the unit of parallel reads and of footer statistics).
    public var rowGroupRows = 131_072
    /// Rows per page (the unit of zone maps). A multiple of 1024 keeps SIMD blocks whole.
    public var pageRows = 8192
    /// A page of a string or binary column is cut early once its values pass this many bytes.
    public var pageBytes = 1 << 20
    /// Compression of every column without an entry in ``columnCompression``.
    public var compression = Compression(.zstd, level: 3)
    public var columnCompression: [String: Compression] = [:]
    /// Forces an encoding for a column, where its type allows it; otherwise the writer picks
    /// the smallest encoding for each page.
    public var columnEncoding: [String: Encoding] = [:]
    /// Extra key/value pairs for the footer.
    public var keyValues: [(String, String)] = []
    public var createdBy = "sift \(FileLayout.majorVersion).\(FileLayout.minorVersion)"

    public init() {}

    func validate() throws(FormatError) {
        guard rowGroupRows >= 1, rowGroupRows <= FormatLimits.maxRowGroupRows else {
            throw FormatError(.invalidArgument, "row group size \(rowGroupRows) is outside 1...\(FormatLimits.maxRowGroupRows)")
        }
        guard pageRows >= 1, pageRows <= FormatLimits.maxPageRows else {
            throw FormatError(.invalidArgument, "page size \(pageRows) rows is outside 1...\(FormatLimits.maxPageRows)")
        }
        for c in [compression] + Array(columnCompression.values) where c.codec == .zstd && !(1...19).contains(c.level) {
            throw FormatError(.invalidArgument, "zstd level \(c.level) is outside 1...19")
        }
    }
}
