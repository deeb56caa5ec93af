import SiftFormat
import CSimdJSON

/// Why one NDJSON line was not accepted: the line's number, the field (when one is to blame),
/// the byte within the line, and what was wrong.
public struct LineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input's path, when the line came from a named file.
    public var file: String?
    /// The 1-based line number in the input.
    public var line: Int
    /// The field whose value did not fit, when the line is valid JSON.
    public var field: String?
    /// The 0-based byte within the line where the problem is, when known.
    public var column: Int?
    /// What is wrong, for a person.
    public var reason: String
    /// True when the line is valid JSON but a value does not fit the schema.
    public var schemaMismatch = false

    /// An error on `line`.
    public init(line: Int, field: String?, column: Int?, reason: String, schemaMismatch: Bool = false) {
        self.schemaMismatch = schemaMismatch
        self.line = line
        self.field = field
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var s = (file.map { "\($0): " } ?? "") + "line \(line)"
        if let column { s += ", byte \(column + 1)" }
        if let field { s += ", field \"\(field)\"" }
        return s + ": " + reason
    }
}

/// Converts NDJSON lines into record batches of a fixed schema. A line is taken whole or not at
/// all: a bad line throws ``LineError`` and leaves the batch as it was.
///
/// Keys not in the schema are an error (the schema would lose them silently otherwise); keys
/// absent from a line are null.
public struct NDJSONBatchBuilder {
    /// The schema every line is parsed against.
    public let schema: Schema
    private var builders: [ColumnBuilder]
    private var index: [String: Int] = [:]
    private var keys = KeyOrderCache()
    private var rowSeen: [Bool]
    /// The fields' types without their names, so the per-value path retains no strings.
    private let shapes: [ValueShape]
    /// simdjson's fast path; owned by this builder alone (a copy makes its own, see `append`).
    private var fast: FastObjectParser?
    /// Lines the fast path took (the rest went to the exact parser).
    private(set) var linesTakenFast = 0

    /// A builder of batches of `schema`.
    public init(schema: Schema) {
        self.init(schema: schema, fastPath: true)
    }

    /// `fastPath: false` parses every line with the exact parser alone (tests compare the two).
    init(schema: Schema, fastPath: Bool) {
        self.schema = schema
        builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        for (i, f) in schema.fields.enumerated() { index[f.name] = i }
        rowSeen = Array(repeating: false, count: schema.fields.count)
        shapes = schema.fields.map { ValueShape(type: $0.type, nullable: $0.nullable, hint: $0.hint) }
        fast = fastPath ? FastObjectParser(schema: schema) : nil
    }

    /// Rows appended since the last batch was taken.
    public var rowCount: Int { builders.first?.count ?? 0 }

