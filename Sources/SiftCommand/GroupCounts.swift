import SiftFormat
import SiftNDJSON

/// `--group-by COL --count`: how many matching rows hold each value of a column, most first.
struct GroupCounts {
    let column: String
    private(set) var counts: [String: Int] = [:]
    private(set) var nulls = 0

    init(column: String) { self.column = column }

    /// Counts the rows of a batch that carries the column.
    mutating func add(_ batch: RecordBatch) {
        guard let values = batch[column] else { return }
        for r in 0..<batch.rowCount {
            if let text = values.text(at: r) { counts[text, default: 0] += 1 } else { nulls += 1 }
        }
    }

    /// `count<TAB>value` lines, the largest count first (ties by value), nulls last as `(null)`.
    /// Values are escaped for a terminal (logged text may be hostile).
    var lines: String {
        var out = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value)\t\(RowFormatter.terminalCell($0.key))\n" }.joined()
        if nulls > 0 { out += "\(nulls)\t(null)\n" }
        return out
    }
}
