import CSiftABI
import SiftFormat

import SiftPlatform

/// Hands a sequence of batches to an Arrow consumer as an `ArrowArrayStream` (the Arrow C
/// stream interface): `get_schema`, `get_next` (a released array at the end), `get_last_error`
/// and `release`. Errors from `next` become errno codes (EIO) with their message kept for
/// `get_last_error`; nothing throws across the boundary.
public enum ArrowStreamExport {
    /// Fills `out` with a stream over `next`'s batches (each of `schema`); `close` runs once,
    /// when the consumer releases the stream (finished or not).
    public static func export(schema: Schema, options: ArrowExportOptions = ArrowExportOptions(),
                              next: @escaping () throws -> RecordBatch?, close: @escaping () -> Void,
                              into out: UnsafeMutablePointer<ArrowArrayStream>) {
        let state = StreamState(schema: schema, options: options, next: next, close: close)
        out.pointee = ArrowArrayStream(get_schema: streamGetSchema, get_next: streamGetNext, get_last_error: streamLastError,
                                       release: streamRelease, private_data: Unmanaged.passRetained(state).toOpaque())
    }
}

/// Cuts a batch so that every string or binary column of each piece holds fewer than 2^31
/// bytes (Arrow's utf8 and binary use 32-bit signed offsets; Sift's are unsigned).
public enum ArrowBatchSplitter {
    public static func pieces(_ batch: RecordBatch) -> [RecordBatch] {
        let tooLarge = batch.columns.contains { column in
            switch column.values {
            case .string(let v), .binary(let v): v.bytes.count > Int(Int32.max)
            default: false
            }
        }
        guard tooLarge, batch.rowCount > 1 else { return [batch] }
        let half = batch.rowCount / 2
        return [0..<half, half..<batch.rowCount].flatMap { range in
            // Safety of try!: slices of a valid batch keep its schema, types and row counts.
            pieces(try! RecordBatch(schema: batch.schema, columns: batch.columns.map { $0.slice(range) }))
        }
    }
}

private final class StreamState {
    let schema: Schema
    let options: ArrowExportOptions
    let next: () throws -> RecordBatch?
    let close: () -> Void
    var pending: [RecordBatch] = []
    var lastError: UnsafeMutablePointer<CChar>?

    init(schema: Schema, options: ArrowExportOptions, next: @escaping () throws -> RecordBatch?, close: @escaping () -> Void) {
        self.schema = schema
        self.options = options
        self.next = next
        self.close = close
    }

    func fail(_ error: Error) -> Int32 {
        free(lastError)
        lastError = strdup(String(describing: error))
        return EIO
    }

    deinit {
        close()
        free(lastError)
    }
}

private func state(_ stream: UnsafeMutablePointer<ArrowArrayStream>?) -> StreamState? {
    guard let opaque = stream?.pointee.private_data else { return nil }
    return Unmanaged<StreamState>.fromOpaque(opaque).takeUnretainedValue()
}

private let streamGetSchema: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?, UnsafeMutablePointer<ArrowSchema>?) -> Int32 = { stream, out in
    guard let state = state(stream), let out else { return EINVAL }
    ArrowExport.exportSchema(state.schema, options: state.options, into: out)
    return 0
}

private let streamGetNext: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?, UnsafeMutablePointer<ArrowArray>?) -> Int32 = { stream, out in
    guard let state = state(stream), let out else { return EINVAL }
    do {
        if state.pending.isEmpty, let batch = try state.next() { state.pending = ArrowBatchSplitter.pieces(batch) }
        guard !state.pending.isEmpty else {
            // The end of the stream: a released array.
            out.pointee = ArrowArray(length: 0, null_count: 0, offset: 0, n_buffers: 0, n_children: 0, buffers: nil, children: nil,
                                     dictionary: nil, release: nil, private_data: nil)
            return 0
        }
        ArrowExport.exportBatch(state.pending.removeFirst(), options: state.options, into: out)
        return 0
    } catch {
        return state.fail(error)
    }
}

private let streamLastError: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?) -> UnsafePointer<CChar>? = { stream in
    state(stream)?.lastError.map { UnsafePointer($0) }
}

private let streamRelease: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?) -> Void = { stream in
    guard let stream, let opaque = stream.pointee.private_data else { return }
    Unmanaged<StreamState>.fromOpaque(opaque).release()
    stream.pointee.release = nil
    stream.pointee.private_data = nil
}

/// Takes an `ArrowArrayStream` from a producer (pyarrow, Polars, DuckDB, another Sift) and reads
/// it as Sift batches of a target schema. The stream is moved in: the caller's struct is marked
/// released, and this reader releases the stream when it is dropped.
public final class ArrowStreamImport {
    private var stream: ArrowArrayStream
    /// The stream's fields.
    public let fields: [ArrowField]

    public init(moving source: UnsafeMutablePointer<ArrowArrayStream>) throws {
        guard source.pointee.release != nil else { throw ArrowInteropError(.invalidSchema, "the Arrow stream is already released") }
        stream = source.pointee
        source.pointee.release = nil
        var schema = ArrowSchema()
        let code = stream.get_schema(&stream, &schema)
        guard code == 0 else { throw ArrowStreamImport.producerError(&stream, code, while: "reading the schema") }
        defer { if let release = schema.release { release(&schema) } }
        fields = try ArrowImport.fields(&schema)
    }

    deinit {
        if let release = stream.release { release(&stream) }
    }

    /// The next batch in `schema` (columns matched by name), or nil at the end.
    public func next(as schema: Schema) throws -> RecordBatch? {
        var array = ArrowArray()
        let code = stream.get_next(&stream, &array)
        guard code == 0 else { throw ArrowStreamImport.producerError(&stream, code, while: "reading a batch") }
        guard array.release != nil else { return nil }
        defer { array.release(&array) }
        return try ArrowImport.batch(&array, fields: fields, schema: schema)
    }

    private static func producerError(_ stream: inout ArrowArrayStream, _ code: Int32, while doing: String) -> ArrowInteropError {
        let message = stream.get_last_error(&stream).map { String(cString: $0) } ?? "error code \(code)"
        return ArrowInteropError(.producer, "the Arrow stream failed \(doing): \(message)")
    }
}
