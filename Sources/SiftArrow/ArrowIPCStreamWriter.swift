import SiftFormat

/// Writes Sift batches as an Arrow IPC stream (the "Arrow IPC streaming format": a Schema
/// message, RecordBatch messages, an end-of-stream marker), for `sift cat|query|hunt --format
/// arrow`. No library for Arrow IPC is available to Swift here, so this implements the parts of
/// the spec the Sift types need: flat schemas of Int, FloatingPoint, Bool, Utf8, Binary,
/// FixedSizeBinary and Timestamp fields, metadata version V5, little-endian, no compression,
/// no dictionaries. Types map as in ``ArrowTypeMapping`` (IPs as `sift.ipv4`/`sift.ipv6`
/// extension types, or as utf8 text with ``IPForm/text``; hints as field metadata).
///
/// Each encapsulated message is laid out as
/// ```
/// ┌────────────┬───────────────┬──────────────────────────┬───────────────────────┐
/// │ 0xFFFFFFFF │ metadata size │ Message flatbuffer + pad │ body (buffers, 8-byte │
/// │  (uint32)  │ (int32, 8k)   │ (to a multiple of 8)     │ aligned, padded)      │
/// └────────────┴───────────────┴──────────────────────────┴───────────────────────┘
/// ```
public struct ArrowIPCStreamWriter {
    public let schema: Schema
    /// How IP columns are written: extension types (the default) or text, for engines that
    /// compare addresses as strings (Spark's JVM reader).
    public let ips: IPForm

    public init(schema: Schema, ips: IPForm = .extension) {
        self.schema = schema
        self.ips = ips
    }

    /// The stream's first message.
    public func schemaMessage() -> [UInt8] {
        var b = FlatBufferBuilder()
        let fields = schema.fields.map { field(field: $0, &b) }
        let fieldVector = b.vector(of: fields)
        b.startTable()
        b.add(0, Int16(0))  // endianness: Little
        b.add(1, offset: fieldVector)
        let schemaTable = b.endTable()
        return Self.frame(message(header: 1, headerRef: schemaTable, bodyLength: 0, &b), body: [])
    }

    /// One record batch message. String and binary columns must hold fewer than 2^31 bytes
    /// (``ArrowBatchSplitter`` cuts batches to fit).
    public func batchMessage(_ batch: RecordBatch) -> [UInt8] {
        var body: [UInt8] = []
        var buffers: [(offset: Int, length: Int)] = []
        var nodes: [(length: Int, nulls: Int)] = []
        func add(_ raw: UnsafeRawBufferPointer) {
            buffers.append((body.count, raw.count))
            body += raw
            body += [UInt8](repeating: 0, count: (8 - body.count % 8) % 8)
        }
        func addEmpty() { buffers.append((body.count, 0)) }
        for column in ips == .text ? batch.columns.map(ArrowTypeMapping.ipText) : batch.columns {
            let n = column.count, nulls = column.nullCount
            nodes.append((n, nulls))
            if nulls > 0, let validity = column.validity {
                validity.words.withUnsafeBytes { add(UnsafeRawBufferPointer(rebasing: $0.prefix((n + 7) / 8))) }
            } else {
                addEmpty()
            }
            switch column.values {
            case .bool(let v): Bitmap(v).words.withUnsafeBytes { add(UnsafeRawBufferPointer(rebasing: $0.prefix((n + 7) / 8))) }
            case .int32(let v): v.withUnsafeBytes(add)
            case .int64(let v), .timestamp(let v): v.withUnsafeBytes(add)
            case .uint16(let v): v.withUnsafeBytes(add)
            case .uint32(let v), .ipv4(let v): v.withUnsafeBytes(add)
            case .float64(let v): v.withUnsafeBytes(add)
            case .string(let v), .binary(let v):
                precondition(v.bytes.count <= Int(Int32.max), "a string column of 2 GiB or more must be split first")
                v.offsets.withUnsafeBytes(add)
                v.bytes.withUnsafeBytes(add)
            case .ipv6(let v):
                var out = [UInt8](repeating: 0, count: n * 16)
                out.withUnsafeMutableBytes { raw in
                    for (i, a) in v.enumerated() {
                        raw.storeBytes(of: a.high.bigEndian, toByteOffset: i * 16, as: UInt64.self)
                        raw.storeBytes(of: a.low.bigEndian, toByteOffset: i * 16 + 8, as: UInt64.self)
                    }
                }
                out.withUnsafeBytes(add)
            }
        }
        var b = FlatBufferBuilder()
        func pair(_ x: Int, _ y: Int) -> [UInt8] {
            withUnsafeBytes(of: Int64(x).littleEndian) { Array($0) } + withUnsafeBytes(of: Int64(y).littleEndian) { Array($0) }
        }
        let bufferVector = b.vector(ofStructs: buffers.map { pair($0.offset, $0.length) }, alignment: 8)
        let nodeVector = b.vector(ofStructs: nodes.map { pair($0.length, $0.nulls) }, alignment: 8)
        b.startTable()
        b.add(0, Int64(batch.rowCount))
        b.add(1, offset: nodeVector)
        b.add(2, offset: bufferVector)
        let recordBatch = b.endTable()
        return Self.frame(message(header: 3, headerRef: recordBatch, bodyLength: body.count, &b), body: body)
    }

