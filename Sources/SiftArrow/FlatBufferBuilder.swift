/// A minimal FlatBuffers builder, enough for Arrow IPC metadata (`Schema.fbs`, `Message.fbs`):
/// tables with scalar, offset and union fields, strings, vectors of offsets and of structs.
///
/// Like the reference builders it writes back to front: an object is written before whatever
/// refers to it, so every uoffset points forward (to a higher address) as the format requires.
/// A reference (`Ref`) is an object's distance from the buffer's end; alignment is kept
/// relative to the end, and `finish` pads the front so the whole buffer is 8-byte aligned.
struct FlatBufferBuilder {
    typealias Ref = Int

    /// The buffer's tail, growing towards the front.
    private var bytes: [UInt8] = []
    private var tableStart = 0
    private var fields: [(slot: Int, ref: Ref)] = []

    private mutating func prepend(_ data: [UInt8]) { bytes.insert(contentsOf: data, at: 0) }

    /// Pads so that after `additional` more bytes the tail is a multiple of `alignment`.
    private mutating func align(_ alignment: Int, additional: Int = 0) {
        let pad = (alignment - (bytes.count + additional) % alignment) % alignment
        if pad > 0 { prepend([UInt8](repeating: 0, count: pad)) }
    }

    private mutating func scalar<T: FixedWidthInteger>(_ v: T) {
        align(MemoryLayout<T>.size)
        prepend(withUnsafeBytes(of: v.littleEndian) { Array($0) })
    }

    private mutating func offset(to ref: Ref) {
        align(4)
        scalar(UInt32(bytes.count + 4 - ref))
    }

    mutating func string(_ s: String) -> Ref {
        let utf8 = Array(s.utf8)
        align(4, additional: utf8.count + 1)
        prepend(utf8 + [0])
        scalar(UInt32(utf8.count))
        return bytes.count
    }

    mutating func vector(of refs: [Ref]) -> Ref {
        align(4, additional: 4 * refs.count)
        for ref in refs.reversed() { offset(to: ref) }
        scalar(UInt32(refs.count))
        return bytes.count
    }

    /// A vector of structs, each given as its little-endian bytes (all of one size).
    mutating func vector(ofStructs structs: [[UInt8]], alignment: Int) -> Ref {
        let size = structs.first?.count ?? 0
        align(max(alignment, 4), additional: size * structs.count)
        for s in structs.reversed() { prepend(s) }
        scalar(UInt32(structs.count))
        return bytes.count
    }

    mutating func startTable() {
        fields = []
        tableStart = bytes.count
    }

    mutating func add<T: FixedWidthInteger>(_ slot: Int, _ value: T) {
        scalar(value)
        fields.append((slot, bytes.count))
    }

    mutating func add(_ slot: Int, bool value: Bool) { add(slot, UInt8(value ? 1 : 0)) }

    mutating func add(_ slot: Int, offset ref: Ref) {
        offset(to: ref)
        fields.append((slot, bytes.count))
    }

    /// Ends the table: writes its vtable just before it and points the table at it.
    mutating func endTable() -> Ref {
        scalar(Int32(0))  // the vtable's soffset, patched below
        let table = bytes.count
        let slots = (fields.map(\.slot).max() ?? -1) + 1
        var vtable = [UInt16](repeating: 0, count: 2 + slots)
        vtable[0] = UInt16(4 + 2 * slots)
        vtable[1] = UInt16(table - tableStart)
        for (slot, ref) in fields { vtable[2 + slot] = UInt16(table - ref) }
        prepend(vtable.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } })
        let vtableRef = bytes.count
        // soffset = table position - vtable position = vtableRef - tableRef (the vtable is before).
        let at = bytes.count - table
        withUnsafeBytes(of: Int32(vtableRef - table).littleEndian) { raw in
            for i in 0..<4 { bytes[at + i] = raw[i] }
        }
        return table
    }

    /// The finished buffer: the root table's offset first, the length a multiple of 8.
    mutating func finish(root: Ref) -> [UInt8] {
        align(8, additional: 4)
        offset(to: root)
        return bytes
    }
}
