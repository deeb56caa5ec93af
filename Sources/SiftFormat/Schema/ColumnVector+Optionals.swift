/// Columns built from optional values, nil becoming null (the log's checkpoints, the pipeline's
/// quarantine and alert rows build their batches this way).
extension ColumnVector {
    /// A `string` column; nil is null.
    public static func strings(_ v: [String?]) -> ColumnVector { nullable(v, "") { .string(VarBytes($0)) } }
    /// An `int64` column; nil is null.
    public static func int64s(_ v: [Int64?]) -> ColumnVector { nullable(v, 0) { .int64($0) } }
    /// An `int32` column; nil is null.
    public static func int32s(_ v: [Int32?]) -> ColumnVector { nullable(v, 0) { .int32($0) } }
    /// A `uint16` column; nil is null.
    public static func uint16s(_ v: [UInt16?]) -> ColumnVector { nullable(v, 0) { .uint16($0) } }
    /// A `timestamp` column of microseconds since the epoch; nil is null.
    public static func timestamps(_ v: [Int64?]) -> ColumnVector { nullable(v, 0) { .timestamp($0) } }
    /// An `ipv6` column; nil is null.
    public static func ipv6s(_ v: [IPv6Address?]) -> ColumnVector { nullable(v, IPv6Address(high: 0, low: 0)) { .ipv6($0) } }

    /// A `binary` column; nil is null.
    public static func binaries(_ v: [[UInt8]?]) -> ColumnVector {
        var offsets: [UInt32] = [0], bytes: [UInt8] = []
        for value in v { bytes += value ?? []; offsets.append(UInt32(bytes.count)) }
        return ColumnVector(.binary(VarBytes(offsets: offsets, bytes: bytes)), validity: Bitmap(v.map { $0 != nil }))
    }

    private static func nullable<T>(_ v: [T?], _ placeholder: T, _ wrap: ([T]) -> Values) -> ColumnVector {
        ColumnVector(wrap(v.map { $0 ?? placeholder }), validity: Bitmap(v.map { $0 != nil }))
    }
}
