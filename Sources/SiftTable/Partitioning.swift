import SiftPlatform
import SiftFormat
import SiftIndex

/// How a table splits rows into folders (`spec/table.md` §5): a list of expressions, each a
/// column (`event_type`) or the UTC date of a timestamp column (`date(ts)`).
public struct Partitioning: Sendable, Equatable {
    /// One partition expression: a column, maybe transformed.
    public struct Column: Sendable, Equatable {
        /// How a value becomes a partition value: itself, or the UTC date of a timestamp.
        public enum Transform: Sendable, Equatable { case identity, date }
        /// As written in the metadata: `event_type`, `date(ts)`.
        public var expression: String
        /// The folder key: the column's name, or `date` for `date(ts)`.
        public var name: String
        /// The source column in the table's schema.
        public var column: Int
        /// The transform applied to the column's values.
        public var transform: Transform
    }

    /// The partition expressions in folder order.
    public var columns: [Column]

    /// Types that identity partitioning accepts: values with an exact short text form.
    static let identityTypes: Set<ColumnType> = [.string, .bool, .int32, .int64, .uint16, .uint32]

    /// Partitioning by expressions (`col` or `date(col)`), checked against `schema`.
    /// - Throws: `TableError.invalidArgument` for an unknown column or a transform that does not fit its type.
    public init(expressions: [String], schema: Schema) throws {
        var columns: [Column] = []
        for raw in expressions {
            let e = raw.trimmingWhitespace()
            if e.hasPrefix("date("), e.hasSuffix(")") {
                let name = String(e.dropFirst(5).dropLast())
                guard let c = schema.index(of: name) else { throw TableError(.invalidArgument, "partition '\(e)': no column '\(name)'") }
                guard schema.fields[c].type == .timestamp else { throw TableError(.invalidArgument, "partition '\(e)': '\(name)' is \(schema.fields[c].type), not timestamp") }
                columns.append(Column(expression: e, name: "date", column: c, transform: .date))
            } else {
                guard let c = schema.index(of: e) else { throw TableError(.invalidArgument, "partition '\(e)': no such column; partition by a column or date(timestamp column)") }
                guard Self.identityTypes.contains(schema.fields[c].type) else {
                    throw TableError(.invalidArgument, "partition '\(e)': a \(schema.fields[c].type) column cannot be a partition; use string, bool or integer columns, or date(ts)")
                }
                columns.append(Column(expression: e, name: e, column: c, transform: .identity))
            }
        }
        guard Set(columns.map(\.name)).count == columns.count else { throw TableError(.invalidArgument, "partition keys repeat: \(expressions.joined(separator: ","))") }
        self.columns = columns
    }

    /// Whether the table is unpartitioned.
    public var isEmpty: Bool { columns.isEmpty }

    /// Rows of a batch grouped by partition, groups in order of first appearance, rows ascending.
    public func split(_ batch: RecordBatch) -> [(values: [String?], rows: [Int])] {
        guard !columns.isEmpty else { return [([], Array(0..<batch.rowCount))] }
        var groups: [(values: [String?], rows: [Int])] = []
        // Per column: a code per row and the text of each code, so text is made once per value.
        // Codes and texts correspond one to one, so a tuple of codes names a partition.
        let coded = columns.map { code(batch.columns[$0.column], $0.transform) }
        var key: [Int] = Array(repeating: 0, count: columns.count)
        var groupOfKey: [[Int]: Int] = [:]
        for r in 0..<batch.rowCount {
            for k in columns.indices { key[k] = coded[k].codes[r] }
            if let g = groupOfKey[key] { groups[g].rows.append(r); continue }
            groupOfKey[key] = groups.count
            groups.append((columns.indices.map { coded[$0].texts[key[$0]] }, [r]))
        }
        return groups
    }

