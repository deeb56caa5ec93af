/// Appends little-endian integers, varints and raw bytes to a growing buffer.
package struct ByteWriter {
    package var bytes: [UInt8] = []

    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    package var count: Int { bytes.count }

    package mutating func u8(_ v: UInt8) { bytes.append(v) }

    package mutating func le<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func raw<C: Collection>(_ c: C) where C.Element == UInt8 { bytes.append(contentsOf: c) }

    /// An unsigned LEB128 varint (7 bits a byte, low group first, high bit = more follows).
    package mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    package mutating func zeros(_ n: Int) { bytes.append(contentsOf: repeatElement(0, count: n)) }

    /// Overwrites a little-endian integer at `offset` (for sizes known only afterwards).
    package mutating func patchLE<T: FixedWidthInteger>(_ v: T, at offset: Int) {
        withUnsafeBytes(of: v.littleEndian) { src in
            for i in 0..<src.count { bytes[offset + i] = src[i] }
        }
    }
}
