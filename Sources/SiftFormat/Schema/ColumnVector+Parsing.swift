/// Columns built from text, nil becoming null: IP addresses and timestamps as people write them.
///
/// ```swift
/// let dst = try ColumnVector.ipv4s(parsing: ["203.0.113.7", nil, "10.0.0.1"])
/// let ts = try ColumnVector.timestamps(parsing: ["2026-08-01T10:00:00Z", "2026-08-01 10:00:01.5+02:00"])
/// ```
extension ColumnVector {
    /// An `ipv4` column from dotted quads.
    /// - Throws: `FormatError.invalidValue` naming the first value that is not an IPv4 address and its row.
    public static func ipv4s(parsing texts: [String?]) throws(FormatError) -> ColumnVector {
        let values = try parse(texts, as: "an IPv4 address") { TextForms.parseIPv4(Array($0.utf8)) }
        return ColumnVector(.ipv4(values.map { $0 ?? 0 }), validity: Bitmap(values.map { $0 != nil }))
    }

    /// An `ipv6` column from addresses in any IPv6 or IPv4 text form (IPv4 stored as IPv4-mapped).
    /// - Throws: `FormatError.invalidValue` naming the first value that is not an IP address and its row.
    public static func ipv6s(parsing texts: [String?]) throws(FormatError) -> ColumnVector {
        ipv6s(try parse(texts, as: "an IP address") { TextForms.parseIP(Array($0.utf8)) })
    }

    /// A `timestamp` column from RFC 3339 / ISO 8601 times (a date alone is midnight UTC).
    /// - Throws: `FormatError.invalidValue` naming the first value that is not a time and its row.
    public static func timestamps(parsing texts: [String?]) throws(FormatError) -> ColumnVector {
        timestamps(try parse(texts, as: "a timestamp (e.g. 2026-08-01T10:00:00Z)", TextForms.parseTime))
    }

    /// Each text parsed (nil stays nil); the first that does not parse is an error naming its row.
    private static func parse<T>(_ texts: [String?], as what: String, _ parse: (String) -> T?) throws(FormatError) -> [T?] {
        var values: [T?] = []
        values.reserveCapacity(texts.count)
        for (row, text) in texts.enumerated() {
            guard let text else { values.append(nil); continue }
            guard let v = parse(text) else { throw FormatError(.invalidValue, "row \(row): '\(text)' is not \(what)") }
            values.append(v)
        }
        return values
    }
}
