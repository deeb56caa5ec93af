import CSiftABI
import SiftFormat

import SiftPlatform

/// How IP address columns appear in Arrow (`spec/arrow.md` §2).
public enum IPForm: Int32, Sendable {
    /// Plain storage types (uint32, fixed_size_binary(16)) with `sift.type` metadata.
    case plain = 0
    /// The `sift.ipv4` / `sift.ipv6` extension types on those storage types.
    case `extension` = 1
    /// utf8 text (dotted quads; RFC 5952 for IPv6, IPv4-mapped addresses dotted) with
    /// `sift.type` metadata: what SQL engines and dataframes display without an extension.
    case text = 2
}

/// Choices for exporting Sift data to Arrow.
public struct ArrowExportOptions: Sendable {
    public var ips: IPForm

    public init(ips: IPForm = .extension) {
        self.ips = ips
    }
}

/// Fills Arrow C data interface structs from Sift schemas and batches (`spec/arrow.md` §3).
///
/// Fixed-width columns (integers, floats, timestamps, ipv4), string and binary offsets and bytes,
/// and validity bitmaps are handed over without a copy: each exported array keeps the Swift
/// arrays that hold them alive until the consumer calls `release`. Two types are converted:
/// bool (Sift keeps one byte per value, Arrow one bit) and ipv6 (Sift keeps two native-endian
/// halves, Arrow sixteen bytes in network order).
public enum ArrowExport {
    /// Writes `schema` as a struct schema (format `+s`) whose children are the columns.
    public static func exportSchema(_ schema: Schema, options: ArrowExportOptions = ArrowExportOptions(), into out: UnsafeMutablePointer<ArrowSchema>) {
        let children = schema.fields.map { field in
            { (child: UnsafeMutablePointer<ArrowSchema>) in
                fillSchema(child, format: ArrowTypeMapping.format(field.type, ips: options.ips), name: field.name,
                           metadata: ArrowTypeMapping.metadata(field, ips: options.ips),
                           flags: field.nullable ? Int64(ARROW_FLAG_NULLABLE) : 0, children: [])
            }
        }
        fillSchema(out, format: "+s", name: "", metadata: [], flags: 0, children: children)
    }

    /// Writes `batch` as a struct array whose children are the columns. String and binary
    /// columns must hold fewer than 2^31 bytes (``ArrowBatchSplitter`` cuts batches to fit).
    public static func exportBatch(_ batch: RecordBatch, options: ArrowExportOptions = ArrowExportOptions(), into out: UnsafeMutablePointer<ArrowArray>) {
        let columns = options.ips == .text ? batch.columns.map(ArrowTypeMapping.ipText) : batch.columns
        let children = columns.map { column in { (child: UnsafeMutablePointer<ArrowArray>) in exportColumn(column, into: child) } }
        let owner = ArrayOwner(buffers: [nil], keep: [])
        fillArray(out, length: batch.rowCount, nullCount: 0, owner: owner, children: children)
    }

    static func exportColumn(_ column: ColumnVector, into out: UnsafeMutablePointer<ArrowArray>) {
        let nulls = column.nullCount
        var keep: [Any] = []
        var validity: UnsafeRawPointer?
        if nulls > 0, let bits = column.validity {
            keep.append(bits.words)
            validity = address(of: bits.words)
        }
        var buffers: [UnsafeRawPointer?] = [validity]
        func hand<T>(_ values: [T]) { keep.append(values); buffers.append(address(of: values)) }
        switch column.values {
        case .bool(let v):
            // Arrow packs booleans LSB first, as Sift's validity bitmaps do.
            hand(Bitmap(v).words)
        case .int32(let v): hand(v)
        case .int64(let v), .timestamp(let v): hand(v)
        case .uint16(let v): hand(v)
        case .uint32(let v), .ipv4(let v): hand(v)
        case .float64(let v): hand(v)
        case .string(let v), .binary(let v):
            // Sift's u32 offsets are Arrow's int32 offsets while the bytes stay below 2^31.
            precondition(v.bytes.count <= Int(Int32.max), "a string column of 2 GiB or more must be split before export")
            hand(v.offsets)
            hand(v.bytes)
        case .ipv6(let v):
            var bytes = [UInt8](repeating: 0, count: v.count * 16)
            bytes.withUnsafeMutableBytes { raw in
                for (i, a) in v.enumerated() {
                    raw.storeBytes(of: a.high.bigEndian, toByteOffset: i * 16, as: UInt64.self)
                    raw.storeBytes(of: a.low.bigEndian, toByteOffset: i * 16 + 8, as: UInt64.self)
                }
            }
            hand(bytes)
        }
        fillArray(out, length: column.count, nullCount: nulls, owner: ArrayOwner(buffers: buffers, keep: keep), children: [])
    }

    /// Where an array's elements live. The array is kept alive by the exported array's owner
    /// and never mutated while exported, so its storage does not move; an empty array gets a
    /// shared zeroed block (the interface wants non-null buffers for present types).
    static func address<T>(of values: [T]) -> UnsafeRawPointer {
        // Safety: the pointer outlives the closure only while `values`' buffer is retained
        // unmodified by an ArrayOwner (see above); the Arrow consumer reads, never writes.
        values.withUnsafeBufferPointer { $0.count > 0 ? $0.baseAddress.map(UnsafeRawPointer.init) : nil } ?? UnsafeRawPointer(zeroBlock)
    }

