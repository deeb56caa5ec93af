/// Turns one raw event of an event type into a row of a refined table (`spec/pipeline.md` §5).
///
/// The pipeline sets the columns every refined row has (`time` from the wrapper, `event_type`,
/// `source`, `parser`, `parser_version`); a parser sets the rest. A new version of a parser
/// (a fix) gets a higher `version`; `sift reparse` re-runs it over staging.
public protocol EventParser: Sendable {
    /// The wrapper event type it takes, e.g. `zeek.conn`.
    var eventType: String { get }
    var version: Int { get }
    var kind: RefinedKind { get }
    func parse(_ fields: RawFields, source: String, into row: inout RowWriter) throws
}

/// The parsers the pipeline runs, by event type.
public struct ParserRegistry: Sendable {
    public private(set) var parsers: [String: any EventParser] = [:]

    public init(_ parsers: [any EventParser]) {
        for p in parsers { self.parsers[p.eventType] = p }
    }

    /// Every built-in parser.
    public static let standard = ParserRegistry([
        ZeekConnParser(), ZeekDNSParser(), ZeekHTTPParser(), ZeekSSLParser(),
        SuricataFlowParser(), SuricataDNSParser(), SuricataAlertParser(), SuricataHTTPParser(), SuricataTLSParser(),
        DemoConnParser(),
    ])

    public func parser(for eventType: String) -> (any EventParser)? { parsers[eventType] }

    /// A copy with `parser` replacing the one of its event type.
    public func replacing(_ parser: any EventParser) -> ParserRegistry {
        var copy = self
        copy.parsers[parser.eventType] = parser
        return copy
    }
}

/// The fields of a raw event: a JSON object, or (Zeek TSV) a JSON string holding the line,
/// split along the field names the wrapper's `source` gives after `#fields=` or, failing that,
/// the parser's default field list (`spec/pipeline.md` §4.2).
func fields(of raw: [UInt8], source: String, defaultTSVFields: [String]) throws -> RawFields {
    guard raw.first == UInt8(ascii: "\"") else { return try RawFields(json: raw) }
    let line = try RawFields(json: Array("{\"l\":".utf8) + raw + [UInt8(ascii: "}")]).text("l") ?? ""
    var names = defaultTSVFields
    if let marker = source.firstRange(of: "#fields=") {
        names = source[marker.upperBound...].split(separator: ",").map(String.init)
    }
    return try RawFields(tsv: line, fields: names)
}