    /// Each row's partition text as a code into `texts` (nil text: null).
    func code(_ v: ColumnVector, _ transform: Column.Transform) -> (codes: [Int], texts: [String?]) {
        var codes = [Int](repeating: 0, count: v.count)
        var texts: [String?] = [nil]   // code 0: null
        var index: [Int64: Int] = [:]
        var stringIndex: [[UInt8]: Int] = [:]
        func intCode(_ r: Int, _ x: Int64, _ text: (Int64) -> String) {
            if v.isNull(r) { return }
            if let c = index[x] { codes[r] = c; return }
            index[x] = texts.count
            codes[r] = texts.count
            texts.append(text(x))
        }
        switch v.values {
        case .timestamp(let a) where transform == .date:
            for r in a.indices { intCode(r, Self.floorDiv(a[r], Self.microsPerDay)) { Self.dateText(day: $0) } }
        case .int32(let a): for r in a.indices { intCode(r, Int64(a[r])) { String($0) } }
        case .int64(let a): for r in a.indices { intCode(r, a[r]) { String($0) } }
        case .uint16(let a): for r in a.indices { intCode(r, Int64(a[r])) { String($0) } }
        case .uint32(let a): for r in a.indices { intCode(r, Int64(a[r])) { String($0) } }
        case .bool(let a): for r in a.indices { intCode(r, a[r] ? 1 : 0) { $0 == 1 ? "true" : "false" } }
        case .string(let s):
            for r in 0..<v.count where !v.isNull(r) {
                let bytes = Array(s[r])
                if let c = stringIndex[bytes] { codes[r] = c; continue }
                stringIndex[bytes] = texts.count
                codes[r] = texts.count
                texts.append(String(decoding: bytes, as: UTF8.self))
            }
        default:
            preconditionFailure("partition column of type \(v.type)")
        }
        return (codes, texts)
    }

    /// `date=2026-11-02/event_type=conn`: the folder of a partition, each value escaped so it
    /// is one safe path component (`spec/table.md` §5.2).
    public func folder(_ values: [String?]) -> String {
        zip(columns, values).map { "\($0.name)=\(Self.escape($1))" }.joined(separator: "/")
    }

    /// The log's partition values of a partition.
    public func valueMap(_ values: [String?]) -> [String: String?] {
        var out: [String: String?] = [:]
        for (c, v) in zip(columns, values) { out[c.name] = .some(v) }
        return out
    }

    static func escape(_ value: String?) -> String {
        guard let value else { return "__null__" }
        var out = ""
        for b in value.utf8 {
            let safe = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
            if safe { out.unicodeScalars.append(UnicodeScalar(b)) } else { out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2) }
        }
        return out.isEmpty ? "%" : out
    }

    static let microsPerDay: Int64 = 86_400_000_000

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r < 0 ? q - 1 : q
    }

    static func dateText(day: Int64) -> String { String(TextForms.formatTimestamp(day * microsPerDay).prefix(10)) }

    /// The statistics that a file's partition values imply for a source column, for pruning
    /// before any file statistics: an identity value is the column's only value; a date bounds
    /// the timestamps to that UTC day.
    public func impliedStatistics(column c: Int, values: [String: String?], type: ColumnType, rows: Int64) -> Statistics? {
        guard let p = columns.first(where: { $0.column == c }), let entry = values[p.name] else { return nil }
        guard let text = entry else { return Statistics(nullCount: UInt64(rows)) }
        func le(_ v: Int64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        switch p.transform {
        case .date:
            guard let start = TextForms.parseDate(text) else { return nil }
            // Bounds, not values present: both inexact.
            return Statistics(nullCount: 0, min: le(start), max: le(start + Self.microsPerDay - 1), minExact: false, maxExact: false)
        case .identity:
            let vector: ColumnVector
            switch type {
            case .string: vector = ColumnVector(.string(VarBytes([text])))
            case .bool: vector = ColumnVector(.bool([text == "true"]))
            case .int32: guard let v = Int32(text) else { return nil }; vector = ColumnVector(.int32([v]))
            case .int64: guard let v = Int64(text) else { return nil }; vector = ColumnVector(.int64([v]))
            case .uint16: guard let v = UInt16(text) else { return nil }; vector = ColumnVector(.uint16([v]))
            case .uint32: guard let v = UInt32(text) else { return nil }; vector = ColumnVector(.uint32([v]))
            default: return nil
            }
            // Other rows may be null only if the value is null, which is handled above.
            return StatisticsBuilder.compute(vector)
        }
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
