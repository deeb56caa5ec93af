import SiftFormat
/// One value of a flat JSON object, as the NDJSON reader sees it. Ranges index the line's bytes.
public enum JSONFieldValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number's text; `integer` when it has no fraction or exponent.
    case number(Range<Int>, integer: Bool)
    /// A string's range inside the quotes; `escaped` when it holds backslash escapes (decode
    /// with ``JSONLineParser/unescape(_:_:)``).
    case string(Range<Int>, escaped: Bool)
    /// An object or array, kept as its exact text.
    case nested(Range<Int>)
}

/// A problem in one line of NDJSON: what, and at which byte of the line.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    /// What is wrong with the JSON.
    public var message: String
    /// 0-based byte offset within the line.
    public var column: Int
    /// True when the JSON is fine but a value does not fit the schema (a wider schema would take it).
    public var schemaMismatch = false

    /// An error at byte `column` of the line.
    public init(message: String, column: Int, schemaMismatch: Bool = false) {
        self.message = message
        self.column = column
        self.schemaMismatch = schemaMismatch
    }
}

/// A strict, allocation-light parser for one NDJSON line holding a JSON object (RFC 8259).
///
/// Written here rather than taken from a library because ingest needs what general parsers do
/// not give cheaply: the exact byte range of every value (nested objects are stored verbatim,
/// errors name the byte), no per-value allocation, and no Foundation bridging.
public struct JSONLineParser {
    /// A parser (it holds no state between lines).
    public init() {}

    /// Parses `bytes[range]` as one JSON object; calls `field` with each key (range, escaped)
    /// and value in order.
    public func parseObject(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
        field: (_ key: Range<Int>, _ keyEscaped: Bool, _ value: JSONFieldValue) throws -> Void
    ) throws {
        var c = JSONCursor(bytes: bytes, p: range.lowerBound, end: range.upperBound, start: range.lowerBound)
        c.skipSpace()
        guard c.p < c.end, bytes[c.p] == 0x7B else { throw c.fail("a line must hold a JSON object", c.p) }
        c.p += 1
        c.skipSpace()
        if c.p < c.end, bytes[c.p] == 0x7D {
            c.p += 1
        } else {
            while true {
                c.skipSpace()
                guard c.p < c.end, bytes[c.p] == 0x22 else { throw c.fail("expected a key", c.p) }
                let (key, keyEscaped) = try c.parseString()
                // Keys become column names: invalid UTF-8 is refused as in values, never
                // repaired (two different bad keys would both become "\u{FFFD}").
                guard UTF8Validation.isValid(UnsafeBufferPointer(rebasing: bytes[key])) else {
                    throw c.fail("a key is not valid UTF-8", key.lowerBound - 1)
                }
                c.skipSpace()
                guard c.p < c.end, bytes[c.p] == 0x3A else { throw c.fail("expected ':' after a key", c.p) }
                c.p += 1
                c.skipSpace()
                let valueStart = c.p
                let value = try c.parseValue(depth: 1)
                do { try field(key, keyEscaped, value) } catch let error as JSONSyntaxError {
                    throw JSONSyntaxError(message: error.message, column: valueStart - range.lowerBound, schemaMismatch: error.schemaMismatch)
                }
                c.skipSpace()
                guard c.p < c.end else { throw c.fail("unterminated object", range.lowerBound) }
                if bytes[c.p] == 0x2C { c.p += 1; continue }
                if bytes[c.p] == 0x7D { c.p += 1; break }
                throw c.fail("expected ',' or '}'", c.p)
            }
        }
        c.skipSpace()
        guard c.p == c.end else { throw c.fail("text after the object", c.p) }
    }

    /// Decodes a string's escapes into UTF-8 bytes (surrogate pairs joined; lone surrogates are
    /// an error, since string columns hold valid UTF-8).
    public static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var p = range.lowerBound
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for i in 0..<4 { v = v << 4 | UInt32(hexValue(bytes[at + i])) }
            return v
        }
        while p < range.upperBound {
            let c = bytes[p]
            guard c == 0x5C else { out.append(c); p += 1; continue }
            let e = bytes[p + 1]
            p += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = hex4(p)
                p += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard p + 6 <= range.upperBound, bytes[p] == 0x5C, bytes[p + 1] == 0x75 else {
                        throw JSONSyntaxError(message: "lone UTF-16 surrogate in \\u escape", column: p)
                    }
                    let low = hex4(p + 2)
                    guard (0xDC00...0xDFFF).contains(low) else { throw JSONSyntaxError(message: "bad UTF-16 surrogate pair", column: p) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    p += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw JSONSyntaxError(message: "lone UTF-16 surrogate in \\u escape", column: p)
                }
                out.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
            default: out.append(e)
            }
        }
        return out
    }
}

