import SiftPlatform

/// Typed access to a column's values. Each accessor answers nil for a null row, and for a
/// column of a type it does not read (`strings` of an `int64` column is nil); `texts` reads
/// every type, in the text form of `spec/format.md` §3.
///
/// ```swift
/// for batch in batches {
///     let ips = batch["dst_ip"]?.ipAddresses ?? []      // [IPv6Address?], IPv4 as mapped
///     let times = batch["ts"]?.dates ?? []              // [Date?]
///     for (ip, time) in zip(ips, times) { print(ip.map(TextForms.formatIP) ?? "-", time ?? .distantPast) }
/// }
/// ```
extension ColumnVector {
    // MARK: One row

    /// The value of a `string` column at `row`.
    public func string(at row: Int) -> String? {
        guard !isNull(row), case .string(let v) = values else { return nil }
        return String(decoding: v[row], as: UTF8.self)
    }

    /// The address of an `ipv4` (as an IPv4-mapped address) or `ipv6` column at `row`.
    public func ipAddress(at row: Int) -> IPv6Address? {
        guard !isNull(row) else { return nil }
        switch values {
        case .ipv6(let v): return v[row]
        case .ipv4(let v): return IPv6Address(mapping: v[row])
        default: return nil
        }
    }

    /// The value of an integer column (`int32`, `int64`, `uint16`, `uint32`), a `bool` (0 or 1)
    /// or a `timestamp` (microseconds since the epoch) at `row`.
    public func integer(at row: Int) -> Int64? {
        guard !isNull(row) else { return nil }
        switch values {
        case .bool(let v): return v[row] ? 1 : 0
        case .int32(let v): return Int64(v[row])
        case .int64(let v), .timestamp(let v): return v[row]
        case .uint16(let v): return Int64(v[row])
        case .uint32(let v): return Int64(v[row])
        default: return nil
        }
    }

    /// The value at `row` in its text form (any type): what `sift cat` prints in CSV and table
    /// cells. IPv4-mapped IPv6 addresses print as dotted quads, binary as base64.
    public func text(at row: Int) -> String? {
        guard !isNull(row) else { return nil }
        switch values {
        case .bool(let v): return v[row] ? "true" : "false"
        case .int32(let v): return String(v[row])
        case .int64(let v): return String(v[row])
        case .uint16(let v): return String(v[row])
        case .uint32(let v): return String(v[row])
        case .float64(let v): return v[row].description
        case .timestamp(let v): return TextForms.formatTimestamp(v[row])
        case .string(let v): return String(decoding: v[row], as: UTF8.self)
        case .binary(let v): return TextForms.base64(v[row])
        case .ipv4(let v): return TextForms.formatIPv4(v[row])
        case .ipv6(let v): return TextForms.formatIP(v[row])
        }
    }

    // MARK: Whole columns

    /// Every row of a `string` column; nil for another type.
    public var strings: [String?]? {
        guard case .string = values else { return nil }
        return (0..<count).map { string(at: $0) }
    }

    /// Every row of an `ipv4` column as its 32-bit value (`a.b.c.d` is `a << 24 | ...`).
    public var ipv4s: [UInt32?]? {
        guard case .ipv4(let v) = values else { return nil }
        return v.indices.map { isNull($0) ? nil : v[$0] }
    }

    /// Every row of an `ipv4` or `ipv6` column as an IPv6 address (IPv4 as IPv4-mapped).
    public var ipAddresses: [IPv6Address?]? {
        switch values {
        case .ipv4, .ipv6: return (0..<count).map { ipAddress(at: $0) }
        default: return nil
        }
    }

    /// Every row of an integer, `bool` or `timestamp` column, widened to `Int64`.
    public var integers: [Int64?]? {
        switch values {
        case .float64, .string, .binary, .ipv4, .ipv6: return nil
        default: return (0..<count).map { integer(at: $0) }
        }
    }

    /// Every row of a `float64` column.
    public var doubles: [Double?]? {
        guard case .float64(let v) = values else { return nil }
        return v.indices.map { isNull($0) ? nil : v[$0] }
    }

    /// Every row of a `bool` column.
    public var bools: [Bool?]? {
        guard case .bool(let v) = values else { return nil }
        return v.indices.map { isNull($0) ? nil : v[$0] }
    }

    /// Every row of a `timestamp` column, in microseconds since 1970-01-01T00:00:00Z.
    public var timestamps: [Int64?]? {
        guard case .timestamp(let v) = values else { return nil }
        return v.indices.map { isNull($0) ? nil : v[$0] }
    }

    /// Every row of a `timestamp` column as a `Date` (microsecond precision, as a Double allows).
    public var dates: [Date?]? {
        timestamps?.map { $0.map { Date(timeIntervalSince1970: Double($0) / 1_000_000) } }
    }

    /// Every row in its text form, whatever the type.
    public var texts: [String?] { (0..<count).map { text(at: $0) } }
}

extension RecordBatch {
    /// The column named `name`, or nil when the batch has no such column.
    public subscript(name: String) -> ColumnVector? {
        schema.index(of: name).map { columns[$0] }
    }
}
