import SiftFormat
/// Accumulates one column's values row by row; null rows hold zero / empty. Only the array
/// that matches the type is used; keeping them as separate stored properties lets appends
/// mutate in place.
struct ColumnBuilder {
    let type: ColumnType
    var bools: [Bool] = []
    var i64s: [Int64] = []
    var u32s: [UInt32] = []
    var u16s: [UInt16] = []
    var f64s: [Double] = []
    var bytes = VarBytes()
    var ip6s: [IPv6Address] = []
    /// Created at the first null; until then every row is valid and only `rows` counts.
    var validity: Bitmap?
    var rows = 0
    var nulls = 0

    init(type: ColumnType) { self.type = type }

    /// Makes room for `rows` values up front, so the arrays are not copied as they grow.
    mutating func reserve(rows: Int) {
        switch type {
        case .bool: bools.reserveCapacity(rows)
        case .int32, .int64, .timestamp: i64s.reserveCapacity(rows)
        case .uint32, .ipv4: u32s.reserveCapacity(rows)
        case .uint16: u16s.reserveCapacity(rows)
        case .float64: f64s.reserveCapacity(rows)
        case .string, .binary: bytes.reserve(values: rows, bytes: 0)
        case .ipv6: ip6s.reserveCapacity(rows)
        }
    }

    var count: Int { rows }

    @inline(__always)
    private mutating func appendValidity(_ valid: Bool) {
        if validity != nil {
            validity!.append(valid)
        } else if !valid {
            var bitmap = Bitmap(count: rows, value: true)
            bitmap.append(false)
            validity = bitmap
        }
        rows += 1
    }

    mutating func appendNull() {
        nulls += 1
        appendValidity(false)
        switch type {
        case .bool: bools.append(false)
        case .int32, .int64, .timestamp: i64s.append(0)
        case .uint32, .ipv4: u32s.append(0)
        case .uint16: u16s.append(0)
        case .float64: f64s.append(0)
        case .string, .binary: bytes.append(EmptyCollection<UInt8>())
        case .ipv6: ip6s.append(IPv6Address(high: 0, low: 0))
        }
    }

    @inline(__always)
    mutating func append(_ value: ParsedValue) {
        appendValidity(true)
        switch value {
        case .bool(let v): bools.append(v)
        case .int(let v): i64s.append(v)
        case .uint(let v): if type == .uint16 { u16s.append(UInt16(v)) } else { u32s.append(UInt32(v)) }
        case .double(let v): f64s.append(v)
        case .bytes(let v): bytes.append(v)
        case .ip(let v): ip6s.append(v)
        }
    }

    /// Appends raw bytes of a string or binary value straight from the input.
    mutating func appendBytes(_ value: Slice<UnsafeBufferPointer<UInt8>>) {
        appendValidity(true)
        bytes.append(value)
    }

    /// Takes back the last value (a row that failed half way).
    mutating func removeLast() {
        if let v = validity {
            if !v[rows - 1] { nulls -= 1 }
            validity!.removeLast()
        }
        rows -= 1
        switch type {
        case .bool: bools.removeLast()
        case .int32, .int64, .timestamp: i64s.removeLast()
        case .uint32, .ipv4: u32s.removeLast()
        case .uint16: u16s.removeLast()
        case .float64: f64s.removeLast()
        case .string, .binary: bytes.removeLast()
        case .ipv6: ip6s.removeLast()
        }
    }

    /// The column so far, and a fresh builder.
    mutating func take() -> ColumnVector {
        let valid = nulls > 0 ? validity : nil
        let values: ColumnVector.Values
        switch type {
        case .bool: values = .bool(bools)
        case .int32: values = .int32(i64s.map { Int32(truncatingIfNeeded: $0) })
        case .int64: values = .int64(i64s)
        case .timestamp: values = .timestamp(i64s)
        case .uint32: values = .uint32(u32s)
        case .ipv4: values = .ipv4(u32s)
        case .uint16: values = .uint16(u16s)
        case .float64: values = .float64(f64s)
        case .string: values = .string(bytes)
        case .binary: values = .binary(bytes)
        case .ipv6: values = .ipv6(ip6s)
        }
        self = ColumnBuilder(type: type)
        return ColumnVector(values, validity: valid)
    }
}

/// A JSON value converted to a column's type.
enum ParsedValue {
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bytes([UInt8])
    case ip(IPv6Address)
}
