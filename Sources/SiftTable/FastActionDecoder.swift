/// The fast path for reading log entries: `add`, `remove` and `commit_info` lines, which are
/// nearly all of a log, decoded straight from their bytes instead of through `JSONDecoder`
/// (which spent 4 ms of a 10 ms needle query on a 3-commit table).
///
/// It accepts only what it is sure of (objects, strings without escapes, integers, booleans,
/// null) and answers nil for anything else, so the caller falls back to `JSONDecoder`: results
/// are the same either way, and errors keep their detailed messages.
enum FastActionDecoder {
    static func decode(_ line: ArraySlice<UInt8>) -> Action? {
        line.withUnsafeBufferPointer { buffer in
            var parser = TinyJSON(bytes: buffer)
            guard let root = parser.parseDocument(), case .object(let fields) = root, fields.count == 1 else { return nil }
            let (kind, body) = fields[0]
            guard case .object(let object) = body else { return nil }
            let o = Object(object)
            switch kind {
            case "add": return add(o).map { .add($0) }
            case "remove": return remove(o).map { .remove($0) }
            case "commit_info": return commitInfo(o).map { .commitInfo($0) }
            default: return nil
            }
        }
    }

    private static func add(_ o: Object) -> AddAction? {
        guard let path = o.string("path"), let size = o.int("size"), let rows = o.int("rows"),
              let time = o.int("modification_time"), let change = o.bool("data_change"),
              case .object(let partitions)? = o["partition_values"], case .object(let statFields)? = o["stats"],
              case .array(let bloomValues)? = o["blooms"] else { return nil }
        guard unique(partitions), unique(statFields) else { return nil }
        var partitionValues: [String: String?] = [:]
        for (k, v) in partitions {
            switch v {
            case .string(let s): partitionValues[k] = .some(s)
            case .null: partitionValues[k] = .some(nil)
            default: return nil
            }
        }
        var stats: [String: ColumnStatsJSON] = [:]
        for (name, value) in statFields {
            guard case .object(let f) = value else { return nil }
            let s = Object(f)
            guard let nulls = s.int("nulls"), nulls >= 0, let minExact = s.bool("min_exact"), let maxExact = s.bool("max_exact"),
                  let min = s.optionalString("min"), let max = s.optionalString("max") else { return nil }
            stats[name] = ColumnStatsJSON(nulls: UInt64(nulls), min: min, max: max, minExact: minExact, maxExact: maxExact)
        }
        var blooms: [String] = []
        for v in bloomValues {
            guard case .string(let s) = v else { return nil }
            blooms.append(s)
        }
        var clustering: ClusteringSpec?
        switch o["clustering"] {
        case nil, .null?: clustering = nil
        case .object(let c)?:
            let spec = Object(c)
            guard let curve = spec.string("curve"), case .array(let columns)? = spec["columns"] else { return nil }
            var names: [String] = []
            for v in columns {
                guard case .string(let s) = v else { return nil }
                names.append(s)
            }
            clustering = ClusteringSpec(curve: curve, columns: names)
        default: return nil
        }
        return AddAction(path: path, partitionValues: partitionValues, size: size, rows: rows, modificationTime: time,
                         dataChange: change, stats: stats, blooms: blooms, clustering: clustering)
    }

    private static func remove(_ o: Object) -> RemoveAction? {
        guard let path = o.string("path"), let time = o.int("deletion_time"), let change = o.bool("data_change"),
              let size = o.int("size") else { return nil }
        return RemoveAction(path: path, deletionTime: time, dataChange: change, size: size)
    }

