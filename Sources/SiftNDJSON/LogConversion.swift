import SiftFormat

/// Logs that are not NDJSON but are common on a sensor, turned into NDJSON lines so `sift
/// write` and `sift table append` take them as they are (issue 16):
///
/// - **Zeek TSV** (`#separator \x09`, `#fields`, `#types` headers): each data line becomes an
///   object of its fields, typed by `#types`: `time` as epoch seconds (inferred as a
///   timestamp in `ts`), `count`/`int`/`port` and `double`/`interval` as numbers, `bool` (`T`/`F`)
///   as booleans, `addr`, `subnet`, `string`, `enum` and sets/vectors as strings; the unset
///   field (`-`) is left out (null), the empty field (`(empty)`) is an empty string. A header
///   that changes mid-file (Zeek's rotation writes a new one) applies to the lines after it.
/// - **A JSON array of objects** (`[{...}, {...}]`, as some tools export): one line per object.
/// - **Nested objects** (Suricata's `"http": {"hostname": ...}`) become dotted keys
///   (`http.hostname`), in NDJSON and JSON arrays alike (``NestedFlattening``).
public enum LogConversion {
    /// What a buffer holds, by its first bytes.
    public enum Kind: String, Sendable { case ndjson, zeekTSV = "zeek-tsv", jsonArray = "json-array" }

