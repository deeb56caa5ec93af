import SiftIndex
import SiftNDJSON

/// The fast path for reading log entries: `add`, `remove` and `commit_info` lines, which are
/// nearly all of a log, decoded straight from their bytes instead of through `JSONDecoder`
/// (which spent 4 ms of a 10 ms needle query on a 3-commit table).
///
/// The bytes are read by `JSONTree` (the strict parser NDJSON ingest uses). It accepts only the
/// shapes it is sure of and answers nil for anything else (a malformed document, an unexpected
/// type, a duplicate key), so the caller falls back to `JSONDecoder`: results are the same either
/// way, and errors keep `JSONDecoder`'s detailed messages.
enum FastActionDecoder {
    static func decode(_ line: ArraySlice<UInt8>) -> Action? {
        line.withUnsafeBufferPointer { buffer in
            guard let root = try? JSONTree.parse(buffer, maxDepth: 16), case .object(let fields) = root, fields.count == 1,
                  case .object(let object) = fields[0].value, let o = Object(object) else { return nil }
            switch fields[0].key {
            case "add": return add(o).map { .add($0) }
            case "remove": return remove(o).map { .remove($0) }
            case "commit_info": return commitInfo(o).map { .commitInfo($0) }
            case "index": return index(o).map { .index($0) }
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
        for (k, v) in partitions.map({ ($0.key, $0.value) }) {
            switch v {
            case .string(let s): partitionValues[k] = .some(s)
            case .null: partitionValues[k] = .some(nil)
            default: return nil
            }
        }
        var stats: [String: ColumnStatsJSON] = [:]
        for (name, value) in statFields.map({ ($0.key, $0.value) }) {
            guard case .object(let f) = value, let s = Object(f) else { return nil }
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
            guard let spec = Object(c), let curve = spec.string("curve"), case .array(let columns)? = spec["columns"] else { return nil }
            var names: [String] = []
            for v in columns {
                guard case .string(let s) = v else { return nil }
                names.append(s)
            }
            guard let curve = SpaceFillingCurve(rawValue: curve) else { return nil }
            clustering = ClusteringSpec(curve: curve, columns: names)
        default: return nil
        }
        return AddAction(path: path, partitionValues: partitionValues, size: size, rows: rows, modificationTime: time,
                         dataChange: change, stats: stats, blooms: blooms, clustering: clustering)
    }

    /// A checkpoint's list of index segments (the footer's `sift.table.index`), or nil to fall
    /// back to `JSONDecoder`. On a table of 100,000 files the list names every file, and
    /// `JSONDecoder` spent more time on it than on the rest of the checkpoint.
    static func indexActions(_ text: String) -> [IndexAction]? {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            guard let root = try? JSONTree.parse(buffer, maxDepth: 16), case .array(let items) = root else { return nil }
            var out: [IndexAction] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard case .object(let fields) = item, let o = Object(fields), let action = index(o) else { return nil }
                out.append(action)
            }
            return out
        }
    }

    private static func index(_ o: Object) -> IndexAction? {
        guard let path = o.string("path"), let size = o.int("size"), case .array(let fileValues)? = o["files"],
              case .object(let columnFields)? = o["columns"], unique(columnFields) else { return nil }
        var files: [String] = []
        files.reserveCapacity(fileValues.count)
        for v in fileValues {
            guard case .string(let s) = v else { return nil }
            files.append(s)
        }
        var columns: [String: UInt8] = [:]
        for m in columnFields {
            guard case .int(let n) = m.value, let bits = UInt8(exactly: n) else { return nil }
            columns[m.key] = bits
        }
        guard let pairs = pairs(o["pairs"]) else { return nil }
        return IndexAction(path: path, files: files, columns: columns, size: size, pairs: pairs)
    }

    /// An index action's or segment entry's `pairs` (absent: none); anything but a list of
    /// lists of two strings falls back to `JSONDecoder` (which then reports it).
    private static func pairs(_ value: JSONTree?) -> [[String]]? {
        guard let value else { return [] }
        guard case .array(let items) = value else { return nil }
        var out: [[String]] = []
        for item in items {
            guard case .array(let names) = item, names.count == 2, case .string(let a) = names[0], case .string(let b) = names[1] else { return nil }
            out.append([a, b])
        }
        return out
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
        for (k, v) in parameterFields.map({ ($0.key, $0.value) }) {
            guard case .string(let s) = v else { return nil }
            parameters[k] = s
        }
        var metrics: [String: Int64] = [:]
        for (k, v) in metricFields.map({ ($0.key, $0.value) }) {
            guard case .int(let n) = v else { return nil }
            metrics[k] = n
        }
        return CommitInfo(timestamp: timestamp, operation: operation, parameters: parameters, readVersion: readVersion,
                          isBlindAppend: blind, engine: engine, metrics: metrics)
    }

    /// Whether an object's keys are distinct (duplicates are left to JSONDecoder).
    private static func unique(_ fields: [JSONTree.Member]) -> Bool {
        Set(fields.map(\.key)).count == fields.count
    }

    /// An object's members by key, searched in order (objects here have a handful of keys,
    /// where a dictionary costs more to build than it saves). nil for an object with duplicate
    /// keys (`JSONDecoder` would take one of them; this path declines) or too many to be a log
    /// action's.
    private struct Object {
        let members: [JSONTree.Member]
        init?(_ fields: [JSONTree.Member]) {
            guard fields.count <= 64 else { return nil }
            for i in fields.indices {
                for j in (i + 1)..<fields.count where fields[i].key == fields[j].key { return nil }
            }
            members = fields
        }
        subscript(key: String) -> JSONTree? {
            for m in members where m.key == key { return m.value }
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