    private static func commitInfo(_ o: Object) -> CommitInfo? {
        guard let timestamp = o.int("timestamp"), let operation = o.string("operation"), let engine = o.string("engine"),
              let blind = o.bool("is_blind_append"), case .object(let parameterFields)? = o["parameters"],
              case .object(let metricFields)? = o["metrics"] else { return nil }
        var readVersion: Int64?
        switch o["read_version"] {
        case nil, .null?: readVersion = nil
        case .int(let v)?: readVersion = v
        default: return nil
        }
        guard unique(parameterFields), unique(metricFields) else { return nil }
        var parameters: [String: String] = [:]
        for (k, v) in parameterFields {
            guard case .string(let s) = v else { return nil }
            parameters[k] = s
        }
        var metrics: [String: Int64] = [:]
        for (k, v) in metricFields {
            guard case .int(let n) = v else { return nil }
            metrics[k] = n
        }
        return CommitInfo(timestamp: timestamp, operation: operation, parameters: parameters, readVersion: readVersion,
                          isBlindAppend: blind, engine: engine, metrics: metrics)
    }

    /// Whether an object's keys are distinct (duplicates are left to JSONDecoder).
    private static func unique(_ fields: [(String, TinyJSON.Value)]) -> Bool {
        Set(fields.map(\.0)).count == fields.count
    }

    /// An object's members by key, searched in order (objects here have a handful of keys,
    /// where a dictionary costs more to build than it saves). Duplicate keys: `JSONDecoder`
    /// would take one of them; this path declines by answering `.invalid` for every key.
    private struct Object {
        let members: [(String, TinyJSON.Value)]
        let valid: Bool
        init(_ fields: [(String, TinyJSON.Value)]) {
            members = fields
            var valid = fields.count <= 64  // larger objects are not log actions' shapes
            for i in fields.indices where valid {
                for j in (i + 1)..<fields.count where fields[i].0 == fields[j].0 { valid = false; break }
            }
            self.valid = valid
        }
        subscript(key: String) -> TinyJSON.Value? {
            guard valid else { return .invalid }
            for (k, v) in members where k == key { return v }
            return nil
        }
        func string(_ key: String) -> String? { if case .string(let s)? = self[key] { s } else { nil } }
        func int(_ key: String) -> Int64? { if case .int(let n)? = self[key] { n } else { nil } }
        func bool(_ key: String) -> Bool? { if case .bool(let b)? = self[key] { b } else { nil } }
        /// Absent or null: .some(nil); a string: .some(s); anything else: nil.
        func optionalString(_ key: String) -> String?? {
            switch self[key] {
            case nil, .null?: .some(nil)
            case .string(let s)?: .some(s)
            default: nil
            }
        }
    }
}

/// A minimal JSON reader for the fast path: no escapes in strings, integers only.
struct TinyJSON {
    indirect enum Value {
        case null, bool(Bool), int(Int64), string(String), array([Value]), object([(String, Value)])
        /// Marks an object the fast path declines.
        case invalid
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() -> Value? {
        guard let v = value() else { return nil }
        skipSpace()
        return i == bytes.count ? v : nil
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        for k in 0..<n where bytes[i + k] != text.utf8Start[k] { return false }
        i += n
        return true
    }

    private mutating func value() -> Value? {
        skipSpace()
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return integer()
        }
    }

    private mutating func integer() -> Value? {
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let start = i
        var magnitude: UInt64 = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(bytes[i] - 0x30))
            guard !o1, !o2 else { return nil }
            magnitude = s
            i += 1
        }
        // No digits, a leading zero before more digits, or a fraction/exponent: not ours.
        guard i > start, !(bytes[start] == 0x30 && i - start > 1) else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return .int(Int64(magnitude))
    }

    private mutating func string() -> String? {
        i += 1
        let start = i
        var ascii = true
        while i < bytes.count {
            let c = bytes[i]
            if c >= 0x80 { ascii = false }
            if c == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<i])
                i += 1
                if ascii { return String(decoding: text, as: UTF8.self) }
                // Invalid UTF-8 is JSONDecoder's to report.
                return String(validating: text, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    private mutating func array() -> Value? {
        depth += 1
        defer { depth -= 1 }
        guard depth < 16 else { return nil }
        i += 1
        var items: [Value] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            guard let v = value() else { return nil }
            items.append(v)
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            return nil
        }
    }

    private mutating func object() -> Value? {
        depth += 1
        defer { depth -= 1 }
        guard depth < 16 else { return nil }
        i += 1
        var fields: [(String, Value)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let v = value() else { return nil }
            fields.append((key, v))
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
            return nil
        }
    }
}