    /// The kind of a log.
    public static func kind(of bytes: UnsafeBufferPointer<UInt8>) -> Kind {
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "[") { return .jsonArray }
        let separator = Array("#separator".utf8)
        if bytes.count >= separator.count, Array(bytes[0..<separator.count]) == separator { return .zeekTSV }
        return .ndjson
    }

    /// NDJSON lines for a Zeek TSV log or a JSON array, and for NDJSON whose records hold
    /// nested objects (flattened to dotted keys, ``NestedFlattening``); nil for flat NDJSON
    /// (used as it is).
    /// - Throws: `LineError` naming the line (TSV) or byte (JSON array) of what does not fit.
    public static func ndjson(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [UInt8]? {
        switch kind(of: bytes) {
        case .ndjson: return NestedFlattening.hasNestedObjects(bytes) ? NestedFlattening.flatten(bytes) : nil
        case .zeekTSV: return try zeekTSV(bytes)
        case .jsonArray:
            let lines = try jsonArray(bytes)
            return lines.withUnsafeBufferPointer { NestedFlattening.hasNestedObjects($0) ? NestedFlattening.flatten($0) : lines }
        }
    }

    static func zeekTSV(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        var fields: [[UInt8]] = [], types: [String] = []
        var unset = Array("-".utf8), empty = Array("(empty)".utf8)
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var line = Array(bytes[start..<end])
            start = end + 1
            if line.last == 0x0D { line.removeLast() }
            if line.isEmpty { continue }
            let cells = line.split(separator: 0x09, omittingEmptySubsequences: false).map(Array.init)
            if line.first == UInt8(ascii: "#") {
                switch String(decoding: cells[0], as: UTF8.self) {
                case "#fields": fields = Array(cells.dropFirst())
                case "#types": types = cells.dropFirst().map { String(decoding: $0, as: UTF8.self) }
                case "#unset_field": unset = cells.count > 1 ? cells[1] : unset
                case "#empty_field": empty = cells.count > 1 ? cells[1] : empty
                default: break  // #separator, #set_separator, #path, #open, #close
                }
                continue
            }
            guard !fields.isEmpty else { throw LineError(line: lineNumber, field: nil, column: nil, reason: "a Zeek log line before any #fields header") }
            guard cells.count == fields.count else {
                throw LineError(line: lineNumber, field: nil, column: nil, reason: "\(cells.count) fields; the #fields header names \(fields.count)")
            }
            out.append(UInt8(ascii: "{"))
            var first = true
            for (k, cell) in cells.enumerated() where cell != unset {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                TextForms.appendJSONString(fields[k], to: &out)
                out.append(UInt8(ascii: ":"))
                let type = k < types.count ? types[k] : "string"
                switch type {
                case "time", "interval", "double", "count", "int", "port":
                    // Zeek writes these as plain decimal numbers; anything else is a string.
                    if isNumber(cell) { out += cell } else { TextForms.appendJSONString(cell, to: &out) }
                case "bool":
                    if cell == [UInt8(ascii: "T")] { out += Array("true".utf8) } else if cell == [UInt8(ascii: "F")] { out += Array("false".utf8) }
                    else { TextForms.appendJSONString(cell, to: &out) }
                default:
                    TextForms.appendJSONString(cell == empty ? [] : unescapeZeek(cell), to: &out)
                }
            }
            out += Array("}\n".utf8)
        }
        return out
    }

    /// A decimal number as JSON takes it (`-`, digits, a fraction, an exponent).
    static func isNumber(_ cell: [UInt8]) -> Bool {
        guard !cell.isEmpty else { return false }
        var i = cell[0] == UInt8(ascii: "-") ? 1 : 0
        guard i < cell.count, isDigit(cell[i]) else { return false }
        while i < cell.count, isDigit(cell[i]) { i += 1 }
        if i < cell.count, cell[i] == UInt8(ascii: ".") {
            i += 1
            guard i < cell.count, isDigit(cell[i]) else { return false }
            while i < cell.count, isDigit(cell[i]) { i += 1 }
        }
        if i < cell.count, cell[i] == UInt8(ascii: "e") || cell[i] == UInt8(ascii: "E") {
            i += 1
            if i < cell.count, cell[i] == UInt8(ascii: "+") || cell[i] == UInt8(ascii: "-") { i += 1 }
            guard i < cell.count, isDigit(cell[i]) else { return false }
            while i < cell.count, isDigit(cell[i]) { i += 1 }
        }
        return i == cell.count
    }

    /// Zeek escapes non-printable bytes (and the separator) as `\xNN`; the value is the bytes.
    static func unescapeZeek(_ cell: [UInt8]) -> [UInt8] {
        guard cell.contains(UInt8(ascii: "\\")) else { return cell }
        var out: [UInt8] = []
        var i = 0
        while i < cell.count {
            if cell[i] == UInt8(ascii: "\\"), i + 3 < cell.count, cell[i + 1] == UInt8(ascii: "x"), isHex(cell[i + 2]), isHex(cell[i + 3]) {
                out.append(hexValue(cell[i + 2]) << 4 | hexValue(cell[i + 3]))
                i += 4
            } else {
                out.append(cell[i])
                i += 1
            }
        }
        return out
    }

    /// The objects of a JSON array, one per line, each with only the whitespace outside its
    /// strings removed (nothing else changes: no flattening).
    /// - Throws: `LineError` naming the byte of what is not an array of objects.
    package static func jsonArray(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var cursor = JSONCursor(bytes: bytes, p: 0, end: bytes.count, start: 0)
        var out: [UInt8] = []
        func fail(_ e: JSONSyntaxError) -> LineError { LineError(line: 1, field: nil, column: e.column, reason: "in the JSON array: " + e.message) }
        do {
            cursor.skipSpace()
            cursor.p += 1  // the '['
            cursor.skipSpace()
            if cursor.p < cursor.end, bytes[cursor.p] == UInt8(ascii: "]") { return [] }
            while true {
                cursor.skipSpace()
                let at = cursor.p
                guard case .nested(let range) = try cursor.parseValue(depth: 0), bytes[range.lowerBound] == UInt8(ascii: "{") else {
                    throw JSONSyntaxError(message: "an element is not an object", column: at)
                }
                // Pretty-printed elements span lines: whitespace outside strings goes (a string
                // cannot hold a raw line break, so none is lost).
                var inString = false, escaped = false
                for b in bytes[range] {
                    if inString {
                        if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                    } else if b == 0x22 {
                        inString = true
                    } else if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                        continue
                    }
                    out.append(b)
                }
                out.append(0x0A)
                cursor.skipSpace()
                guard cursor.p < cursor.end else { throw JSONSyntaxError(message: "the array does not end", column: cursor.p) }
                if bytes[cursor.p] == UInt8(ascii: ",") { cursor.p += 1; continue }
                if bytes[cursor.p] == UInt8(ascii: "]") { cursor.p += 1; break }
                throw JSONSyntaxError(message: "expected ',' or ']'", column: cursor.p)
            }
            cursor.skipSpace()
            guard cursor.p == cursor.end else { throw JSONSyntaxError(message: "bytes after the array", column: cursor.p) }
        } catch let error as JSONSyntaxError {
            throw fail(error)
        }
        return out
    }
}
