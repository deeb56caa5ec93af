import SiftFormat
import SiftPlatform
import Dispatch

/// Converts NDJSON into a Sift file: schema inference (unless a schema is given), conversion and
/// encoding, on all cores. The input is cut into chunks of `rowGroupRows` lines, each of which
/// becomes one row group; chunks are parsed and encoded in parallel, a few at a time (so memory
/// stays bounded), and appended in input order.
///
/// ```swift
/// let summary = try NDJSONImport(options: options).run(bytes, output: "conn.sift") { error in
///     rejects.append(error)   // pass nil instead to stop at the first bad line
/// }
/// ```
public struct NDJSONImport {
    /// How the output file is written.
    public var options: WriterOptions
    /// The schema to use; inferred from the whole input when nil.
    public var schema: Schema?
    /// Chunks processed at once; by default two per core.
    public var parallelChunks: Int
    /// When set, every row is parsed first, then the whole input is written in the order this
    /// returns (a permutation of the rows), e.g. clustered along a space-filling curve. Costs
    /// memory for all rows.
    public var reorder: ((RecordBatch) throws -> [Int])?
    /// Give columns demoted by a few malformed values (``SchemaInference/demotions``) the type
    /// most of their values have, so those lines fail the import or go to `reject`.
    public var keepTypes = false
    /// Called as chunks of input are done (from any thread, so it must be thread-safe): which
    /// pass, and the bytes and rows of the chunk. Type inference reads the input once more
    /// before writing when no schema is given.
    public var progress: (@Sendable (ImportStep) -> Void)?

    /// A chunk of input done, for progress reports.
    public struct ImportStep: Sendable {
        /// The pass a chunk belongs to.
        public enum Pass: String, Sendable {
            /// Reading values to infer column types.
            case inferring
            /// Parsing and encoding rows.
            case writing
        }
        /// The pass.
        public var pass: Pass
        /// Bytes of input in the chunk.
        public var bytes: Int
        /// Rows it held.
        public var rows: Int
    }

    /// An import with these writer options; with `schema`, lines are parsed against it instead of an inferred one.
    public init(options: WriterOptions = WriterOptions(), schema: Schema? = nil) {
        self.options = options
        self.schema = schema
        parallelChunks = 2 * Cores.available
    }

    /// What an import did.
    public struct Summary: Sendable {
        /// The schema written (given, or inferred).
        public var schema: Schema
        /// Lines that held a record (blank lines are not counted).
        public var lines: Int
        /// Rows in the output.
        public var rowsWritten: Int
        /// Lines that went to `reject` instead.
        public var rejected: Int
        /// Columns a few malformed values demoted to string (empty with a given schema).
        public var demotions: [SchemaInference.Demotion] = []
    }

    /// A line boundary: the byte offset where a chunk starts and the 1-based number of its first line.
    struct Chunk {
        var bytes: Range<Int>
        var firstLine: Int
    }

    /// Runs the import. `reject` is called, in input order, with every line that is not valid
    /// JSON or does not fit the schema, and the line is left out; when `reject` is nil the first
    /// such line is thrown instead. Nothing is written under `output` unless the import succeeds.
    ///
    /// Without a given schema, the schema is first inferred from a sample (the first lines of
    /// every chunk) and the conversion runs with it; if any line then does not fit (a wider type,
    /// a new key), the work is discarded and the schema is inferred from every line. The result
    /// is always the schema of the whole input; the sample only saves the second parse when it
    /// was representative, as it usually is.
    public func run(_ input: UnsafeBufferPointer<UInt8>, output: String, reject: ((LineError) -> Void)?) throws -> Summary {
        let shared = ReadOnlyBytes(buffer: input)
        let chunks = Self.chunks(input, linesPerChunk: options.rowGroupRows)
        if let given = schema {
            return try convert(shared, chunks, schema: given, output: output, optimistic: false, reject: reject)!
        }
        let keepTypes = self.keepTypes
        func chosen(_ inference: SchemaInference) throws -> Schema { keepTypes ? try inference.schemaKeepingTypes() : try inference.schema() }
        let sample = try infer(shared, chunks, linesPerChunk: Self.sampleLines, reject: reject)
        // A demotion seen in the sample decides types (and rejects) for the whole input: the
        // full inference, which sees every line, is the one to trust then.
        if sample.everyColumnHasEvidence, sample.demotions.isEmpty,
           var summary = try convert(shared, chunks, schema: try chosen(sample), output: output, optimistic: true, reject: reject) {
            summary.demotions = sample.demotions
            return summary
        }
        let full = try infer(shared, chunks, linesPerChunk: nil, reject: reject)
        var summary = try convert(shared, chunks, schema: try chosen(full), output: output, optimistic: false, reject: reject)!
        summary.demotions = full.demotions
        return summary
    }

