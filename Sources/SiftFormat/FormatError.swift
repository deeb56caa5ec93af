/// The one error type of the format layer.
///
/// Every error names what is wrong (``code``, a stable identifier also used by the conformance
/// corpus) and where: the file, the byte offset, the row group and the column, whichever are known.
///
/// ```swift
/// do { _ = try SiftReader(path: "x.sift") }
/// catch let error as FormatError where error.code == .badMagic { ... }
/// ```
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A closed set of error conditions; raw values are the identifiers of `spec/format.md` §12.
    public enum Code: String, Sendable, CaseIterable {
        case badMagic = "bad_magic"
        case truncatedFile = "truncated_file"
        case unsupportedVersion = "unsupported_version"
        case footerOutOfBounds = "footer_out_of_bounds"
        case footerChecksumMismatch = "footer_checksum_mismatch"
        case malformedFooter = "malformed_footer"
        case unknownType = "unknown_type"
        case invalidSchema = "invalid_schema"
        case chunkOutOfBounds = "chunk_out_of_bounds"
        case pageChecksumMismatch = "page_checksum_mismatch"
        case bloomChecksumMismatch = "bloom_checksum_mismatch"
        case pageIndexChecksumMismatch = "page_index_checksum_mismatch"
        case invalidPageHeader = "invalid_page_header"
        case unknownCodec = "unknown_codec"
        case unknownEncoding = "unknown_encoding"
        case encodingNotAllowed = "encoding_not_allowed"
        case pageSizeMismatch = "page_size_mismatch"
        case decompressionFailed = "decompression_failed"
        case limitExceeded = "limit_exceeded"
        case invalidBitWidth = "invalid_bit_width"
        case dictionaryIndexOutOfRange = "dictionary_index_out_of_range"
        case stringOffsetsOutOfBounds = "string_offsets_out_of_bounds"
        case invalidUTF8 = "invalid_utf8"
        case nullCountMismatch = "null_count_mismatch"
        case rowCountMismatch = "row_count_mismatch"
        case invalidValue = "invalid_value"
        case io = "io_error"
        case invalidArgument = "invalid_argument"
    }

    /// What went wrong, as a stable code from the spec.
    public var code: Code
    /// What went wrong, for a person.
    public var message: String
    /// The file's path or name, when the error came from reading one.
    public var file: String?
    /// Absolute byte offset in the file where the problem was found.
    public var offset: UInt64?
    /// The row group being read, when known.
    public var rowGroup: Int?
    /// The column being read, when known.
    public var column: String?

    /// An error with its code, message and whatever location is known.
    public init(
        _ code: Code, _ message: String, file: String? = nil, offset: UInt64? = nil,
        rowGroup: Int? = nil, column: String? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.rowGroup = rowGroup
        self.column = column
    }

    /// Returns a copy with missing location fields filled in from the given context.
    package func located(
        file: String? = nil, offset: UInt64? = nil, rowGroup: Int? = nil, column: String? = nil
    ) -> FormatError {
        var copy = self
        if copy.file == nil { copy.file = file }
        if copy.offset == nil { copy.offset = offset }
        if copy.rowGroup == nil { copy.rowGroup = rowGroup }
        if copy.column == nil { copy.column = column }
        return copy
    }

    public var description: String {
        var location: [String] = []
        if let file { location.append(file) }
        if let offset { location.append("offset \(offset)") }
        if let rowGroup { location.append("row group \(rowGroup)") }
        if let column { location.append("column '\(column)'") }
        let prefix = location.isEmpty ? "" : location.joined(separator: ", ") + ": "
        return "\(prefix)\(message) [\(code.rawValue)]"
    }
}
