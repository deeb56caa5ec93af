import SiftFormat
import SiftIndex

extension Scanner {
    /// A scan of a file by names: the predicate's text is parsed and typed against the file's
    /// schema, and the projection is looked up by column name.
    /// - Parameters:
    ///   - reader: the open file.
    ///   - predicate: a predicate in the language of `spec/predicates.md`; nil for every row.
    ///   - columns: the columns to return, in order; nil for all.
    /// - Throws: `PredicateSyntaxError` for text that does not parse, `BindError` for a predicate
    ///   that does not fit the schema, `FormatError.invalidArgument` for an unknown column.
    public init(reader: SiftReader, where predicate: String?, columns: [String]? = nil) throws {
        try self.init(reader: reader, predicate: predicate.map { try RowPredicate.parse($0) }, columns: columns)
    }

    /// A scan of a file for the rows a parsed predicate accepts (see ``init(reader:where:columns:)``).
    public init(reader: SiftReader, predicate: RowPredicate?, columns: [String]? = nil) throws {
        let schema = reader.schema
        let indices = try (columns ?? schema.fields.map(\.name)).map { name in
            guard let i = schema.index(of: name) else {
                throw FormatError(.invalidArgument, "no column '\(name)'; the file has: \(schema.fields.map(\.name).joined(separator: ", "))",
                                  file: reader.source.name)
            }
            return i
        }
        self.init(reader: reader, predicate: try predicate?.bind(to: schema), columns: indices)
    }
}