    /// The end-of-stream marker.
    public static let endOfStream: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]

    // MARK: Flatbuffer tables

    /// `Message { version: V5, header_type, header, bodyLength }`.
    private func message(header type: UInt8, headerRef: FlatBufferBuilder.Ref, bodyLength: Int, _ b: inout FlatBufferBuilder) -> [UInt8] {
        b.startTable()
        b.add(3, Int64(bodyLength))
        b.add(2, offset: headerRef)
        b.add(0, Int16(4))  // MetadataVersion.V5
        b.add(1, type)
        let message = b.endTable()
        return b.finish(root: message)
    }

    /// `Field { name, nullable, type_type, type, children: [], custom_metadata }`.
    private func field(field: Field, _ b: inout FlatBufferBuilder) -> FlatBufferBuilder.Ref {
        let name = b.string(field.name)
        let asText = ips == .text && (field.type == .ipv4 || field.type == .ipv6)
        let (typeId, typeRef) = arrowType(asText ? .string : field.type, &b)
        let children = b.vector(of: [])
        let pairs = ArrowTypeMapping.metadata(field, ips: ips).map { key, value -> FlatBufferBuilder.Ref in
            let k = b.string(key), v = b.string(value)
            b.startTable()
            b.add(0, offset: k)
            b.add(1, offset: v)
            return b.endTable()
        }
        let metadata = pairs.isEmpty ? nil : b.vector(of: pairs)
        b.startTable()
        b.add(0, offset: name)
        b.add(3, offset: typeRef)
        b.add(5, offset: children)
        if let metadata { b.add(6, offset: metadata) }
        b.add(1, bool: field.nullable)
        b.add(2, typeId)
        return b.endTable()
    }

    /// The `Type` union member for a Sift type: its union id and table.
    private func arrowType(_ type: ColumnType, _ b: inout FlatBufferBuilder) -> (UInt8, FlatBufferBuilder.Ref) {
        func int(_ bits: Int32, signed: Bool) -> (UInt8, FlatBufferBuilder.Ref) {
            b.startTable()
            b.add(0, bits)
            b.add(1, bool: signed)
            return (2, b.endTable())
        }
        switch type {
        case .bool: b.startTable(); return (6, b.endTable())
        case .int32: return int(32, signed: true)
        case .int64: return int(64, signed: true)
        case .uint16: return int(16, signed: false)
        case .uint32, .ipv4: return int(32, signed: false)
        case .float64:
            b.startTable()
            b.add(0, Int16(2))  // Precision.DOUBLE
            return (3, b.endTable())
        case .timestamp:
            let zone = b.string("UTC")
            b.startTable()
            b.add(1, offset: zone)
            b.add(0, Int16(2))  // TimeUnit.MICROSECOND
            return (10, b.endTable())
        case .string: b.startTable(); return (5, b.endTable())
        case .binary: b.startTable(); return (4, b.endTable())
        case .ipv6:
            b.startTable()
            b.add(0, Int32(16))
            return (15, b.endTable())
        }
    }

    /// Continuation marker, padded metadata length, metadata, body.
    private static func frame(_ metadata: [UInt8], body: [UInt8]) -> [UInt8] {
        let padded = metadata + [UInt8](repeating: 0, count: (8 - metadata.count % 8) % 8)
        var out: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        withUnsafeBytes(of: Int32(padded.count).littleEndian) { out += $0 }
        return out + padded + body
    }
}
