import SiftPlatform
import SiftFormat
import SiftNDJSON
import SiftTable

/// What an ingest did. Every line is either staged or quarantined.
public struct IngestResult: Sendable, Equatable {
    public var lines = 0
    public var staged = 0
    public var quarantined = 0
    /// The idempotent writer's version was already committed: nothing was written.
    public var alreadyApplied = false

    public init() {}
}

extension Warehouse {
    /// Appends the wrapped events of `input` (NDJSON) to staging, keeping each `raw` byte for
    /// byte, and every line that is not a valid wrapper to quarantine with the reason and its
    /// position (`file`, `line`). With `txn`, both appends are idempotent: running the same
    /// ingest again after a crash neither loses nor duplicates a line.
    public func ingest(_ input: UnsafeBufferPointer<UInt8>, file: String, txn: WriterTransaction? = nil) throws -> IngestResult {
        var result = IngestResult()
        var ts: [Int64] = [], types: [String] = [], sources: [String] = [], lineNumbers: [Int64] = []
        var raw = VarBytes()
        var rejected = QuarantineRows(stage: "ingest")
        NDJSONLines.forEach(input) { range, line in
            result.lines += 1
            do throws(JSONSyntaxError) {
                let event = try WrappedEvent.parse(input, range)
                ts.append(event.ts)
                types.append(event.eventType)
                sources.append(event.source)
                raw.append(event.raw)
                lineNumbers.append(Int64(line))
            } catch {
                rejected.add(reason: "byte \(error.column + 1): \(error.message)", raw: Array(input[range]), file: file, line: Int64(line))
            }
        }
        result.staged = ts.count
        result.quarantined = rejected.count
        // Quarantine first: if the process dies between the two commits, a rerun with the same
        // txn skips the quarantine append and makes the staging one.
        let quarantineResult = try quarantine.append(txn: txn) { sink in
            if rejected.count > 0 { try sink(try rejected.batch()) }
            return 0
        }
        let staged = try RecordBatch(schema: Self.stagingSchema, columns: [
            ColumnVector(.timestamp(ts)), ColumnVector(.string(VarBytes(types))), ColumnVector(.string(VarBytes(sources))),
            ColumnVector(.string(raw)), ColumnVector(.string(VarBytes(Array(repeating: file, count: ts.count)))),
            ColumnVector(.int64(lineNumbers)),
        ])
        let stagingResult = try staging.append(txn: txn) { sink in
            if staged.rowCount > 0 { try sink(staged) }
            return 0
        }
        _ = quarantineResult
        result.alreadyApplied = stagingResult.alreadyApplied
        if result.alreadyApplied { result.staged = 0; result.quarantined = 0 }
        return result
    }
}
