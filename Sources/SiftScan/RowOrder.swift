import SiftFormat
import SiftIndex

/// Puts the rows of a scan in the order of one column (`--order-by`), all of them or only the
/// first `limit`, which it keeps with bounded memory (a top-k: the rows it holds never exceed
/// a few times `limit`, whatever the scan returns). Nulls, and NaN in float columns, come last
/// in both directions; rows with equal keys keep the order the scan returned them in.
///
/// ```swift
/// var order = try RowOrder(by: "ts", descending: true, limit: 100, schema: scan.outputSchema)
/// try scan.run { batch in try order.add(batch); return true }
/// let newest = try order.result()
/// ```
public struct RowOrder {
    /// The column rows are ordered by.
    public let column: String
    /// Largest first.
    public let descending: Bool
    /// Keep only the first rows in this order.
    public let limit: Int?
    private let schema: Schema
    private let index: Int
    /// Every row kept so far, in arrival order, and its key (nil: null or NaN, sorted last).
    private var rows: RecordBatch
    private var keys: [Key?] = []
    /// Rows kept before they are cut back to `limit`.
    private var compactAt: Int

    /// An empty ordering of rows of `schema`.
    /// - Throws: `FormatError.invalidArgument` when `schema` has no column `column`.
    public init(by column: String, descending: Bool = false, limit: Int? = nil, schema: Schema) throws {
        guard let index = schema.index(of: column) else {
            throw FormatError(.invalidArgument, "cannot order by '\(column)': the rows have \(schema.fields.map(\.name).joined(separator: ", "))")
        }
        self.column = column
        self.descending = descending
        self.limit = limit
        self.schema = schema
        self.index = index
        rows = try RecordBatch(schema: schema, columns: schema.fields.map { ColumnVector.empty($0.type) })
        compactAt = limit.map { Swift.max(4 * $0, 65_536) } ?? Int.max
    }

    /// Takes the rows of `batch` (in the schema given at creation).
    public mutating func add(_ batch: RecordBatch) throws {
        guard batch.rowCount > 0 else { return }
        let column = batch.columns[index]
        for r in 0..<batch.rowCount {
            if column.isNull(r) { keys.append(nil); continue }
            let key = RowFilter.key(column, r)
            if case .double(let d) = key, d.isNaN { keys.append(nil) } else { keys.append(key) }
        }
        var columns = rows.columns
        for c in columns.indices { columns[c].append(contentsOf: batch.columns[c]) }
        rows = try RecordBatch(schema: schema, columns: columns)
        if keys.count >= compactAt { try compact() }
    }

    /// The rows in order (at most `limit`).
    public func result() throws -> RecordBatch {
        let order = sortedIndices()
        return try RecordBatch(schema: schema, columns: rows.columns.map { $0.gather(order) })
    }

    /// Indices of the kept rows in order, cut to `limit`.
    private func sortedIndices() -> [Int] {
        var order = Array(keys.indices)
        // Stable: equal keys keep arrival order (Swift's sort is not guaranteed stable, so ties
        // are broken by the index).
        order.sort { a, b in
            switch (keys[a], keys[b]) {
            case (nil, nil): return a < b
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?):
                if x == y { return a < b }
                return descending ? y < x : x < y
            }
        }
        if let limit, order.count > limit { order.removeSubrange(limit...) }
        return order
    }

    /// Keeps only the first `limit` rows.
    private mutating func compact() throws {
        let order = sortedIndices()
        rows = try RecordBatch(schema: schema, columns: rows.columns.map { $0.gather(order) })
        keys = order.map { keys[$0] }
    }
}
