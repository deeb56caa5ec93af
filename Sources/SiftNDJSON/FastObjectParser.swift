import SiftFormat
import CSimdJSON

/// The fast path of NDJSON ingest: simdjson (Debian's libsimdjson, through `CSimdJSON`) parses
/// and fully validates a line, and resolves its keys to schema columns.
///
/// Why simdjson: JSON parsing was half of `sift write`'s time with a hand-written byte-at-a-time
/// parser; simdjson validates structure, UTF-8, escapes and numbers with SIMD kernels chosen at
/// run time (so no CPU flags are needed), several times faster. It is a well-kept library that
/// Debian packages, which the project prefers to a hand-written copy.
///
/// It only ever speeds up: every line it does not take (invalid JSON, nested values, unknown or
/// repeated keys, raw-text columns, values that do not fit) goes to ``JSONLineParser``, which
/// then accepts it or reports the exact error with its byte offset. So results and error
/// messages are the same with or without the fast path; `FastObjectParserTests` checks that.
final class FastObjectParser {
    private let handle: OpaquePointer

    /// A parser for objects whose keys are `schema`'s field names; nil if simdjson cannot be set up.
    convenience init?(schema: Schema) {
        var names: [UInt8] = []
        var lengths: [UInt32] = []
        for field in schema.fields {
            names += Array(field.name.utf8)
            lengths.append(UInt32(field.name.utf8.count))
        }
        let rawText = schema.fields.map { UInt8($0.hint == .json ? 1 : 0) }
        guard let handle = sift_json_parser_create(names, lengths, rawText, schema.fields.count) else { return nil }
        self.init(handle: handle)
    }

    /// A parser that takes any keys, numbering them as it meets them (for schema inference);
    /// nil if simdjson cannot be set up.
    static func forAnyKeys() -> FastObjectParser? { sift_json_parser_create_open().map(FastObjectParser.init(handle:)) }

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { sift_json_parser_destroy(handle) }

    /// The fields of the object in `bytes[range]`, valid until the next call; nil when the line
    /// is not taken and the caller must parse it itself. simdjson reads up to 64 bytes past the
    /// line, so it is told how much of `bytes` follows (and copies the line when too little does).
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UnsafeBufferPointer<sift_json_field>? {
        guard let base = bytes.baseAddress else { return nil }
        var fields: UnsafePointer<sift_json_field>?
        let n = sift_json_parse_object(handle, base + range.lowerBound, range.count, bytes.count - range.lowerBound, &fields)
        guard n >= 0 else { return nil }
        return UnsafeBufferPointer(start: n > 0 ? fields : nil, count: n)
    }

    /// The SIMD implementation simdjson chose for this CPU (for diagnostics).
    static var implementation: String { String(cString: sift_json_implementation()) }
}

extension NDJSONBatchBuilder {
    /// Converts one field from the fast path and appends it; false (appending nothing) when the
    /// value does not fit the column as it stands, so the caller's exact parser can decide.
    @inline(__always)
    static func appendFast(_ f: sift_json_field, _ shape: ValueShape, to builder: inout ColumnBuilder) -> Bool {
        switch Int(f.kind) {
        case SIFT_JSON_NULL:
            guard shape.nullable else { return false }
            builder.appendNull()
        case SIFT_JSON_FALSE, SIFT_JSON_TRUE:
            guard shape.type == .bool else { return false }
            builder.append(.bool(Int(f.kind) == SIFT_JSON_TRUE))
        case SIFT_JSON_INT64:
            let v = f.integer
            switch shape.type {
            // An integer's nearest double is what reading its text as a double gives.
            case .float64: builder.append(.double(Double(v)))
            case .timestamp: return append(convertEpochSeconds(Double(v)), to: &builder)
            default: return append(convertInteger(v, to: shape.type), to: &builder)
            }
        case SIFT_JSON_UINT64:
            let v = UInt64(bitPattern: f.integer)
            switch shape.type {
            case .float64: builder.append(.double(Double(v)))
            case .timestamp: return append(convertEpochSeconds(Double(v)), to: &builder)
            default: return false
            }
        case SIFT_JSON_DOUBLE:
            switch shape.type {
            case .float64: builder.append(.double(f.real))
            case .timestamp: return append(convertEpochSeconds(f.real), to: &builder)
            default: return false
            }
        case SIFT_JSON_STRING:
            let text = UnsafeBufferPointer(start: f.text, count: Int(f.length))
            // simdjson has validated the UTF-8 of the whole line and of every unescaped string.
            if shape.type == .string { builder.appendBytes(text[...]) } else { return append(convertText(text, to: shape.type), to: &builder) }
        default:
            return false
        }
        return true
    }

    /// Appends `value` if there is one.
    @inline(__always)
    private static func append(_ value: ParsedValue?, to builder: inout ColumnBuilder) -> Bool {
        guard let value else { return false }
        builder.append(value)
        return true
    }
}
