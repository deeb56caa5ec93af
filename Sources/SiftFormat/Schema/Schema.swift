/// One column of a flat schema.
public struct Field: Sendable, Equatable {
    /// The column's name (unique in a schema).
    public var name: String
    /// The column's type.
    public var type: ColumnType
    /// Whether rows may be null.
    public var nullable: Bool
    /// What a string or IP column holds (domain, IP, JSON): decides bloom filter keys and clustering.
    public var hint: ColumnHint

    /// A field.
    public init(_ name: String, _ type: ColumnType, nullable: Bool = true, hint: ColumnHint = .none) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.hint = hint
    }
}

/// A flat list of uniquely named columns.
public struct Schema: Sendable, Equatable {
    /// The columns, in order.
    public var fields: [Field]

    /// Creates a schema, checking names are unique, non-empty and within the limits.
    public init(_ fields: [Field]) throws(FormatError) {
        guard fields.count <= FormatLimits.maxColumns else {
            throw FormatError(.limitExceeded, "schema has \(fields.count) columns; the limit is \(FormatLimits.maxColumns)")
        }
        var seen = Set<String>()
        for field in fields {
            guard !field.name.isEmpty else { throw FormatError(.invalidSchema, "a column has an empty name") }
            guard field.name.utf8.count <= FormatLimits.maxNameBytes else {
                throw FormatError(.invalidSchema, "column name longer than \(FormatLimits.maxNameBytes) bytes", column: field.name)
            }
            guard seen.insert(field.name).inserted else {
                throw FormatError(.invalidSchema, "duplicate column name", column: field.name)
            }
            if field.hint == .domain || field.hint == .json, field.type != .string {
                throw FormatError(.invalidSchema, "hint '\(field.hint.name)' needs a string column", column: field.name)
            }
        }
        self.fields = fields
    }

    /// The index of the column with the given name.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// Limits every reader enforces (`spec/format.md` §11).
public enum FormatLimits {
    /// Most columns a file may have.
    public static let maxColumns = 4096
    /// Longest column name, in UTF-8 bytes.
    public static let maxNameBytes = 1024
    /// Largest uncompressed page body, and largest stored page body.
    public static let maxPageBytes = 64 << 20
    /// Most rows in a page.
    public static let maxPageRows = 1 << 20
    /// Most entries in a page's dictionary.
    public static let maxDictionaryEntries = 1 << 20
    /// Largest footer a reader accepts.
    public static let maxFooterBytes = 256 << 20
    /// Most rows in a row group.
    public static let maxRowGroupRows = 1 << 31 - 1
    /// Most pages in one column chunk.
    public static let maxPagesPerChunk = 1 << 22
    /// Largest bloom filter of one column chunk.
    public static let maxBloomBytes = 128 << 20
    /// Statistics of string and binary columns keep at most this many bytes of min and max.
    public static let statisticsPrefixBytes = 64
}
