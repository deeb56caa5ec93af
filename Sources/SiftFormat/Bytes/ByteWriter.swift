/// Appends little-endian integers, varints and raw bytes to a growing buffer.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func le<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func raw<C: Collection>(_ c: C) where C.Element == UInt8 { bytes.append(contentsOf: c) }

    /// An unsigned LEB128 varint (7 bits a byte, low group first, high bit = more follows).
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func zeros(_ n: Int) { bytes.append(contentsOf: repeatElement(0, count: n)) }

    /// Overwrites a little-endian integer at `offset` (for sizes known only afterwards).
    mutating func patchLE<T: FixedWidthInteger>(_ v: T, at offset: Int) {
        withUnsafeBytes(of: v.littleEndian) { src in
            for i in 0..<src.count { bytes[offset + i] = src[i] }
        }
    }
}