    // MARK: Schema nodes

    private static func fillSchema(_ out: UnsafeMutablePointer<ArrowSchema>, format: String, name: String, metadata: [(String, String)], flags: Int64,
                                   children: [(UnsafeMutablePointer<ArrowSchema>) -> Void]) {
        let owner = SchemaOwner()
        owner.format = strdup(format)
        owner.name = strdup(name)
        if let blob = ArrowMetadata.encode(metadata) {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: blob.count, alignment: 8)
            blob.withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: blob.count) }
            owner.metadata = raw.assumingMemoryBound(to: CChar.self)
        }
        owner.children = ChildNodes.make(children)
        owner.childCount = children.count
        out.pointee = ArrowSchema(format: owner.format, name: owner.name, metadata: UnsafePointer(owner.metadata), flags: flags,
                                  n_children: Int64(children.count), children: owner.children, dictionary: nil,
                                  release: releaseSchema, private_data: Unmanaged.passRetained(owner).toOpaque())
    }

    // MARK: Array nodes

    private static func fillArray(_ out: UnsafeMutablePointer<ArrowArray>, length: Int, nullCount: Int, owner: ArrayOwner,
                                  children: [(UnsafeMutablePointer<ArrowArray>) -> Void]) {
        owner.bufferList = .allocate(capacity: max(owner.buffers.count, 1))
        for (i, b) in owner.buffers.enumerated() { owner.bufferList![i] = b }
        owner.children = ChildNodes.make(children)
        owner.childCount = children.count
        out.pointee = ArrowArray(length: Int64(length), null_count: Int64(nullCount), offset: 0, n_buffers: Int64(owner.buffers.count),
                                 n_children: Int64(children.count), buffers: owner.bufferList, children: owner.children, dictionary: nil,
                                 release: releaseArray, private_data: Unmanaged.passRetained(owner).toOpaque())
    }
}

/// A zeroed, 64-byte aligned block that empty buffers point at.
nonisolated(unsafe) let zeroBlock: UnsafeMutableRawPointer = {
    let block = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
    block.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
    return block
}()

/// What an exported schema node owns: its C strings and its children.
private final class SchemaOwner {
    var format: UnsafeMutablePointer<CChar>?
    var name: UnsafeMutablePointer<CChar>?
    var metadata: UnsafeMutablePointer<CChar>?
    var children: UnsafeMutablePointer<UnsafeMutablePointer<ArrowSchema>?>?
    var childCount = 0

    deinit {
        free(format)
        free(name)
        metadata?.deallocate()
        ChildNodes.free(children, count: childCount)
    }
}

/// What an exported array node owns: the Swift arrays its buffers point into, the buffer list
/// and its children.
private final class ArrayOwner {
    let buffers: [UnsafeRawPointer?]
    let keep: [Any]
    var bufferList: UnsafeMutablePointer<UnsafeRawPointer?>?
    var children: UnsafeMutablePointer<UnsafeMutablePointer<ArrowArray>?>?
    var childCount = 0

    init(buffers: [UnsafeRawPointer?], keep: [Any]) {
        self.buffers = buffers
        self.keep = keep
    }

    deinit {
        bufferList?.deallocate()
        ChildNodes.free(children, count: childCount)
    }
}

/// A schema or array node of the C data interface: both release the same way.
protocol ArrowNode {
    /// Calls the node's release callback unless a consumer moved it out (release is NULL).
    static func releaseIfLive(_ node: UnsafeMutablePointer<Self>)
}

extension ArrowSchema: ArrowNode {
    static func releaseIfLive(_ node: UnsafeMutablePointer<ArrowSchema>) { node.pointee.release?(node) }
}

extension ArrowArray: ArrowNode {
    static func releaseIfLive(_ node: UnsafeMutablePointer<ArrowArray>) { node.pointee.release?(node) }
}

/// The children of an exported node: allocated and filled when it is exported, released and
/// freed with it (a child a consumer moved out is only freed).
enum ChildNodes {
    static func make<Node: ArrowNode>(_ fills: [(UnsafeMutablePointer<Node>) -> Void]) -> UnsafeMutablePointer<UnsafeMutablePointer<Node>?>? {
        guard !fills.isEmpty else { return nil }
        let children = UnsafeMutablePointer<UnsafeMutablePointer<Node>?>.allocate(capacity: fills.count)
        for (i, fill) in fills.enumerated() {
            let child = UnsafeMutablePointer<Node>.allocate(capacity: 1)
            fill(child)
            children[i] = child
        }
        return children
    }

    static func free<Node: ArrowNode>(_ children: UnsafeMutablePointer<UnsafeMutablePointer<Node>?>?, count: Int) {
        guard let children else { return }
        for i in 0..<count {
            guard let child = children[i] else { continue }
            Node.releaseIfLive(child)
            child.deallocate()
        }
        children.deallocate()
    }
}

private let releaseSchema: @convention(c) (UnsafeMutablePointer<ArrowSchema>?) -> Void = { schema in
    guard let schema, let owner = schema.pointee.private_data else { return }
    Unmanaged<SchemaOwner>.fromOpaque(owner).release()
    schema.pointee.release = nil
    schema.pointee.private_data = nil
}

private let releaseArray: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { array in
    guard let array, let owner = array.pointee.private_data else { return }
    Unmanaged<ArrayOwner>.fromOpaque(owner).release()
    array.pointee.release = nil
    array.pointee.private_data = nil
}
