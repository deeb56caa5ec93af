import SiftFormat

/// A footer (or page index) taken apart into its protocol-buffers fields, so a corpus file can
/// carry what the library's writer never writes: unknown fields, duplicated fields, wrong wire
/// types, a hint on an integer column. Only the messages named in `nested` are opened.
struct WireMessage {
    enum Value {
        case varint(UInt64)
        case fixed64([UInt8])
        case bytes([UInt8])
        case fixed32([UInt8])
        case message(WireMessage)
    }
    struct Entry {
        var number: Int
        var value: Value
    }
    var fields: [Entry] = []

    /// Field numbers that hold nested messages, by the message's path from the root ("" is
    /// the root, "3" a row group, "3.2" a column chunk, ...). Footer paths by default.
    static let footerMessages: Set<String> = ["1", "3", "4", "3.2", "3.2.3", "3.2.5", "3.2.6"]
    /// A page index: `PageIndex { repeated Page pages = 1 }`, each page's statistics field 7.
    static let pageIndexMessages: Set<String> = ["1", "1.7"]

    init(fields: [Entry] = []) { self.fields = fields }

    init(_ bytes: [UInt8], nested: Set<String> = footerMessages, path: String = "") {
        var i = 0
        func varint() -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = bytes[i]; i += 1
                v |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
            }
        }
        while i < bytes.count {
            let key = varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append(Entry(number: number, value: .varint(varint())))
            case 1: fields.append(Entry(number: number, value: .fixed64(Array(bytes[i..<(i + 8)])))); i += 8
            case 5: fields.append(Entry(number: number, value: .fixed32(Array(bytes[i..<(i + 4)])))); i += 4
            default:
                let n = Int(varint())
                let body = Array(bytes[i..<(i + n)]); i += n
                let sub = path.isEmpty ? "\(number)" : "\(path).\(number)"
                fields.append(Entry(number: number, value: nested.contains(sub) ? .message(WireMessage(body, nested: nested, path: sub)) : .bytes(body)))
            }
        }
    }

    var bytes: [UInt8] {
        var w = ByteWriter()
        for f in fields {
            switch f.value {
            case .varint(let v): w.varint(UInt64(f.number) << 3); w.varint(v)
            case .fixed64(let b): w.varint(UInt64(f.number) << 3 | 1); w.raw(b)
            case .fixed32(let b): w.varint(UInt64(f.number) << 3 | 5); w.raw(b)
            case .bytes(let b): w.varint(UInt64(f.number) << 3 | 2); w.varint(UInt64(b.count)); w.raw(b)
            case .message(let m): let b = m.bytes; w.varint(UInt64(f.number) << 3 | 2); w.varint(UInt64(b.count)); w.raw(b)
            }
        }
        return w.bytes
    }

    /// Applies `change` to this message and every nested one, depth first.
    mutating func visit(_ path: String = "", _ change: (String, inout WireMessage) -> Void) {
        for i in fields.indices {
            if case .message(var m) = fields[i].value {
                m.visit(path.isEmpty ? "\(fields[i].number)" : "\(path).\(fields[i].number)", change)
                fields[i].value = .message(m)
            }
        }
        change(path, &self)
    }

    /// The first nested message at field `number`, changed in place.
    mutating func edit(_ number: Int, nth: Int = 0, _ change: (inout WireMessage) -> Void) {
        var seen = 0
        for i in fields.indices where fields[i].number == number {
            guard case .message(var m) = fields[i].value else { continue }
            if seen == nth { change(&m); fields[i].value = .message(m); return }
            seen += 1
        }
        fatalError("no message at field \(number) #\(nth)")
    }
}

/// Replaces a well-formed file's footer by `edit` of it, with a valid footer checksum.
func editFooter(_ file: [UInt8], _ edit: (inout WireMessage) -> Void) -> [UInt8] {
    let range = footerRange(file)
    var message = WireMessage(Array(file[range]))
    edit(&message)
    let footer = message.bytes
    return Array(file[0..<range.lowerBound]) + footer + FileLayout.trailer(footerChecksum: Checksum.hash(footer), footerLength: UInt32(footer.count))
}

/// Replaces the page index of a one-column, one-row-group file without bloom filters (it lies
/// just before the footer) by `edit` of it, and points the footer at the new bytes.
func editLastPageIndex(_ file: [UInt8], _ edit: (inout WireMessage) -> Void) throws -> [UInt8] {
    let reader = try SiftReader(source: MemorySource(file))
    let location = reader.metadata.rowGroups[0].columns[0].pageIndex!
    let start = Int(location.offset), end = start + Int(location.length)
    precondition(end == footerRange(file).lowerBound, "the page index must be the last thing before the footer")
    var index = WireMessage(Array(file[start..<end]), nested: WireMessage.pageIndexMessages)
    edit(&index)
    let newIndex = index.bytes
    let rebuilt = Array(file[0..<start]) + newIndex + Array(file[end...])
    return editFooter(rebuilt) { footer in
        footer.edit(3) { group in
            group.edit(2) { chunk in
                chunk.edit(6) { loc in
                    loc.fields = loc.fields.map { f in
                        switch f.number {
                        case 2: WireMessage.Entry(number: 2, value: .varint(UInt64(newIndex.count)))
                        case 4: WireMessage.Entry(number: 4, value: .varint(Checksum.hash(newIndex)))
                        default: f
                        }
                    }
                }
            }
        }
    }
}
