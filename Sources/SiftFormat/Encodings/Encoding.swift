/// Value encodings of a page (`spec/format.md` §6). Raw values are the ids in page headers.
public enum Encoding: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Values as they are: fixed-width little-endian, bools as bits, strings as offsets + bytes.
    case plain = 0
    /// A dictionary of distinct values in PLAIN layout, then bit-packed codes.
    case dictionary = 1
    /// Frame of reference: the minimum, then bit-packed offsets from it.
    case frameOfReference = 2
    /// The first value, the minimum delta, then bit-packed deltas above the minimum.
    case delta = 3
    /// Runs of (length, value).
    case runLength = 4
    /// Strings and binary: value lengths as a frame of reference (minimum + bit-packed
    /// differences), then the value bytes. Compresses far better than PLAIN's offsets.
    case lengths = 5

    public var description: String {
        switch self {
        case .plain: "plain"
        case .dictionary: "dictionary"
        case .frameOfReference: "for"
        case .delta: "delta"
        case .runLength: "rle"
        case .lengths: "lengths"
        }
    }

    /// The encoding named `name` as options and the CLI spell it; nil for another name.
    public init?(name: String) {
        guard let match = Encoding.allCases.first(where: { $0.description == name }) else { return nil }
        self = match
    }

    /// The encodings the spec allows for a type (§6, table "allowed encodings"). `narrow`
    /// marks an ipv6 page stored 32 bits wide, which allows the integer encodings.
    public static func allowed(for type: ColumnType, narrow: Bool) -> [Encoding] {
        switch type {
        case .bool: [.plain, .runLength]
        case .int32, .int64, .uint16, .uint32, .timestamp, .ipv4: [.plain, .frameOfReference, .dictionary, .delta, .runLength]
        case .ipv6: narrow ? [.plain, .frameOfReference, .dictionary, .delta, .runLength] : [.plain, .dictionary]
        case .float64: [.plain, .dictionary, .runLength]
        case .string, .binary: [.plain, .dictionary, .lengths]
        }
    }
}
