/// LSB-first bit packing (`spec/format.md` §6.2): value `i` occupies bits `i*w ..< (i+1)*w` of
/// the little-endian bit stream, where bit `k` is bit `k % 8` of byte `k / 8`. `n` values of
/// width `w` take exactly `ceil(n*w/8)` bytes, so each block of 1024 values starts on a byte
/// (indeed a 128-byte) boundary.
package enum BitPacking {
    /// Bytes needed for `count` values of `width` bits.
    package static func byteCount(count: Int, width: Int) -> Int { (count * width + 7) / 8 }

    /// Bits needed to represent `v` (0 for 0).
    package static func bitsNeeded(_ v: UInt64) -> Int { 64 - v.leadingZeroBitCount }

    /// Appends `values`, each masked to `width` bits, packed.
    package static func pack<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>, width: Int, into out: inout ByteWriter) {
        guard width > 0 else { return }
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
        var acc: UInt64 = 0
        var accBits = 0
        out.bytes.reserveCapacity(out.bytes.count + byteCount(count: values.count, width: width))
        for raw in values {
            let v = UInt64(truncatingIfNeeded: raw) & mask
            acc |= v << UInt64(accBits)
            if accBits + width >= 64 {
                out.le(acc)
                // Smart shift: shifting by 64 yields 0, which is the empty carry.
                acc = accBits == 0 ? 0 : v >> UInt64(64 - accBits)
                accBits = accBits + width - 64
            } else {
                accBits += width
            }
        }
        var tail = (accBits + 7) / 8
        while tail > 0 {
            out.u8(UInt8(truncatingIfNeeded: acc))
            acc >>= 8
            tail -= 1
        }
    }

    /// Unpacks `count` values of `width` bits from `bytes[range]` and adds `reference` to each
    /// (wrapping), writing them to `out`. `range` must hold at least `byteCount(count, width)`
    /// bytes; the caller checks.
    package static func unpack<T: FixedWidthInteger & UnsignedInteger>(
        _ bytes: [UInt8], _ range: Range<Int>, count: Int, width: Int, adding reference: T,
        into out: UnsafeMutableBufferPointer<T>
    ) {
        precondition(out.count >= count && range.count >= byteCount(count: count, width: width))
        guard width > 0 else {
            out.baseAddress!.update(repeating: reference, count: count)
            return
        }
        // Copy into a buffer with 16 zero bytes of slack, so every value is read with one or two
        // unaligned 8-byte loads and no tail case.
        let needed = byteCount(count: count, width: width)
        var padded = [UInt8](repeating: 0, count: needed + 16)
        padded.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in
                // Safety: range.lowerBound + needed <= bytes.count (checked above).
                dst.baseAddress!.copyMemory(from: src.baseAddress! + range.lowerBound, byteCount: needed)
            }
        }
        padded.withUnsafeBytes { src in
            let base = src.baseAddress!
            if width <= 56 {
                let mask: UInt64 = (1 << UInt64(width)) - 1
                var bit = 0
                for i in 0..<count {
                    // Safety: bit >> 3 + 8 <= needed + 16.
                    let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                    out[i] = T(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask) &+ reference
                    bit &+= width
                }
            } else {
                let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
                var bit = 0
                for i in 0..<count {
                    let shift = UInt64(bit & 7)
                    let lo = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                    let hi = UInt64(base.load(fromByteOffset: (bit >> 3) + 8, as: UInt8.self))
                    let v = shift == 0 ? lo : (lo >> shift) | (hi << (64 - shift))
                    out[i] = T(truncatingIfNeeded: v & mask) &+ reference
                    bit &+= width
                }
            }
        }
    }
}
