/// The values of one column for a run of rows, in memory, typed.
///
/// Null rows hold a filler value (zero, or an empty string) in ``values`` and a clear bit in
/// ``validity``; `validity == nil` means no row is null.
public struct ColumnVector: Sendable, Equatable {
    /// The values, one case per physical type.
    public enum Values: Sendable, Equatable {
        case bool([Bool])
        case int32([Int32])
        case int64([Int64])
        case uint16([UInt16])
        case uint32([UInt32])
        case float64([Double])
        case timestamp([Int64])
        case string(VarBytes)
        case binary(VarBytes)
        case ipv4([UInt32])
        case ipv6([IPv6Address])
    }

    /// The values (a filler where a row is null).
    public var values: Values
    /// Set bits mark non-null rows; nil when no row is null.
    public var validity: Bitmap?

    /// A column of `values`; `validity` (one bit per value) marks the non-null ones.
    public init(_ values: Values, validity: Bitmap? = nil) {
        self.values = values
        self.validity = validity
        precondition(validity == nil || validity!.count == count, "validity length differs from value count")
    }

    /// The column's type.
    public var type: ColumnType {
        switch values {
        case .bool: .bool
        case .int32: .int32
        case .int64: .int64
        case .uint16: .uint16
        case .uint32: .uint32
        case .float64: .float64
        case .timestamp: .timestamp
        case .string: .string
        case .binary: .binary
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        }
    }

    /// Number of rows.
    public var count: Int {
        switch values {
        case .bool(let v): v.count
        case .int32(let v): v.count
        case .int64(let v), .timestamp(let v): v.count
        case .uint16(let v): v.count
        case .uint32(let v), .ipv4(let v): v.count
        case .float64(let v): v.count
        case .string(let v), .binary(let v): v.count
        case .ipv6(let v): v.count
        }
    }

    /// Whether row `row` is null.
    public func isNull(_ row: Int) -> Bool { validity.map { !$0[row] } ?? false }

    /// Logical equality: same type, same nulls, and equal values in every non-null row. The
    /// filler in null rows does not count; doubles compare by bit pattern, so NaN equals NaN.
    public static func == (a: ColumnVector, b: ColumnVector) -> Bool {
        guard a.type == b.type, a.count == b.count else { return false }
        for i in 0..<a.count where a.isNull(i) != b.isNull(i) { return false }
        func same<T: Equatable>(_ x: [T], _ y: [T]) -> Bool {
            for i in x.indices where !a.isNull(i) && x[i] != y[i] { return false }
            return true
        }
        switch (a.values, b.values) {
        case (.bool(let x), .bool(let y)): return same(x, y)
        case (.int32(let x), .int32(let y)): return same(x, y)
        case (.int64(let x), .int64(let y)), (.timestamp(let x), .timestamp(let y)): return same(x, y)
        case (.uint16(let x), .uint16(let y)): return same(x, y)
        case (.uint32(let x), .uint32(let y)), (.ipv4(let x), .ipv4(let y)): return same(x, y)
        case (.float64(let x), .float64(let y)): return same(x.map(\.bitPattern), y.map(\.bitPattern))
        case (.ipv6(let x), .ipv6(let y)): return same(x, y)
        case (.string(let x), .string(let y)), (.binary(let x), .binary(let y)):
            for i in 0..<x.count where !a.isNull(i) && x[i] != y[i] { return false }
            return true
        default: return false
        }
    }

    /// Number of null rows.
    public var nullCount: Int { validity.map { $0.count - $0.popcount } ?? 0 }

    /// An empty vector of the given type.
    public static func empty(_ type: ColumnType) -> ColumnVector {
        switch type {
        case .bool: ColumnVector(.bool([]))
        case .int32: ColumnVector(.int32([]))
        case .int64: ColumnVector(.int64([]))
        case .uint16: ColumnVector(.uint16([]))
        case .uint32: ColumnVector(.uint32([]))
        case .float64: ColumnVector(.float64([]))
        case .timestamp: ColumnVector(.timestamp([]))
        case .string: ColumnVector(.string(VarBytes()))
        case .binary: ColumnVector(.binary(VarBytes()))
        case .ipv4: ColumnVector(.ipv4([]))
        case .ipv6: ColumnVector(.ipv6([]))
        }
    }

    /// `count` nulls of the given type (a column a file predates reads this way).
    public static func nulls(_ type: ColumnType, count: Int) -> ColumnVector {
        let empty = VarBytes(offsets: Array(repeating: 0, count: count + 1), bytes: [])
        let values: Values
        switch type {
        case .bool: values = .bool(Array(repeating: false, count: count))
        case .int32: values = .int32(Array(repeating: 0, count: count))
        case .int64: values = .int64(Array(repeating: 0, count: count))
        case .uint16: values = .uint16(Array(repeating: 0, count: count))
        case .uint32: values = .uint32(Array(repeating: 0, count: count))
        case .float64: values = .float64(Array(repeating: 0, count: count))
        case .timestamp: values = .timestamp(Array(repeating: 0, count: count))
        case .string: values = .string(empty)
        case .binary: values = .binary(empty)
        case .ipv4: values = .ipv4(Array(repeating: 0, count: count))
        case .ipv6: values = .ipv6(Array(repeating: IPv6Address(high: 0, low: 0), count: count))
        }
        return ColumnVector(values, validity: Bitmap(count: count, value: false))
    }

