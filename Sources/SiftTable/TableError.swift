/// A table operation that failed, with what is wrong and where (`spec/table.md` §9).
public struct TableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as the stable codes of `spec/table.md` §9.
    public enum Code: String, Sendable {
        /// Not a table folder, or a table that already exists.
        case notATable = "not_a_table"
        case alreadyExists = "already_exists"
        /// A log entry or checkpoint that is missing, unreadable or fails its checksum.
        case corruptLog = "corrupt_log"
        case missingLog = "missing_log"
        /// A log entry names a path outside the table's folder.
        case unsafePath = "unsafe_path"
        /// Another writer committed a change this one cannot be reconciled with.
        case conflict
        /// The table needs a newer reader or writer than this one.
        case unsupportedProtocol = "unsupported_protocol"
        /// A version or timestamp to read as of that the log does not hold.
        case noSuchVersion = "no_such_version"
        /// Arguments that do not fit the table (unknown column, bad partition spec, ...).
        case invalidArgument = "invalid_argument"
        /// A data file the snapshot references is missing or unreadable.
        case missingData = "missing_data"
        case io
    }

    /// What went wrong.
    public var code: Code
    /// What went wrong, for a person.
    public var message: String
    /// The log version the error is about, when there is one.
    public var version: Int64?
    /// The file the error is about, relative to the table folder when inside it.
    public var path: String?

    /// An error with its code, message and whatever location is known.
    public init(_ code: Code, _ message: String, version: Int64? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.version = version
        self.path = path
    }

    public var description: String {
        var out = ""
        if let path { out += "\(path): " }
        if let version { out += "version \(version): " }
        return out + message
    }
}
