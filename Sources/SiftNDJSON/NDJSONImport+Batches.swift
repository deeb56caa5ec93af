import SiftFormat
import Dispatch

extension NDJSONImport {
    /// Parses `input` against `schema` into record batches without writing a file: chunks of
    /// `options.rowGroupRows` lines are parsed in parallel, `parallelChunks` at a time (so memory
    /// stays bounded), and handed to `body` in input order. Used where rows go to several files,
    /// as when a table splits them by partition.
    ///
    /// `reject` gets every line that is not valid JSON or does not fit the schema, in input
    /// order; when it is nil the first such line is thrown instead.
    public func batches(_ input: UnsafeBufferPointer<UInt8>, schema: Schema, reject: ((LineError) -> Void)?,
                        _ body: (RecordBatch) throws -> Void) throws -> Summary {
        let shared = ReadOnlyBytes(buffer: input)
        let chunks = Self.chunks(input, linesPerChunk: options.rowGroupRows)
        var summary = Summary(schema: schema, lines: 0, rowsWritten: 0, rejected: 0)
        var windowStart = 0
        while windowStart < chunks.count {
            let window = Array(chunks[windowStart..<min(chunks.count, windowStart + max(1, parallelChunks))])
            windowStart += window.count
            let parsed = ParallelResults<(RecordBatch, Int, [LineError])>(count: window.count)
            let (expectedLines, progress) = (options.rowGroupRows, self.progress)
            DispatchQueue.concurrentPerform(iterations: window.count) { i in
                parsed[i] = Self.parse(shared, window[i], schema: schema, expectedLines: expectedLines)
                progress?(ImportStep(pass: .writing, bytes: window[i].bytes.count, rows: parsed[i]!.0.rowCount))
            }
            for i in window.indices {
                let (batch, count, errors) = parsed[i]!
                if let first = errors.first {
                    guard let reject else { throw first }
                    errors.forEach(reject)
                }
                summary.lines += count
                summary.rejected += errors.count
                summary.rowsWritten += batch.rowCount
                if batch.rowCount > 0 { try body(batch) }
            }
        }
        return summary
    }
}
