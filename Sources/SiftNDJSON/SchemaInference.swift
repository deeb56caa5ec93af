import SiftFormat
import CSimdJSON

/// Infers a flat schema from NDJSON lines (`README`, "Schema inference"):
///
/// | values seen (nulls ignored)                     | column type                      |
/// |-------------------------------------------------|----------------------------------|
/// | only true/false                                 | bool                             |
/// | only integers that fit in 64 bits               | int64                            |
/// | integers and other numbers                      | float64                          |
/// | only strings that are IPv4 dotted quads         | ipv4                             |
/// | only IPv4 or IPv6 strings (any RFC 4291 form)    | ipv6 (IPv4 held IPv4-mapped)     |
/// | only ISO-8601 timestamps                        | timestamp                        |
/// | numbers in a column named `ts` (Zeek's epoch seconds), all within 1973-2100 | timestamp |
/// | only other strings                              | string                           |
/// | objects, arrays, or a mix of kinds              | string with hint json (JSON text)|
/// | only nulls                                      | string                           |
///
/// Columns appear in the order their keys are first seen. String columns whose names say they
/// hold domains (`query`, `domain`, `host`, `server_name`, ...) get the hint domain.
public struct SchemaInference {
    struct Kinds: OptionSet {
        let rawValue: UInt16
        static let bool = Kinds(rawValue: 1)
        static let integer = Kinds(rawValue: 2)
        static let float = Kinds(rawValue: 4)
        static let string = Kinds(rawValue: 8)
        static let nested = Kinds(rawValue: 16)
        static let null = Kinds(rawValue: 32)
        static let bigInteger = Kinds(rawValue: 64)
    }

    struct Column {
        var name: String
        var kinds: Kinds = []
        var allIPv4 = true
        var allIP = true
        var allTimestamp = true
        /// The smallest and largest number seen (for epoch seconds in `ts`).
        var numberMin = Double.infinity
        var numberMax = -Double.infinity

        mutating func sawNumber(_ v: Double) {
            numberMin = Swift.min(numberMin, v)
            numberMax = Swift.max(numberMax, v)
        }

        /// Zeek's JSON writes `ts` as epoch seconds: a numeric `ts` whose every value is a
        /// plausible time (1973 to 2100) is a timestamp, so `ts >= '2019-12-03'` works.
        var isEpochSeconds: Bool {
            Self.epochNames.contains(name) && numberMin >= 1e8 && numberMax <= 4.1e9
        }
        static let epochNames: Set<String> = ["ts"]

        /// String values seen, and of those the IP addresses and the timestamps, with the
        /// first line (and value) that was not one: a typed column demoted to string by a few
        /// bad values is reported (``SchemaInference/demotions``).
        var strings = 0
        var ips = 0
        /// Set, for each kind, once over 1% of 200 or more values were not of it: the column
        /// can neither be of that kind nor be demoted from it, so its values are no longer
        /// tested for it (an IP column stops being parsed as timestamps, and so on).
        var ipsDone = false
        var timestampsDone = false
        /// Neither kind is possible: a plain string column, whose values are not classified.
        var settled: Bool { ipsDone && timestampsDone }
        /// An IPv6 (not IPv4) address was among the IP values.
        var sawIPv6 = false
        var timestamps = 0
        var firstNotIP: (line: Int, value: String)?
        var firstNotTimestamp: (line: Int, value: String)?
    }

    /// A column inferred as `string` although most of its values were of a narrower type: a
    /// few malformed values (a typo, an attacker's junk) demoted it, and with it the IP
    /// blooms and CIDR queries.
    public struct Demotion: Sendable, Equatable, CustomStringConvertible {
        /// The field.
        public var field: String
        /// The type most values had.
        public var intended: ColumnType
        /// Values that were not of that type.
        public var bad: Int
        /// Non-null values of the field.
        public var total: Int
        /// The first line holding such a value.
        public var firstLine: Int
        /// That value.
        public var firstValue: String

        public var description: String {
            "field \"\(field)\": \(bad) of \(total) values are not \(intended == .timestamp ? "timestamps" : "IP addresses") "
                + "(the first on line \(firstLine): \(String(reflecting: String(firstValue.prefix(60))))), so the column is a string"
        }
    }

