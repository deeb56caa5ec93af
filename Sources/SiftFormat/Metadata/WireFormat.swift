/// The footer's encoding: the protocol-buffers wire format (`spec/format.md` §10.1).
///
/// Each field is a key varint `field_number << 3 | wire_type` followed by its value: wire type
/// 0 is a varint, 1 eight bytes, 2 a varint length and that many bytes (strings, bytes, nested
/// messages), 5 four bytes. Readers skip fields they do not know; `spec/footer.proto` declares
/// the messages.
struct WireWriter {
    var out = ByteWriter()

    mutating func varint(_ field: Int, _ v: UInt64) {
        out.varint(UInt64(field) << 3 | 0)
        out.varint(v)
    }

    mutating func bool(_ field: Int, _ v: Bool) { varint(field, v ? 1 : 0) }

    mutating func bytes<C: Collection>(_ field: Int, _ v: C) where C.Element == UInt8 {
        out.varint(UInt64(field) << 3 | 2)
        out.varint(UInt64(v.count))
        out.raw(v)
    }

    mutating func string(_ field: Int, _ s: String) { bytes(field, Array(s.utf8)) }

    mutating func message(_ field: Int, _ build: (inout WireWriter) -> Void) {
        var inner = WireWriter()
        build(&inner)
        bytes(field, inner.out.bytes)
    }
}

/// A field read from a message: its number and value.
enum WireValue {
    case varint(UInt64)
    case bytes(Range<Int>)
}

struct WireReader {
    var r: ByteReader

    init(_ bytes: [UInt8], range: Range<Int>, base: UInt64) {
        r = ByteReader(bytes, range: range, base: base)
    }

    /// The next field, or nil at the end of the message. Unknown wire types 1 and 5 are skipped
    /// here (no footer field uses them yet); groups (3, 4) and 6, 7 are malformed.
    mutating func next() throws(FormatError) -> (Int, WireValue)? {
        while !r.isAtEnd {
            let key = try r.varint("field key")
            let field = Int(truncatingIfNeeded: key >> 3)
            guard field > 0, key >> 3 <= 0x1FFF_FFFF else { throw r.error(.malformedFooter, "field number \(key >> 3) is invalid") }
            switch key & 7 {
            case 0: return (field, .varint(try r.varint("field \(field)")))
            case 1: try r.skip(8, "field \(field)")
            case 2:
                let length = try r.varint("length of field \(field)")
                guard length <= UInt64(r.remaining) else {
                    throw r.error(.malformedFooter, "field \(field) declares \(length) bytes, only \(r.remaining) remain in its message")
                }
                return (field, .bytes(try r.slice(Int(length))))
            case 5: try r.skip(4, "field \(field)")
            default: throw r.error(.malformedFooter, "wire type \(key & 7) of field \(field) is not allowed")
            }
        }
        return nil
    }

    /// Fails when a field that is not repeated appears a second time in its message
    /// (`spec/format.md` §10.1): protocol buffers would take the last one, or merge two
    /// messages, and two readers could then disagree about a footer.
    mutating func once(_ field: Int, _ seen: inout UInt64) throws(FormatError) {
        let bit: UInt64 = 1 << UInt64(field & 63)
        guard seen & bit == 0 else { throw r.error(.malformedFooter, "field \(field) appears twice in its message") }
        seen |= bit
    }

    func sub(_ range: Range<Int>) -> WireReader {
        WireReader(r.bytes, range: range, base: r.base)
    }

    func offset(of range: Range<Int>) -> UInt64 { r.base + UInt64(range.lowerBound) }

    func string(_ range: Range<Int>, _ what: String) throws(FormatError) -> String {
        let slice = r.bytes[range]
        guard UTF8Validation.isValid(slice) else {
            throw FormatError(.malformedFooter, "\(what) is not valid UTF-8", offset: offset(of: range))
        }
        return String(decoding: slice, as: UTF8.self)
    }
}