    /// Adds the object in `bytes[range]`, which is line `line` of its input. Bytes of `bytes`
    /// after the line may be read (never written) by the fast parser.
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, line: Int) throws(LineError) {
        if appendFast(bytes, range) { return }
        try appendExact(bytes, range, line: line)
    }

    /// The fast path: simdjson parses the line and every value converts as it stands. False,
    /// with nothing appended, when anything is off; the exact parser then decides.
    private mutating func appendFast(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        // The parser keeps state between lines, so a copied builder must not share it.
        if fast != nil, !isKnownUniquelyReferenced(&fast!) { fast = FastObjectParser(schema: schema) }
        guard let fields = fast?.parse(bytes, range) else { return false }
        // Through buffer pointers: per-field appends then skip the arrays' uniqueness checks.
        let taken = shapes.withUnsafeBufferPointer { shapes in
            builders.withUnsafeMutableBufferPointer { builders in
                rowSeen.withUnsafeMutableBufferPointer { seen in
                    Self.appendFields(fields, shapes, builders, seen)
                }
            }
        }
        if taken { linesTakenFast += 1 }
        return taken
    }

    /// Appends one line's fields, and nulls for the columns it leaves out; on any value that
    /// does not fit, takes back what it added and returns false.
    private static func appendFields(
        _ fields: UnsafeBufferPointer<sift_json_field>, _ shapes: UnsafeBufferPointer<ValueShape>,
        _ builders: UnsafeMutableBufferPointer<ColumnBuilder>, _ seen: UnsafeMutableBufferPointer<Bool>
    ) -> Bool {
        seen.update(repeating: false)
        var taken = 0
        for f in fields {
            let c = Int(f.column)
            guard appendFast(f, shapes[c], to: &builders[c]) else { break }
            seen[c] = true
            taken += 1
        }
        var complete = taken == fields.count
        if complete {
            for c in seen.indices where !seen[c] && !shapes[c].nullable { complete = false; break }
        }
        guard complete else {
            for c in builders.indices where seen[c] { builders[c].removeLast() }
            return false
        }
        for c in builders.indices where !seen[c] { builders[c].appendNull() }
        return true
    }

    /// The exact path: ``JSONLineParser`` and conversion that names what is wrong and where.
    private mutating func appendExact(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, line: Int) throws(LineError) {
        for i in rowSeen.indices { rowSeen[i] = false }
        var keyPosition = 0
        var currentField: String?
        do {
            try JSONLineParser().parseObject(bytes, range) { keyRange, keyEscaped, value in
                // A field is named only by errors about it, never by syntax errors after it.
                let c = try keys.column(at: keyPosition, bytes, keyRange, escaped: keyEscaped) { name in
                    guard let i = index[name] else {
                        currentField = name
                        throw JSONSyntaxError(message: "key \"\(name)\" is not in the schema", column: 0, schemaMismatch: true)
                    }
                    return i
                }
                keyPosition += 1
                guard !rowSeen[c] else {
                    currentField = schema.fields[c].name
                    throw JSONSyntaxError(message: "duplicate key", column: 0)
                }
                do {
                    try Self.append(value, bytes, shapes[c], to: &builders[c])
                } catch {
                    currentField = schema.fields[c].name
                    throw error
                }
                rowSeen[c] = true
            }
            for (c, field) in schema.fields.enumerated() where !rowSeen[c] {
                guard field.nullable else {
                    currentField = field.name
                    throw JSONSyntaxError(message: "missing or null, but the column is not nullable", column: -1)
                }
            }
        } catch {
            // All or nothing: take back what this line added.
            for c in builders.indices where rowSeen[c] { builders[c].removeLast() }
            if let e = error as? JSONSyntaxError {
                throw LineError(line: line, field: currentField, column: e.column >= 0 ? e.column : nil, reason: e.message, schemaMismatch: e.schemaMismatch)
            }
            throw LineError(line: line, field: currentField, column: nil, reason: "\(error)")
        }
        for c in builders.indices where !rowSeen[c] { builders[c].appendNull() }
    }

    /// Makes room for `rows` more rows in every column (a chunk's line count, say).
    public mutating func reserve(rows: Int) {
        for c in builders.indices { builders[c].reserve(rows: rows) }
    }

    /// The rows added so far as a batch; the builder starts empty again.
    public mutating func takeBatch() -> RecordBatch {
        let columns = builders.indices.map { builders[$0].take() }
        // Safety of try!: every column was built for its field's type with equal row counts.
        return try! RecordBatch(schema: schema, columns: columns)
    }

    /// Converts one JSON value to the field's type and appends it (a null appends a null, and
    /// fails for a non-nullable field).
    static func append(_ value: JSONFieldValue, _ b: UnsafeBufferPointer<UInt8>, _ field: ValueShape, to builder: inout ColumnBuilder) throws {
        func fail(_ what: String) -> JSONSyntaxError { JSONSyntaxError(message: what, column: 0, schemaMismatch: true) }
        if case .null = value {
            guard field.nullable else { throw fail("null, but the column is not nullable") }
            builder.appendNull()
            return
        }
        if field.hint == .json {
            // JSON columns keep each value's exact text (strings with their quotes).
            switch value {
            case .nested(let r), .number(let r, _): builder.appendBytes(b[r])
            case .string(let r, _): builder.appendBytes(b[(r.lowerBound - 1)..<(r.upperBound + 1)])
            case .bool(let v): builder.append(.bytes(Array((v ? "true" : "false").utf8)))
            case .null: builder.appendNull()
            }
            return
        }
        switch (field.type, value) {
        case (.string, .string(let r, let escaped)):
            if escaped {
                let t = try JSONLineParser.unescape(b, r)
                guard UTF8Validation.isValid(t) else { throw JSONSyntaxError(message: "string is not valid UTF-8", column: 0) }
                builder.append(.bytes(t))
            } else {
                guard UTF8Validation.isValid(b[r]) else { throw JSONSyntaxError(message: "string is not valid UTF-8", column: 0) }
                builder.appendBytes(b[r])
            }
        default:
            builder.append(try convert(value, b, field))
        }
    }

    static func convert(_ value: JSONFieldValue, _ b: UnsafeBufferPointer<UInt8>, _ field: ValueShape) throws -> ParsedValue {
        func fail(_ what: String) -> JSONSyntaxError { JSONSyntaxError(message: what, column: 0, schemaMismatch: true) }
        func text(_ r: Range<Int>, _ escaped: Bool) throws -> [UInt8] {
            escaped ? try JSONLineParser.unescape(b, r) : Array(UnsafeBufferPointer(rebasing: b[r]))
        }
        switch (field.type, value) {
        case (.bool, .bool(let v)): return .bool(v)
        case (.int64, .number(let r, true)), (.int32, .number(let r, true)), (.uint16, .number(let r, true)), (.uint32, .number(let r, true)):
            guard let v = NumberParsing.int64(b, r) else { throw fail("integer out of range for \(field.type)") }
            guard let converted = convertInteger(v, to: field.type) else { throw fail("\(v) is out of range for \(field.type)") }
            return converted
        case (.float64, .number(let r, _)):
            // A literal past float64's range would become an infinity nobody wrote (an
            // infinity is written "Infinity", as the output writes it).
            let v = NumberParsing.double(b, r)
            guard v.isFinite else {
                throw JSONSyntaxError(message: "number \(String(decoding: UnsafeBufferPointer(rebasing: b[r].prefix(40)), as: UTF8.self)) is outside the float64 range", column: 0)
            }
            return .double(v)
        case (.float64, .string(let r, let e)):
            let t = String(decoding: try text(r, e), as: UTF8.self)
            switch t {
            case "NaN": return .double(.nan)
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            default: throw fail("expected a number, got the string \"\(t)\"")
            }
        case (.timestamp, .number(let r, _)):
            // Epoch seconds, as Zeek writes them.
            guard let v = convertEpochSeconds(NumberParsing.double(b, r)) else { throw fail("epoch seconds out of range") }
            return v
        case (.timestamp, .string(let r, let e)), (.binary, .string(let r, let e)), (.ipv4, .string(let r, let e)), (.ipv6, .string(let r, let e)):
            let parsed = e ? try text(r, e).withUnsafeBufferPointer { convertText($0, to: field.type) } : convertText(UnsafeBufferPointer(rebasing: b[r]), to: field.type)
            guard let v = parsed else { throw fail(textMismatch[field.type]!) }
            return v
        default:
            throw fail("expected \(field.type), got \(Self.kindName(value))")
        }
    }

    /// Why a string did not convert to a column of each type `convertText` handles.
    private static let textMismatch: [ColumnType: String] = [
        .timestamp: "not an ISO-8601 timestamp", .binary: "binary values must be base64 strings",
        .ipv4: "not an IPv4 address", .ipv6: "not an IP address",
    ]

    // The conversions below are shared by the exact path and the simdjson path, so both take
    // and refuse the same values.

    /// An integer as a value of an integer column of type `type`; nil when out of its range.
    @inline(__always)
    static func convertInteger(_ v: Int64, to type: ColumnType) -> ParsedValue? {
        switch type {
        case .int64: return .int(v)
        case .int32: return Int64(Int32.min)...Int64(Int32.max) ~= v ? .int(v) : nil
        case .uint16: return 0...Int64(UInt16.max) ~= v ? .uint(UInt64(v)) : nil
        case .uint32: return 0...Int64(UInt32.max) ~= v ? .uint(UInt64(v)) : nil
        default: return nil
        }
    }

    /// Zeek's epoch seconds as a timestamp (microseconds); nil when not finite or out of range.
    @inline(__always)
    static func convertEpochSeconds(_ seconds: Double) -> ParsedValue? {
        guard seconds.isFinite, abs(seconds) < 9.2e12 else { return nil }
        return .int(Int64((seconds * 1_000_000).rounded()))
    }

    /// A string's (unescaped) text as a timestamp, ipv4, ipv6 or binary (base64) value; nil when
    /// it is not one, or for other types.
    @inline(__always)
    static func convertText(_ t: UnsafeBufferPointer<UInt8>, to type: ColumnType) -> ParsedValue? {
        switch type {
        case .timestamp: TextForms.parseTimestamp(buffer: t).map { .int($0) }
        case .ipv4: TextForms.parseIPv4(t).map { .uint(UInt64($0)) }
        case .ipv6: TextForms.parseIP(t).map { .ip($0) }
        case .binary: TextForms.decodeBase64(t).map { .bytes($0) }
        default: nil
        }
    }

    static func kindName(_ v: JSONFieldValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "a bool"
        case .number(_, let i): i ? "an integer" : "a number"
        case .string: "a string"
        case .nested: "an object or array"
        }
    }
}

/// What converting a JSON value needs to know of its field.
struct ValueShape {
    var type: ColumnType
    var nullable: Bool
    var hint: ColumnHint
}