    /// Columns demoted to `string` by a minority (under 1%) of values that are not of the type
    /// every other value has.
    public var demotions: [Demotion] {
        columns.compactMap { c in
            guard c.kinds.subtracting(.null) == .string, c.strings > 0 else { return nil }
            if !c.allIP, let first = c.firstNotIP, c.ips * 100 >= c.strings * 99 {
                return Demotion(field: c.name, intended: c.sawIPv6 ? .ipv6 : .ipv4, bad: c.strings - c.ips, total: c.strings,
                                firstLine: first.line, firstValue: first.value)
            }
            if !c.allTimestamp, let first = c.firstNotTimestamp, c.timestamps * 100 >= c.strings * 99 {
                return Demotion(field: c.name, intended: .timestamp, bad: c.strings - c.timestamps, total: c.strings,
                                firstLine: first.line, firstValue: first.value)
            }
            return nil
        }
    }

    /// The schema with demoted columns given the type most of their values had (their bad
    /// values then fail the import, or go to rejects): `--keep-types`.
    public func schemaKeepingTypes() throws(FormatError) -> Schema {
        let inferred = try schema()
        let intended = Dictionary(uniqueKeysWithValues: demotions.map { ($0.field, $0.intended) })
        return try Schema(inferred.fields.map { f in intended[f.name].map { Field(f.name, $0, nullable: true, hint: .none) } ?? f })
    }

    /// The line number of the line being observed (1-based); set by callers that know it,
    /// else counted from 1.
    public var currentLine: Int?

    private(set) var columns: [Column] = []
    private var index: [String: Int] = [:]
    private var keys = KeyOrderCache()
    /// The line each column was last seen on, to find duplicate keys without a set per line.
    private var seenOnLine: [Int] = []
    /// Lines observed so far.
    public private(set) var lines = 0
    /// simdjson's fast path (see ``FastObjectParser``); lines it does not take go to the exact parser.
    private var fast: FastObjectParser?
    /// The column of each key number the fast parser gives (-1 until the key is met here).
    private var columnOfKey: [Int] = []

    /// An inference that has seen no line.
    public init() {
        self.init(fastPath: true)
    }

    /// `fastPath: false` observes every line with the exact parser alone (tests compare the two).
    init(fastPath: Bool) {
        fast = fastPath ? FastObjectParser.forAnyKeys() : nil
    }

