/// An error crossing the Arrow boundary: a schema or batch that does not fit Sift, or a failure
/// the other side of a stream reported. It names the column, and the row where one is at fault.
public struct ArrowInteropError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// An Arrow type Sift cannot store, or a schema that does not match the target's.
        case unsupportedType = "unsupported_type"
        /// A schema Sift cannot use (duplicate or missing columns, a malformed format string).
        case invalidSchema = "invalid_schema"
        /// Values that do not fit their column (a malformed IP string, invalid UTF-8, an
        /// out-of-range timestamp, nulls in a non-nullable column).
        case invalidData = "invalid_data"
        /// The producer of an imported stream failed; the message is its own.
        case producer = "producer_error"
    }

    public var code: Code
    public var message: String
    public var column: String?
    public var row: Int?

    public init(_ code: Code, _ message: String, column: String? = nil, row: Int? = nil) {
        self.code = code
        self.message = message
        self.column = column
        self.row = row
    }

    public var description: String {
        var out = ""
        if let column { out += "column '\(column)'" }
        if let row { out += (out.isEmpty ? "" : ", ") + "row \(row)" }
        return (out.isEmpty ? "" : out + ": ") + message
    }
}
