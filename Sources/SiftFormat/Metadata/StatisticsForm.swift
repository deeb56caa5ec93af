/// The rules a stored statistic must follow before a reader may prune with it
/// (`spec/format.md` §7.1): a bound of the wrong width would be read as another value, a NaN
/// or a reversed pair would make every comparison meaningless, and a null count above the
/// block's rows would let `is null` skip rows that exist.
enum StatisticsForm {
    /// What is wrong with `s` as the statistics of a block of `rows` rows of `type`, or nil.
    static func problem(_ s: Statistics, type: ColumnType, rows: UInt64) -> String? {
        guard s.nullCount <= rows else { return "null_count \(s.nullCount) exceeds the block's \(rows) rows" }
        // Checked for every page a scan opens: no array of the two bounds is built to loop over.
        if let bound = s.min, let problem = problem(bound: bound, named: "min", type: type) { return problem }
        if let bound = s.max, let problem = problem(bound: bound, named: "max", type: type) { return problem }
        if let min = s.min, let max = s.max, ValueOrder.compare(min, max, type: type) > 0 {
            return "min is greater than max"
        }
        return nil
    }

    /// What is wrong with one bound, `name`d min or max, of a `type` column, or nil.
    private static func problem(bound: [UInt8], named name: String, type: ColumnType) -> String? {
        if let width = width(of: type) {
            guard bound.count == width else { return "\(name) has \(bound.count) bytes; a \(type) bound has \(width)" }
        } else if bound.count > FormatLimits.statisticsPrefixBytes {
            return "\(name) has \(bound.count) bytes; string and binary bounds have at most \(FormatLimits.statisticsPrefixBytes)"
        }
        if type == .bool, bound[0] > 1 { return "\(name) of a bool column is \(bound[0]), not 0 or 1" }
        // The width was checked above: 8 bytes.
        if type == .float64, Double(bitPattern: loadLE(UInt64.self, bound, at: 0)).isNaN { return "\(name) of a float64 column is NaN" }
        return nil
    }

    /// Bytes of a bound of a fixed-width type; nil for strings and binary.
    static func width(of type: ColumnType) -> Int? {
        switch type {
        case .bool: 1
        case .uint16: 2
        case .int32, .uint32, .ipv4: 4
        case .int64, .timestamp, .float64: 8
        case .ipv6: 16
        case .string, .binary: nil
        }
    }
}