    /// Records one object's keys and value kinds. Throws `JSONSyntaxError` for bad JSON.
    public mutating func observe(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws {
        lines += 1
        if observeFast(bytes, range) { return }
        try observeExact(bytes, range)
    }

    /// The fast path: a line simdjson validated and found no repeated key in, which the exact
    /// parser would accept the same; false, with nothing recorded, for any other line.
    private mutating func observeFast(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        // The parser numbers keys as it meets them, so a copy must not share it.
        if fast != nil, !isKnownUniquelyReferenced(&fast!) {
            fast = FastObjectParser.forAnyKeys()
            columnOfKey = []
        }
        guard let fields = fast?.parse(bytes, range) else { return false }
        for f in fields {
            let key = Int(f.column)
            while columnOfKey.count <= key { columnOfKey.append(-1) }
            if columnOfKey[key] < 0 {
                columnOfKey[key] = column(named: String(decoding: UnsafeBufferPointer(start: f.key, count: Int(f.key_length)), as: UTF8.self))
            }
            let c = columnOfKey[key]
            seenOnLine[c] = lines
            switch Int(f.kind) {
            case SIFT_JSON_NULL: columns[c].kinds.insert(.null)
            case SIFT_JSON_FALSE, SIFT_JSON_TRUE: columns[c].kinds.insert(.bool)
            case SIFT_JSON_INT64:
                columns[c].kinds.insert(.integer)
                columns[c].sawNumber(Double(f.integer))
            // An integer past Int64.max.
            case SIFT_JSON_UINT64: columns[c].kinds.insert(.bigInteger)
            case SIFT_JSON_DOUBLE:
                columns[c].kinds.insert(.float)
                columns[c].sawNumber(f.real)
            case SIFT_JSON_STRING:
                columns[c].kinds.insert(.string)
                if !columns[c].settled {
                    classify(UnsafeBufferPointer(start: f.text, count: Int(f.length))[...], column: c)
                }
            default: columns[c].kinds.insert(.nested)
            }
        }
        return true
    }

    /// The column for key `name`, added at the end when new.
    private mutating func column(named name: String) -> Int {
        if let i = index[name] { return i }
        index[name] = columns.count
        columns.append(Column(name: name))
        seenOnLine.append(0)
        return columns.count - 1
    }

    /// The exact path: ``JSONLineParser``, which names what is wrong and where.
    private mutating func observeExact(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws {
        let line = lines
        // The key cache is moved out while in use, so resolving a key may add a column to self.
        var keys = self.keys
        self.keys = KeyOrderCache()
        defer { self.keys = keys }
        var keyPosition = 0
        try JSONLineParser().parseObject(bytes, range) { keyRange, keyEscaped, value in
            let c = try keys.column(at: keyPosition, bytes, keyRange, escaped: keyEscaped) { name in self.column(named: name) }
            keyPosition += 1
            guard seenOnLine[c] != line else { throw JSONSyntaxError(message: "duplicate key \"\(columns[c].name)\"", column: 0) }
            seenOnLine[c] = line
            switch value {
            case .null: columns[c].kinds.insert(.null)
            case .bool: columns[c].kinds.insert(.bool)
            case .number(let r, let integer):
                if integer { columns[c].kinds.insert(NumberParsing.int64(bytes, r) == nil ? .bigInteger : .integer) }
                else { columns[c].kinds.insert(.float) }
                columns[c].sawNumber(Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)) ?? .nan)
            case .nested: columns[c].kinds.insert(.nested)
            case .string(let r, let escaped):
                columns[c].kinds.insert(.string)
                if !columns[c].settled {
                    if escaped {
                        classify(try JSONLineParser.unescape(bytes, r)[...], column: c)
                    } else {
                        classify(UnsafeBufferPointer(rebasing: bytes[r])[...], column: c)
                    }
                }
            }
        }
    }

    /// Folds in what another inference (over a later part of the input) saw. Columns keep the
    /// order in which the whole input first shows them.
    public mutating func merge(_ other: SchemaInference) {
        lines += other.lines
        for column in other.columns {
            if let i = index[column.name] {
                columns[i].kinds.formUnion(column.kinds)
                columns[i].allIPv4 = columns[i].allIPv4 && column.allIPv4
                columns[i].allIP = columns[i].allIP && column.allIP
                columns[i].allTimestamp = columns[i].allTimestamp && column.allTimestamp
                columns[i].strings += column.strings
                columns[i].ips += column.ips
                columns[i].timestamps += column.timestamps
                columns[i].ipsDone = columns[i].ipsDone || column.ipsDone
                columns[i].timestampsDone = columns[i].timestampsDone || column.timestampsDone
                columns[i].sawIPv6 = columns[i].sawIPv6 || column.sawIPv6
                if columns[i].firstNotIP == nil || (column.firstNotIP.map { $0.line < columns[i].firstNotIP!.line } ?? false) { columns[i].firstNotIP = column.firstNotIP ?? columns[i].firstNotIP }
                if columns[i].firstNotTimestamp == nil || (column.firstNotTimestamp.map { $0.line < columns[i].firstNotTimestamp!.line } ?? false) {
                    columns[i].firstNotTimestamp = column.firstNotTimestamp ?? columns[i].firstNotTimestamp
                }
                columns[i].numberMin = Swift.min(columns[i].numberMin, column.numberMin)
                columns[i].numberMax = Swift.max(columns[i].numberMax, column.numberMax)
            } else {
                index[column.name] = columns.count
                columns.append(column)
                seenOnLine.append(0)
            }
        }
    }

