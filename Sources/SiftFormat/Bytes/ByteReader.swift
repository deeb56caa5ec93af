/// A bounds-checked cursor over bytes. Every read checks what remains first, so hostile input
/// can only produce a `FormatError`, never a trap or an over-read.
///
/// `base` is the absolute file offset of `bytes[0]`, so errors name file offsets.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int
    let base: UInt64

    init(_ bytes: [UInt8], range: Range<Int>? = nil, base: UInt64 = 0) {
        self.bytes = bytes
        let r = range ?? 0..<bytes.count
        position = r.lowerBound
        end = r.upperBound
        self.base = base
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }
    /// Absolute offset of the cursor in the file.
    var fileOffset: UInt64 { base + UInt64(position) }

    func error(_ code: FormatError.Code, _ message: String) -> FormatError {
        FormatError(code, message, offset: fileOffset)
    }

    mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws(FormatError) {
        guard n >= 0, n <= remaining else {
            throw error(.truncatedFile, "\(what()) needs \(n) bytes, only \(remaining) remain")
        }
    }

    mutating func u8(_ what: @autoclosure () -> String = "value") throws(FormatError) -> UInt8 {
        try need(1, what())
        defer { position += 1 }
        return bytes[position]
    }

    mutating func le<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String = "value") throws(FormatError) -> T {
        let size = MemoryLayout<T>.size
        try need(size, what())
        defer { position += size }
        return loadLE(T.self, bytes, at: position)
    }

    mutating func slice(_ n: Int, _ what: @autoclosure () -> String = "bytes") throws(FormatError) -> Range<Int> {
        try need(n, what())
        defer { position += n }
        return position..<(position + n)
    }

    mutating func skip(_ n: Int, _ what: @autoclosure () -> String = "bytes") throws(FormatError) {
        try need(n, what())
        position += n
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    mutating func varint(_ what: @autoclosure () -> String = "varint") throws(FormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error(.malformedFooter, "\(what()) runs past its end") }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw error(.malformedFooter, "\(what()) overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error(.malformedFooter, "\(what()) is longer than 10 bytes") }
        }
    }
}

/// Loads a little-endian integer at any alignment. The caller has checked the bounds.
@inline(__always)
func loadLE<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
    bytes.withUnsafeBytes { raw in
        // Safety: callers check offset + size <= bytes.count before calling.
        T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