    /// Rows `range` as a new vector.
    public func slice(_ range: Range<Int>) -> ColumnVector {
        func sliceBytes(_ v: VarBytes) -> VarBytes {
            let base = v.offsets[range.lowerBound]
            let offsets = v.offsets[range.lowerBound...range.upperBound].map { $0 - base }
            return VarBytes(offsets: offsets, bytes: Array(v.bytes[Int(base)..<Int(v.offsets[range.upperBound])]))
        }
        let sliced: Values
        switch values {
        case .bool(let v): sliced = .bool(Array(v[range]))
        case .int32(let v): sliced = .int32(Array(v[range]))
        case .int64(let v): sliced = .int64(Array(v[range]))
        case .uint16(let v): sliced = .uint16(Array(v[range]))
        case .uint32(let v): sliced = .uint32(Array(v[range]))
        case .float64(let v): sliced = .float64(Array(v[range]))
        case .timestamp(let v): sliced = .timestamp(Array(v[range]))
        case .string(let v): sliced = .string(sliceBytes(v))
        case .binary(let v): sliced = .binary(sliceBytes(v))
        case .ipv4(let v): sliced = .ipv4(Array(v[range]))
        case .ipv6(let v): sliced = .ipv6(Array(v[range]))
        }
        return ColumnVector(sliced, validity: validity.map { $0.slice(range) })
    }

    /// The rows at `indices`, in that order, as a new vector.
    public func gather(_ indices: [Int]) -> ColumnVector {
        func pick<T>(_ a: [T]) -> [T] { indices.map { a[$0] } }
        let picked: Values
        switch values {
        case .bool(let v): picked = .bool(pick(v))
        case .int32(let v): picked = .int32(pick(v))
        case .int64(let v): picked = .int64(pick(v))
        case .uint16(let v): picked = .uint16(pick(v))
        case .uint32(let v): picked = .uint32(pick(v))
        case .float64(let v): picked = .float64(pick(v))
        case .timestamp(let v): picked = .timestamp(pick(v))
        case .ipv4(let v): picked = .ipv4(pick(v))
        case .ipv6(let v): picked = .ipv6(pick(v))
        case .string(let v), .binary(let v):
            let out = v.gathered(indices)
            picked = type == .string ? .string(out) : .binary(out)
        }
        return ColumnVector(picked, validity: validity?.gathered(indices))
    }

    /// Appends all rows of `other`, which must have the same type.
    ///
    /// - Complexity: O(`other.count`): the payload is moved out of `values` before it grows, so
    ///   appending page after page never copies what is already there.
    public mutating func append(contentsOf other: ColumnVector) {
        let before = count
        precondition(type == other.type, "append of a \(other.type) vector to a \(type) vector")
        func grow<T>(_ wrap: ([T]) -> Values, _ take: (Values) -> [T]?, _ add: [T]) {
            var a = take(values)!
            values = .bool([])  // drop the enum's reference, so `a` is uniquely held
            a.append(contentsOf: add)
            values = wrap(a)
        }
        switch other.values {
        case .bool(let b): grow({ .bool($0) }, { if case .bool(let a) = $0 { a } else { nil } }, b)
        case .int32(let b): grow({ .int32($0) }, { if case .int32(let a) = $0 { a } else { nil } }, b)
        case .int64(let b): grow({ .int64($0) }, { if case .int64(let a) = $0 { a } else { nil } }, b)
        case .uint16(let b): grow({ .uint16($0) }, { if case .uint16(let a) = $0 { a } else { nil } }, b)
        case .uint32(let b): grow({ .uint32($0) }, { if case .uint32(let a) = $0 { a } else { nil } }, b)
        case .float64(let b): grow({ .float64($0) }, { if case .float64(let a) = $0 { a } else { nil } }, b)
        case .timestamp(let b): grow({ .timestamp($0) }, { if case .timestamp(let a) = $0 { a } else { nil } }, b)
        case .ipv4(let b): grow({ .ipv4($0) }, { if case .ipv4(let a) = $0 { a } else { nil } }, b)
        case .ipv6(let b): grow({ .ipv6($0) }, { if case .ipv6(let a) = $0 { a } else { nil } }, b)
        case .string(let b), .binary(let b):
            var a: VarBytes
            switch values {
            case .string(let v), .binary(let v): a = v
            default: preconditionFailure("unreachable: types were checked")
            }
            let isString = type == .string
            values = .bool([])
            a.append(contentsOf: b)
            values = isString ? .string(a) : .binary(a)
        }
        if validity != nil || other.validity != nil {
            var merged = validity ?? Bitmap(count: before, value: true)
            validity = nil
            merged.append(contentsOf: other.validity ?? Bitmap(count: other.count, value: true))
            validity = merged
        }
    }
}

/// Rows of several columns that share one schema.
public struct RecordBatch: Sendable, Equatable {
    /// The batch's columns.
    public var schema: Schema
    /// One vector per field of `schema`, all of the same length.
    public var columns: [ColumnVector]

    /// A batch; the columns must match the schema's types and nullability and have one length.
    /// - Throws: `FormatError.invalidArgument` naming the column that does not fit.
    public init(schema: Schema, columns: [ColumnVector]) throws(FormatError) {
        guard columns.count == schema.fields.count else {
            throw FormatError(.invalidArgument, "batch has \(columns.count) columns; the schema has \(schema.fields.count)")
        }
        let rows = columns.first?.count ?? 0
        for (field, column) in zip(schema.fields, columns) {
            guard column.type == field.type else {
                throw FormatError(.invalidArgument, "column is \(column.type), schema says \(field.type)", column: field.name)
            }
            guard column.count == rows else {
                throw FormatError(.invalidArgument, "column has \(column.count) rows, expected \(rows)", column: field.name)
            }
            if !field.nullable, column.nullCount > 0 {
                throw FormatError(.invalidArgument, "non-nullable column holds nulls", column: field.name)
            }
        }
        self.schema = schema
        self.columns = columns
    }

    /// Number of rows.
    public var rowCount: Int { columns.first?.count ?? 0 }
}
