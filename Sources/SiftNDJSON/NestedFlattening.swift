import SiftFormat

/// Nested objects in NDJSON records become dotted columns (`{"http": {"hostname": "a"}}` ->
/// `{"http.hostname": "a"}`), so Suricata's `http.hostname` or `tls.sni` is a column a query can
/// name and a bloom filter can index, instead of JSON text. Values are copied byte for byte
/// (numbers keep their text); arrays and empty objects stay as they are (JSON text columns);
/// objects nested deeper than `maxDepth` levels stay JSON text too. A line that is not a JSON
/// object is copied unchanged, so the importer still reports it with its line number, and
/// every line keeps its number.
public enum NestedFlattening {
    /// Levels of objects flattened (deeper ones are kept as JSON text).
    public static let maxDepth = 8
    /// Lines looked at to decide whether an input has nested objects at all.
    static let sampleLines = 1000

    /// Whether one of the first lines holds an object inside an object.
    public static func hasNestedObjects(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var found = false
        NDJSONLines.forEach(bytes, lines: sampleLines) { range, _ in
            guard !found else { return }
            try? JSONLineParser().parseObject(bytes, range) { _, _, value in
                if case .nested(let r) = value, bytes[r.lowerBound] == 0x7B, r.count > 2 { found = true }
            }
        }
        return found
    }

    /// The input with nested objects flattened, one output line per input line.
    public static func flatten(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var line: [UInt8] = [0x7B]
            var first = true
            do {
                try members(bytes, start..<end, prefix: [], depth: 1, into: &line, first: &first)
                line.append(0x7D)
                out += line
            } catch {
                out += bytes[start..<end]   // not an object: left for the importer to report
            }
            if end < bytes.count { out.append(0x0A) }
            start = end + 1
        }
        return out
    }

    /// Appends the members of the object at `range`, keys prefixed, nested objects flattened.
    static func members(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, prefix: [UInt8], depth: Int,
                        into line: inout [UInt8], first: inout Bool) throws {
        try JSONLineParser().parseObject(bytes, range) { keyRange, keyEscaped, value in
            let key = prefix + (keyEscaped ? try JSONLineParser.unescape(bytes, keyRange) : Array(bytes[keyRange]))
            if case .nested(let r) = value, bytes[r.lowerBound] == 0x7B, depth < maxDepth, !isEmptyObject(bytes, r) {
                try members(bytes, r, prefix: key + [0x2E], depth: depth + 1, into: &line, first: &first)
                return
            }
            if !first { line.append(0x2C) }
            first = false
            TextForms.appendJSONString(key, to: &line)
            line.append(0x3A)
            switch value {
            case .null: line += Array("null".utf8)
            case .bool(let b): line += Array((b ? "true" : "false").utf8)
            case .number(let r, _), .nested(let r): line += bytes[r]
            case .string(let r, _):
                line.append(0x22)
                line += bytes[r]
                line.append(0x22)
            }
        }
    }

    static func isEmptyObject(_ bytes: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        bytes[r].allSatisfy { $0 == 0x7B || $0 == 0x7D || $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