    /// Lines sampled from the start of each chunk for the first inference.
    static let sampleLines = 8192

    /// Infers a schema from each chunk (its first `linesPerChunk` lines, or all) in parallel.
    func infer(_ shared: ReadOnlyBytes, _ chunks: [Chunk], linesPerChunk: Int?, reject: ((LineError) -> Void)?) throws -> SchemaInference {
        let partial = ParallelResults<(SchemaInference, [LineError])>(count: chunks.count)
        let progress = self.progress
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
            var inference = SchemaInference()
            var errors: [LineError] = []
            let chunk = UnsafeBufferPointer(rebasing: shared.buffer[chunks[i].bytes])
            var rows = 0
            defer { progress?(ImportStep(pass: .inferring, bytes: linesPerChunk == nil ? chunk.count : 0, rows: rows)) }
            NDJSONLines.forEach(chunk, lines: linesPerChunk) { range, offset in
                rows += 1
                inference.currentLine = chunks[i].firstLine + offset - 1
                do { try inference.observe(chunk, range) } catch let e as JSONSyntaxError {
                    errors.append(LineError(line: chunks[i].firstLine + offset - 1, field: nil, column: e.column, reason: e.message))
                } catch {
                    errors.append(LineError(line: chunks[i].firstLine + offset - 1, field: nil, column: nil, reason: "\(error)"))
                }
            }
            partial[i] = (inference, errors)
        }
        var merged = SchemaInference()
        for i in chunks.indices {
            let (inference, errors) = partial[i]!
            // Bad lines are reported by the conversion; without a reject handler, fail now.
            if let first = errors.first, reject == nil { throw first }
            merged.merge(inference)
        }
        return merged
    }

    /// Converts and encodes chunks on every core and appends them in input order as they
    /// complete. A worker does not start a chunk more than `parallelChunks` ahead of the last one
    /// appended, so memory stays bounded. When `optimistic`, returns nil (writing nothing) at the
    /// first line that does not fit `schema`.
    func convert(_ shared: ReadOnlyBytes, _ chunks: [Chunk], schema: Schema, output: String, optimistic: Bool, reject: ((LineError) -> Void)?) throws -> Summary? {
        if let reorder { return try convertReordered(shared, chunks, schema: schema, output: output, optimistic: optimistic, reject: reject, reorder: reorder) }
        let writer = try SiftWriter(path: output, schema: schema, options: options)
        let state = OrderedAppend(writer: writer, count: chunks.count, stopOnFirstError: reject == nil, optimistic: optimistic)
        let (options, progress) = (self.options, self.progress)
        let ahead = parallelChunks
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
            guard state.waitForTurn(i, ahead: ahead) else { return }
            let chunk = chunks[i]
            let result = Result { () throws -> ChunkResult in
                let (batch, count, errors) = Self.parse(shared, chunk, schema: schema, expectedLines: options.rowGroupRows)
                progress?(ImportStep(pass: .writing, bytes: chunk.bytes.count, rows: batch.rowCount))
                if optimistic, errors.contains(where: \.schemaMismatch) { return ChunkResult(group: nil, lines: count, errors: errors) }
                let group = batch.rowCount > 0 ? try SiftWriter.encodeRowGroup(batch, options: options) : nil
                return ChunkResult(group: group, lines: count, errors: errors)
            }
            state.finish(i, result)
        }
        if state.failure != nil || state.mismatch { writer.discard() }
        if let error = state.failure { throw error }
        if state.mismatch { return nil }
        try writer.close()
        if let reject { state.rejected.forEach(reject) }
        return Summary(schema: schema, lines: state.lines, rowsWritten: state.rows, rejected: state.rejected.count)
    }

    /// Parses every chunk in parallel, then writes all rows in `reorder`'s order.
    func convertReordered(_ shared: ReadOnlyBytes, _ chunks: [Chunk], schema: Schema, output: String, optimistic: Bool,
                          reject: ((LineError) -> Void)?, reorder: (RecordBatch) throws -> [Int]) throws -> Summary? {
        let parsed = ParallelResults<(RecordBatch, Int, [LineError])>(count: chunks.count)
        let (expectedLines, progress) = (options.rowGroupRows, self.progress)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
            parsed[i] = Self.parse(shared, chunks[i], schema: schema, expectedLines: expectedLines)
            progress?(ImportStep(pass: .writing, bytes: chunks[i].bytes.count, rows: parsed[i]!.0.rowCount))
        }
        var columns = schema.fields.map { ColumnVector.empty($0.type) }
        var lines = 0
        var rejected: [LineError] = []
        for i in chunks.indices {
            let (batch, count, errors) = parsed[i]!
            if optimistic, errors.contains(where: \.schemaMismatch) { return nil }
            if let first = errors.first, reject == nil { throw first }
            lines += count
            rejected += errors
            for c in columns.indices { columns[c].append(contentsOf: batch.columns[c]) }
        }
        let all = try RecordBatch(schema: schema, columns: columns)
        let order = try reorder(all)
        let sorted = try RecordBatch(schema: schema, columns: all.columns.map { $0.gather(order) })
        let writer = try SiftWriter(path: output, schema: schema, options: options)
        try writer.write(sorted)
        try writer.close()
        if let reject { rejected.forEach(reject) }
        return Summary(schema: schema, lines: lines, rowsWritten: sorted.rowCount, rejected: rejected.count)
    }

    /// Parses one chunk's lines into a batch: the batch, the lines seen, and the lines rejected.
    static func parse(_ shared: ReadOnlyBytes, _ chunk: Chunk, schema: Schema, expectedLines: Int) -> (RecordBatch, Int, [LineError]) {
        var builder = NDJSONBatchBuilder(schema: schema)
        builder.reserve(rows: expectedLines)
        var errors: [LineError] = []
        var count = 0
        let bytes = UnsafeBufferPointer(rebasing: shared.buffer[chunk.bytes])
        NDJSONLines.forEach(bytes) { range, offset in
            count += 1
            do throws(LineError) { try builder.append(bytes, range, line: chunk.firstLine + offset - 1) } catch { errors.append(error) }
        }
        return (builder.takeBatch(), count, errors)
    }

    /// Cuts the input after every `linesPerChunk` lines (blank lines count as lines, so a chunk
    /// with blank lines holds a few fewer records).
    static func chunks(_ input: UnsafeBufferPointer<UInt8>, linesPerChunk: Int) -> [Chunk] {
        var chunks: [Chunk] = []
        var start = 0
        var firstLine = 1
        for end in lineChunkStarts(input, linesPerChunk: linesPerChunk) {
            chunks.append(Chunk(bytes: start..<end, firstLine: firstLine))
            start = end
            firstLine += linesPerChunk
        }
        if start < input.count { chunks.append(Chunk(bytes: start..<input.count, firstLine: firstLine)) }
        return chunks
    }
}

