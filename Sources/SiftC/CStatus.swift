import SiftPlatform
import SiftArrow
import SiftFormat
import SiftIndex
import SiftTable


/// The status codes of `sift.h`, and how Swift errors map to them.
enum CStatus: Int32 {
    case ok = 0
    case invalidArgument = 1
    case notFound = 2
    case corrupt = 3
    case conflict = 4
    case schema = 5
    case io = 6
    case `internal` = 7

    init(_ error: Error) {
        switch error {
        case is SiftIndex.PredicateSyntaxError, is BindError, is CArgumentError: self = .invalidArgument
        case is ArrowInteropError: self = .schema
        case let e as TableError:
            switch e.code {
            case .notATable, .noSuchVersion, .missingData: self = .notFound
            case .corruptLog, .missingLog, .unsafePath, .unsupportedProtocol: self = .corrupt
            case .conflict: self = .conflict
            case .invalidArgument, .alreadyExists: self = .invalidArgument
            case .io: self = .io
            }
        case let e as FormatError:
            switch e.code {
            case .io: self = .io
            case .invalidArgument: self = .invalidArgument
            default: self = .corrupt
            }
        default: self = .internal
        }
    }
}

/// A bad argument at the C boundary (a NULL where a value is needed, malformed JSON).
struct CArgumentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`; on an error, writes its message to `error` (when given) and returns its code.
/// Every exported function goes through here, so no Swift error crosses the C boundary.
func guarded(_ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ body: () throws -> Void) -> Int32 {
    error?.pointee = nil
    do {
        try body()
        return CStatus.ok.rawValue
    } catch let failure {
        error?.pointee = strdup(String(describing: failure))
        return CStatus(failure).rawValue
    }
}

/// A C string argument, or nil for NULL.
func text(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }

/// A required C string argument.
func required(_ pointer: UnsafePointer<CChar>?, _ what: String) throws -> String {
    guard let pointer else { throw CArgumentError("\(what) is required (got NULL)") }
    return String(cString: pointer)
}

/// Hands a Swift string to C (freed with sift_string_free).
func give(_ value: String, to out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws {
    guard let out else { throw CArgumentError("the output pointer is NULL") }
    out.pointee = strdup(value)
}

/// A JSON object argument (NULL: empty).
func jsonObject(_ pointer: UnsafePointer<CChar>?, _ what: String) throws -> [String: Any] {
    guard let text = text(pointer), !text.isEmpty else { return [:] }
    guard let object = (try? JSONValue.parse(Array(text.utf8)))?.object else {
        throw CArgumentError("\(what) must be a JSON object, not '\(text.prefix(200))'")
    }
    return object.mapValues(anyValue)
}

/// A JSON array of column names (NULL: every column).
func columnList(_ pointer: UnsafePointer<CChar>?) throws -> [String]? {
    guard let text = text(pointer) else { return nil }
    guard let items = (try? JSONValue.parse(Array(text.utf8)))?.array, case let names = items.compactMap(\.string), names.count == items.count else {
        throw CArgumentError("columns must be a JSON array of names, not '\(text.prefix(200))'")
    }
    return names
}

/// Encodes a value as compact JSON with sorted keys.
func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Compact JSON with sorted keys for a value built from dictionaries, arrays, strings, numbers,
/// booleans, optionals and ``JSONValue``s (reports already rendered are parsed into the latter).
func jsonText(_ object: Any) throws -> String {
    try jsonValue(object).text()
}

/// `value` as a ``JSONValue``; other types are a programming error reported as an argument error.
func jsonValue(_ value: Any) throws -> JSONValue {
    switch value {
    case let v as JSONValue: return v
    case let v as String: return .string(v)
    case let v as Bool: return .bool(v)
    case let v as Int: return .int(v)
    case let v as Int64: return .int(v)
    case let v as Int32: return .int(v)
    case let v as UInt64: return .int(v)
    case let v as UInt32: return .int(v)
    case let v as UInt8: return .int(v)
    case let v as Double: return .number(v)
    case let v as [String: Any]: return .object(try v.mapValues(jsonValue))
    case let v as [Any]: return .array(try v.map(jsonValue))
    default:
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional { return try mirror.children.first.map { try jsonValue($0.value) } ?? .null }
        throw CArgumentError("cannot write a \(type(of: value)) as JSON")
    }
}

/// A parsed JSON value as `[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool`, or
/// ``JSONValue/null``, for options read by casting.
func anyValue(_ value: JSONValue) -> Any {
    switch value {
    case .null: return JSONValue.null
    case .bool(let b): return b
    case .integer(let i): return Int(i)
    case .number(let d): return d
    case .string(let s): return s
    case .array(let a): return a.map(anyValue)
    case .object(let o): return o.mapValues(anyValue)
    }
}
