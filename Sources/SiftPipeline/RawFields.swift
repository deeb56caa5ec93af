import SiftFormat
import SiftNDJSON

/// The fields of a raw event by name: a JSON object flattened (a nested object's keys joined
/// to its own with `.`, as Zeek already names `id.orig_h`), or a Zeek TSV line split along its
/// field names. Values stay text until a parser asks for a type.
public struct RawFields: Sendable {
    public enum Value: Sendable, Equatable {
        case string(String)
        /// A number's text as it stood.
        case number(String)
        case bool(Bool)
        /// An array, as its JSON text.
        case array([UInt8])
    }

    public private(set) var values: [String: Value] = [:]

    /// Flattens a JSON object (nested objects to dotted names; null values left out).
    public init(json: [UInt8]) throws {
        try json.withUnsafeBufferPointer { buffer in try Self.flatten(buffer, 0..<buffer.count, prefix: "", into: &values) }
    }

    static func flatten(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, prefix: String, into values: inout [String: Value]) throws {
        try JSONLineParser().parseObject(b, range) { keyRange, escaped, value in
            let key = prefix + String(decoding: escaped ? try JSONLineParser.unescape(b, keyRange) : Array(b[keyRange]), as: UTF8.self)
            switch value {
            case .null: break
            case .bool(let v): values[key] = .bool(v)
            case .number(let r, _): values[key] = .number(String(decoding: b[r], as: UTF8.self))
            case .string(let r, let esc): values[key] = .string(String(decoding: esc ? try JSONLineParser.unescape(b, r) : Array(b[r]), as: UTF8.self))
            case .nested(let r):
                if b[r.lowerBound] == UInt8(ascii: "{") { try flatten(b, r, prefix: key + ".", into: &values) } else { values[key] = .array(Array(b[r])) }
            }
        }
    }

    /// Splits a Zeek TSV line along `fields`: `-` is unset (left out), `(empty)` an empty value;
    /// sets and vectors keep Zeek's `,` separator.
    public init(tsv line: String, fields: [String]) throws {
        let cells = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard cells.count == fields.count else {
            throw ParseFailure("the TSV line has \(cells.count) fields; its header names \(fields.count)")
        }
        for (name, cell) in zip(fields, cells) where cell != "-" {
            values[name] = .string(cell == "(empty)" ? "" : String(cell))
        }
    }

    /// A field as text (numbers and booleans in their JSON form).
    public func text(_ name: String) -> String? {
        switch values[name] {
        case .string(let s): s
        case .number(let s): s
        case .bool(let v): v ? "true" : "false"
        case .array(let a): String(decoding: a, as: UTF8.self)
        case nil: nil
        }
    }

    /// The first of several names that is present.
    public func text(_ names: String...) -> String? { names.lazy.compactMap { text($0) }.first }

    /// An array of strings (JSON) or Zeek's comma-separated set, joined with `,`.
    public func list(_ name: String) -> String? {
        guard case .array(let a) = values[name] else { return text(name) }
        var items: [String] = []
        a.withUnsafeBufferPointer { b in
            var p = 0
            while p < b.count {
                guard b[p] == UInt8(ascii: "\"") else { p += 1; continue }
                var q = p + 1
                while q < b.count, b[q] != UInt8(ascii: "\"") { q += b[q] == UInt8(ascii: "\\") ? 2 : 1 }
                let text = (try? JSONLineParser.unescape(b, (p + 1)..<min(q, b.count))) ?? Array(b[(p + 1)..<min(q, b.count)])
                items.append(String(decoding: text, as: UTF8.self))
                p = q + 1
            }
        }
        return items.joined(separator: ",")
    }

    /// A boolean from JSON or Zeek's `T`/`F`.
    public func bool(_ name: String) -> Bool? {
        switch values[name] {
        case .bool(let v): v
        case .string("T"), .string("true"): true
        case .string("F"), .string("false"): false
        default: nil
        }
    }
}

/// Why a parser rejected an event.
public struct ParseFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