    /// Narrows what a string column can be from one of its values.
    private mutating func classify<C: Collection>(_ text: C, column c: Int) where C.Element == UInt8 {
        let line = currentLine ?? lines
        columns[c].strings += 1
        if !columns[c].ipsDone {
            // IPv4 first: most IP columns hold only IPv4, which then takes one parse, not two.
            if TextForms.parseIPv4(text) != nil {
                columns[c].ips += 1
            } else if TextForms.parseIP(text) != nil {
                columns[c].ips += 1
                columns[c].allIPv4 = false
                columns[c].sawIPv6 = true
            } else {
                columns[c].allIPv4 = false
                columns[c].allIP = false
                if columns[c].firstNotIP == nil { columns[c].firstNotIP = (line, String(decoding: Array(text), as: UTF8.self)) }
            }
        }
        if !columns[c].timestampsDone {
            if TextForms.parseTimestamp(text) != nil {
                columns[c].timestamps += 1
            } else {
                columns[c].allTimestamp = false
                if columns[c].firstNotTimestamp == nil { columns[c].firstNotTimestamp = (line, String(decoding: Array(text), as: UTF8.self)) }
            }
        }
        let k = columns[c]
        if k.strings >= 200 {
            if (k.strings - k.ips) * 100 > k.strings { columns[c].ipsDone = true }
            if (k.strings - k.timestamps) * 100 > k.strings { columns[c].timestampsDone = true }
        }
    }

    /// Whether every column has at least one non-null value, so its type is decided by evidence
    /// (a column seen only as null would default to string).
    public var everyColumnHasEvidence: Bool { columns.allSatisfy { !$0.kinds.subtracting(.null).isEmpty } }

    static let domainNames: Set<String> = ["query", "domain", "host", "hostname", "server_name", "rrname", "sni", "dns.rrname", "http.hostname", "tls.sni", "dns.query"]

    /// The inferred schema; every column is nullable.
    public func schema() throws(FormatError) -> Schema {
        let fields = columns.map { c -> Field in
            var k = c.kinds
            k.remove(.null)
            let type: ColumnType
            var hint = ColumnHint.none
            switch k {
            case []: type = .string
            case .bool: type = .bool
            // (A `where` clause binds to the last pattern of a case only, so the epoch rule is
            // its own case for each numeric kind set.)
            case .integer where c.isEpochSeconds: type = .timestamp
            case [.integer, .float] where c.isEpochSeconds: type = .timestamp
            case .float where c.isEpochSeconds: type = .timestamp
            case .integer: type = .int64
            case [.integer, .float], .float, [.float, .bigInteger], [.integer, .bigInteger], [.integer, .float, .bigInteger], .bigInteger: type = .float64
            case .string:
                if c.allIPv4 { type = .ipv4 } else if c.allIP { type = .ipv6 } else if c.allTimestamp { type = .timestamp } else {
                    type = .string
                    if Self.domainNames.contains(c.name.lowercased()) { hint = .domain }
                }
            default: type = .string; hint = .json
            }
            return Field(c.name, type, nullable: true, hint: hint)
        }
        return try Schema(fields)
    }
}

extension SchemaInference {
    /// The schema of an NDJSON file: every line observed (README, "Schema inference").
    /// - Parameter path: the NDJSON file (memory-mapped; gzip and zstd are decompressed).
    /// - Throws: `FormatError` when the file cannot be read; `LineError` naming the file, line
    ///   and byte of the first line that is not a JSON object; `FormatError` when no line gives
    ///   a column any evidence of its type.
    public static func infer(ndjsonFile path: String) throws -> Schema {
        let inference = try observe(ndjsonFile: path)
        guard inference.lines > 0 else { throw FormatError(.invalidArgument, "no records to infer a schema from", file: path) }
        return try inference.schema()
    }

    /// Every line of an NDJSON file observed (see ``infer(ndjsonFile:)``): the schema, and the
    /// columns a few malformed values demoted (``demotions``).
    public static func observe(ndjsonFile path: String) throws -> SchemaInference {
        var inference = SchemaInference()
        try InputFile(path: path, convertingLogs: true).withBytes { buffer in
            var failure: LineError?
            NDJSONLines.forEach(buffer) { range, line in
                guard failure == nil else { return }
                inference.currentLine = line
                do { try inference.observe(buffer, range) } catch let error as JSONSyntaxError {
                    failure = LineError(line: line, field: nil, column: error.column, reason: error.message)
                    failure?.file = path
                } catch {
                    failure = LineError(line: line, field: nil, column: nil, reason: "\(error)")
                    failure?.file = path
                }
            }
            if let failure { throw failure }
        }
        return inference
    }
}
