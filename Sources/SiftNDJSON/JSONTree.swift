import SiftPlatform
import SiftFormat

/// A whole JSON document as a tree, read by the same strict cursor as NDJSON lines
/// (`JSONCursor`, RFC 8259): for the table log's entries and other small documents that are
/// read often enough that `JSONDecoder` costs more than the work (`FastActionDecoder`).
///
/// Strings are decoded (escapes, surrogate pairs) and must be valid UTF-8; a number without a
/// fraction or exponent that fits an `Int64` is `.int`, every other number `.number`.
package indirect enum JSONTree: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case array([JSONTree])
    /// Members in document order; duplicate keys are kept (the caller decides).
    case object([Member])

    package struct Member: Sendable, Equatable {
        package var key: String
        package var value: JSONTree
    }

    /// Parses one document (surrounding whitespace allowed, nothing else after it).
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = 64) throws -> JSONTree {
        guard bytes.count > 0 else { throw JSONSyntaxError(message: "expected a value", column: 0) }
        var cursor = JSONCursor(bytes: bytes, p: 0, end: bytes.count, start: 0)
        let tree = try cursor.parseTree(depth: 0, maxDepth: maxDepth)
        cursor.skipSpace()
        guard cursor.p == cursor.end else { throw cursor.fail("unexpected bytes after the document", cursor.p) }
        return tree
    }
}

/// JSON's `null` among ``JSONTree/anyValue``'s values (Foundation's `NSNull` without Foundation).
package struct JSONNull: Sendable, Equatable {}

extension JSONTree {
    /// The tree as Foundation-style values (`[String: Any]`, `[Any]`, `String`, `Int`,
    /// `Double`, `Bool`, ``JSONNull``), for code that reads a document by casting. A duplicate
    /// key keeps its last value.
    package var anyValue: Any {
        switch self {
        case .null: return JSONNull()
        case .bool(let b): return b
        case .int(let n): return Int(n)
        case .number(let d): return d
        case .string(let s): return s
        case .array(let items): return items.map(\.anyValue)
        case .object(let members):
            var out: [String: Any] = [:]
            for m in members { out[m.key] = m.value.anyValue }
            return out
        }
    }
}

extension JSONCursor {
    /// The value at the cursor as a tree (see ``JSONTree``).
    mutating func parseTree(depth: Int, maxDepth: Int) throws -> JSONTree {
        skipSpace()
        guard p < end else { throw fail("expected a value", p) }
        switch bytes[p] {
        case 0x7B:
            guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth)", p) }
            let s = p
            p += 1
            var members: [JSONTree.Member] = []
            skipSpace()
            if p < end, bytes[p] == 0x7D { p += 1; return .object(members) }
            while true {
                skipSpace()
                guard p < end, bytes[p] == 0x22 else { throw fail("expected a key", p) }
                let key = try decodedString()
                skipSpace()
                guard p < end, bytes[p] == 0x3A else { throw fail("expected ':'", p) }
                p += 1
                members.append(.init(key: key, value: try parseTree(depth: depth + 1, maxDepth: maxDepth)))
                skipSpace()
                guard p < end else { throw fail("unterminated object", s) }
                if bytes[p] == 0x2C { p += 1; continue }
                if bytes[p] == 0x7D { p += 1; return .object(members) }
                throw fail("expected ',' or '}'", p)
            }
        case 0x5B:
            guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth)", p) }
            let s = p
            p += 1
            var items: [JSONTree] = []
            skipSpace()
            if p < end, bytes[p] == 0x5D { p += 1; return .array(items) }
            while true {
                items.append(try parseTree(depth: depth + 1, maxDepth: maxDepth))
                skipSpace()
                guard p < end else { throw fail("unterminated array", s) }
                if bytes[p] == 0x2C { p += 1; continue }
                if bytes[p] == 0x5D { p += 1; return .array(items) }
                throw fail("expected ',' or ']'", p)
            }
        case 0x22:
            return .string(try decodedString())
        default:
            switch try parseValue(depth: depth) {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .number(let r, let integer):
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
                if integer, let n = Int64(text) { return .int(n) }
                guard let d = Double(text), d.isFinite else { throw fail("number out of range", r.lowerBound) }
                return .number(d)
            case .string, .nested:
                throw fail("unexpected value", p)  // strings and containers are handled above
            }
        }
    }

    /// The string at the cursor, escapes decoded; invalid UTF-8 is an error.
    private mutating func decodedString() throws -> String {
        let at = p
        let (range, escaped) = try parseString()
        let raw = escaped ? try JSONLineParser.unescape(bytes, range) : Array(UnsafeBufferPointer(rebasing: bytes[range]))
        guard let text = String(validating: raw, as: UTF8.self) else { throw fail("invalid UTF-8 in a string", at) }
        return text
    }
}
