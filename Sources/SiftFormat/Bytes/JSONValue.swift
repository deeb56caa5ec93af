import SiftPlatform

/// Any JSON value, for the package's small JSON documents (schema files, `_last_checkpoint`,
/// `sift inspect --json`), decoded and encoded by Foundation's Codable coders: the package's
/// replacement for `JSONSerialization`, which lives in full Foundation. Integers that fit 64
/// bits stay exact (`.integer`); other numbers are `.number`.
package enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON document.
    /// - Throws: a message saying what is wrong and where (the coder's path and reason).
    package static func parse(_ bytes: [UInt8]) throws(JSONValueError) -> JSONValue {
        do { return try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let context):
                let underlying = context.underlyingError.map { ": \($0)" } ?? ""
                throw JSONValueError(message: context.debugDescription + underlying)
            default: throw JSONValueError(message: "\(error)")
            }
        } catch { throw JSONValueError(message: "\(error)") }
    }

    /// The value as JSON text: keys sorted, and indented by two spaces when `pretty`.
    package func text(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case is a JSON value (non-finite numbers are
        // written as null below).
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .number(let d): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// An integer value (clamped to 64 bits).
    package static func int(_ value: some BinaryInteger) -> JSONValue { .integer(Int64(clamping: value)) }

    /// The member `key` of an object; nil for other values or a missing key.
    package subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The string, if this is one.
    package var string: String? { if case .string(let s) = self { return s }; return nil }
    /// The boolean, if this is one.
    package var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    /// The integer, if this is one that fits 64 bits.
    package var integer: Int64? { if case .integer(let i) = self { return i }; return nil }
    /// The elements, if this is an array.
    package var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    /// The members, if this is an object.
    package var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
}

/// Why a JSON document could not be parsed.
package struct JSONValueError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}