/// Input bytes shared with parallel workers.
struct ReadOnlyBytes: @unchecked Sendable {
    // Safety: the buffer is only read, and only while `run` (which owns the pointer's lifetime)
    // waits for the workers.
    let buffer: UnsafeBufferPointer<UInt8>
}

/// What one chunk's worker produced.
struct ChunkResult {
    var group: EncodedRowGroup?
    var lines: Int
    var errors: [LineError]
}

/// Appends chunk results to the writer strictly in chunk order, whichever worker finishes
/// first, and stops every worker at the first failure.
final class OrderedAppend: Sendable {
    /// The writer is part of the state: workers append to it only under the lock.
    private struct State {
        let writer: SiftWriter
        var pending: [Int: Result<ChunkResult, Error>] = [:]
        var next = 0
        var failure: Error?
        var mismatch = false
        var lines = 0
        var rows = 0
        var rejected: [LineError] = []
    }

    private let state: Guarded<State>
    private let stopOnFirstError: Bool
    private let optimistic: Bool

    init(writer: SiftWriter, count: Int, stopOnFirstError: Bool, optimistic: Bool) {
        state = Guarded(State(writer: writer))
        self.stopOnFirstError = stopOnFirstError
        self.optimistic = optimistic
    }

    var failure: Error? { state.withLock { $0.failure } }
    var mismatch: Bool { state.withLock { $0.mismatch } }
    var lines: Int { state.withLock { $0.lines } }
    var rows: Int { state.withLock { $0.rows } }
    var rejected: [LineError] { state.withLock { $0.rejected } }

    /// Blocks until chunk `i` is within `ahead` of the next chunk to append; false once the
    /// import has failed (the worker should skip its chunk).
    func waitForTurn(_ i: Int, ahead: Int) -> Bool {
        state.wait(until: { i < $0.next + ahead || $0.failure != nil || $0.mismatch }) { $0.failure == nil && !$0.mismatch }
    }

    func finish(_ i: Int, _ result: Result<ChunkResult, Error>) {
        let (optimistic, stopOnFirstError) = (self.optimistic, self.stopOnFirstError)
        state.withLock(notify: true) { s in
            s.pending[i] = result
            while s.failure == nil, !s.mismatch, let ready = s.pending.removeValue(forKey: s.next) {
                do {
                    let chunk = try ready.get()
                    if optimistic, chunk.errors.contains(where: \.schemaMismatch) { s.mismatch = true; return }
                    if stopOnFirstError, let first = chunk.errors.first { throw first }
                    s.lines += chunk.lines
                    s.rejected += chunk.errors
                    if let group = chunk.group {
                        s.rows += Int(group.metadata.rowCount)
                        try s.writer.append(group)
                    }
                    s.next += 1
                } catch {
                    s.failure = error
                }
            }
        }
    }
}