/// The parser's position in one line. A struct with mutating methods (not closures over a local
/// variable), so the compiler checks exclusive access statically and the hot loop carries no
/// runtime access tracking.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var p: Int
    let end: Int
    let start: Int

    func fail(_ message: String, _ at: Int) -> JSONSyntaxError { JSONSyntaxError(message: message, column: at - start) }

    @inline(__always)
    mutating func skipSpace() {
        while p < end {
            let c = bytes[p]
            guard c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A else { return }
            p += 1
        }
    }

    /// A string starting at the opening quote; returns the range inside the quotes.
    mutating func parseString() throws -> (Range<Int>, Bool) {
        p += 1
        let s = p
        var escaped = false
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while p < end {
            // Skip 8 plain bytes at a time (SWAR): stop at the first byte of a word that may be
            // '"', '\\' or a control character (the lowest flagged byte is always a true match;
            // flags above it may not be), which the byte test below then checks. Jumping straight
            // to it, instead of stepping byte by byte to it, took a third off string scanning.
            while p + 8 <= end {
                let v = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self))
                let q = v ^ 0x2222_2222_2222_2222
                let e = v ^ 0x5C5C_5C5C_5C5C_5C5C
                let special = (((q &- 0x0101_0101_0101_0101) & ~q) | ((e &- 0x0101_0101_0101_0101) & ~e) | ((v &- 0x2020_2020_2020_2020) & ~v)) & 0x8080_8080_8080_8080
                if special != 0 {
                    p += special.trailingZeroBitCount >> 3
                    break
                }
                p += 8
            }
            guard p < end else { break }
            let c = bytes[p]
            if c == 0x22 {
                p += 1
                return (s..<(p - 1), escaped)
            }
            if c == 0x5C {
                escaped = true
                p += 1
                guard p < end else { break }
                switch bytes[p] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: p += 1
                case 0x75:
                    guard p + 4 < end, isHex(bytes[p + 1]), isHex(bytes[p + 2]), isHex(bytes[p + 3]), isHex(bytes[p + 4]) else { throw fail("bad \\u escape", p) }
                    p += 5
                default: throw fail("bad escape \\\(Character(UnicodeScalar(bytes[p])))", p)
                }
                continue
            }
            if c < 0x20 { throw fail("control character in a string", p) }
            p += 1
        }
        throw fail("unterminated string", s - 1)
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard p + n <= end else { throw fail("bad literal", p) }
        for i in 0..<n where bytes[p + i] != word.utf8Start[i] { throw fail("bad literal", p) }
        p += n
    }

    mutating func parseValue(depth: Int) throws -> JSONFieldValue {
        skipSpace()
        guard p < end else { throw fail("expected a value", p) }
        let c = bytes[p]
        switch c {
        case 0x22:
            let (r, e) = try parseString()
            return .string(r, escaped: e)
        case 0x7B, 0x5B:
            guard depth < 128 else { throw fail("nesting deeper than 128", p) }
            let s = p
            let close: UInt8 = c == 0x7B ? 0x7D : 0x5D
            p += 1
            skipSpace()
            if p < end, bytes[p] == close { p += 1; return .nested(s..<p) }
            while true {
                if c == 0x7B {
                    skipSpace()
                    guard p < end, bytes[p] == 0x22 else { throw fail("expected a key", p) }
                    _ = try parseString()
                    skipSpace()
                    guard p < end, bytes[p] == 0x3A else { throw fail("expected ':'", p) }
                    p += 1
                }
                _ = try parseValue(depth: depth + 1)
                skipSpace()
                guard p < end else { throw fail("unterminated \(c == 0x7B ? "object" : "array")", s) }
                if bytes[p] == 0x2C { p += 1; continue }
                if bytes[p] == close { p += 1; return .nested(s..<p) }
                throw fail("expected ',' or '\(Character(UnicodeScalar(close)))'", p)
            }
        case 0x74:
            try literal("true")
            return .bool(true)
        case 0x66:
            try literal("false")
            return .bool(false)
        case 0x6E:
            try literal("null")
            return .null
        case 0x2D, 0x30...0x39:
            let s = p
            var integer = true
            if bytes[p] == 0x2D { p += 1 }
            guard p < end, isDigit(bytes[p]) else { throw fail("bad number", s) }
            if bytes[p] == 0x30 { p += 1 } else { while p < end, isDigit(bytes[p]) { p += 1 } }
            if p < end, bytes[p] == 0x2E {
                integer = false
                p += 1
                guard p < end, isDigit(bytes[p]) else { throw fail("bad number", s) }
                while p < end, isDigit(bytes[p]) { p += 1 }
            }
            if p < end, bytes[p] == 0x65 || bytes[p] == 0x45 {
                integer = false
                p += 1
                if p < end, bytes[p] == 0x2B || bytes[p] == 0x2D { p += 1 }
                guard p < end, isDigit(bytes[p]) else { throw fail("bad number", s) }
                while p < end, isDigit(bytes[p]) { p += 1 }
            }
            return .number(s..<p, integer: integer)
        default:
            throw fail("unexpected character '\(Character(UnicodeScalar(c)))'", p)
        }
    }
}

