import CSiftABI
import SiftFormat

/// Reads Arrow C data interface structs into Sift schemas and batches (`spec/arrow.md` §4).
/// Importing copies values into Sift's vectors (the writer encodes them anyway); the arrays
/// are released by their owner, the caller.
public enum ArrowImport {
    /// The fields of a struct schema (format `+s`), as a record batch stream's schema is.
    public static func fields(_ schema: UnsafePointer<ArrowSchema>) throws(ArrowInteropError) -> [ArrowField] {
        let root = schema.pointee
        guard let format = root.format.map({ String(cString: $0) }), format == "+s" else {
            throw ArrowInteropError(.invalidSchema, "a record batch schema must be a struct (format '+s'), not '\(root.format.map { String(cString: $0) } ?? "")'")
        }
        var out: [ArrowField] = []
        for i in 0..<Int(root.n_children) {
            guard let child = root.children?[i] else { throw ArrowInteropError(.invalidSchema, "schema child \(i) is missing") }
            let name = child.pointee.name.map { String(cString: $0) } ?? ""
            let metadata = try ArrowMetadata.decode(child.pointee.metadata, field: name)
            out.append(ArrowField(name: name, format: child.pointee.format.map { String(cString: $0) } ?? "", metadata: metadata,
                                  nullable: child.pointee.flags & Int64(ARROW_FLAG_NULLABLE) != 0, dictionaryEncoded: child.pointee.dictionary != nil))
        }
        return out
    }

    /// A struct array (one record batch of `arrowFields`) as a batch of `schema`: columns are
    /// matched by name; a nullable column the data lacks reads as null; a column the schema
    /// lacks is an error (nothing is dropped silently).
    public static func batch(_ array: UnsafePointer<ArrowArray>, fields arrowFields: [ArrowField], schema: Schema) throws -> RecordBatch {
        let root = array.pointee
        guard Int(root.n_children) == arrowFields.count else {
            throw ArrowInteropError(.invalidSchema, "the batch has \(root.n_children) columns; its schema has \(arrowFields.count)")
        }
        let rows = Int(root.length)
        let positions = try mapping(arrowFields, to: schema)
        var columns: [ColumnVector] = []
        for (field, position) in zip(schema.fields, positions) {
            guard let k = position else {
                columns.append(.nulls(field.type, count: rows))
                continue
            }
            guard let child = root.children?[k] else { throw ArrowInteropError(.invalidSchema, "batch child \(k) is missing", column: field.name) }
            guard Int(child.pointee.length) >= Int(root.offset) + rows else {
                throw ArrowInteropError(.invalidData, "column has \(child.pointee.length) rows; the batch needs \(Int(root.offset) + rows)", column: field.name)
            }
            var column = try ArrowColumnImport(array: child.pointee, parentOffset: Int(root.offset), rows: rows,
                                               format: arrowFields[k].format, field: field).read()
            if root.null_count != 0, let parentValidity = try ArrowColumnImport.validity(root, offset: Int(root.offset), rows: rows) {
                // A null struct row makes every column null in it.
                var merged = column.validity ?? Bitmap(count: rows, value: true)
                for i in 0..<rows where !parentValidity[i] { merged[i] = false }
                column.validity = merged
            }
            columns.append(column)
        }
        do { return try RecordBatch(schema: schema, columns: columns) } catch {
            throw ArrowInteropError(.invalidData, error.message, column: error.column)
        }
    }

    /// For each field of `schema`, the position of the Arrow field of that name (nil: absent,
    /// allowed for a nullable field). Names the Arrow schema repeats, or holds beyond the
    /// schema, are errors.
    public static func mapping(_ arrowFields: [ArrowField], to schema: Schema) throws(ArrowInteropError) -> [Int?] {
        var byName: [String: Int] = [:]
        for (i, f) in arrowFields.enumerated() {
            guard byName.updateValue(i, forKey: f.name) == nil else { throw ArrowInteropError(.invalidSchema, "the data has two columns named '\(f.name)'") }
        }
        let extra = arrowFields.map(\.name).filter { schema.index(of: $0) == nil }
        guard extra.isEmpty else {
            throw ArrowInteropError(.invalidSchema, "the data has columns the target does not: \(extra.joined(separator: ", ")); "
                + "the target has: \(schema.fields.map(\.name).joined(separator: ", "))")
        }
        return try schema.fields.map { (field) throws(ArrowInteropError) -> Int? in
            guard let k = byName[field.name] else {
                guard field.nullable else { throw ArrowInteropError(.invalidSchema, "the data lacks this non-nullable column", column: field.name) }
                return nil
            }
            let arrow = arrowFields[k]
            guard !arrow.dictionaryEncoded else {
                throw ArrowInteropError(.unsupportedType, "dictionary-encoded columns are not taken; decode it first (e.g. cast to its value type)", column: field.name)
            }
            guard ArrowColumnImport.accepts(arrow.format, into: field.type) else {
                throw ArrowInteropError(.unsupportedType, "Arrow type '\(arrow.format)' cannot be stored in a Sift \(field.type.name) column; cast it first", column: field.name)
            }
            return k
        }
    }
}

/// Reads one Arrow column (any offset, with or without validity) into a Sift vector of the
/// field's type, converting where `spec/arrow.md` §4 allows: timestamps of any unit to
/// microseconds, IP address text to ipv4/ipv6, ipv4 to IPv4-mapped ipv6, large offsets.
struct ArrowColumnImport {
    let array: ArrowArray
    let offset: Int
    let rows: Int
    let format: String
    let field: Field

    init(array: ArrowArray, parentOffset: Int, rows: Int, format: String, field: Field) {
        self.array = array
        offset = Int(array.offset) + parentOffset
        self.rows = rows
        self.format = format
        self.field = field
    }

    /// Whether an Arrow column of `format` can be stored in a Sift column of `type`.
    static func accepts(_ format: String, into type: ColumnType) -> Bool {
        if format == "n" { return true }
        switch type {
        case .bool: return format == "b"
        case .int32: return format == "i"
        case .int64: return format == "l"
        case .uint16: return format == "S"
        case .uint32: return format == "I"
        case .float64: return format == "g"
        case .timestamp: return timestampScale(format) != nil
        case .string: return format == "u" || format == "U"
        case .binary: return format == "z" || format == "Z"
        case .ipv4: return ["I", "u", "U"].contains(format)
        case .ipv6: return ["w:16", "I", "u", "U"].contains(format)
        }
    }

    /// Microseconds per unit of an Arrow timestamp format (`tss:`, `tsm:`, `tsu:`, `tsn:`;
    /// negative for nanoseconds, which are divided), nil for other formats.
    static func timestampScale(_ format: String) -> Int64? {
        guard format.hasPrefix("ts"), format.count >= 4, format.dropFirst(3).first == ":" else { return nil }
        switch format.dropFirst(2).first {
        case "s": return 1_000_000
        case "m": return 1_000
        case "u": return 1
        case "n": return -1_000
        default: return nil
        }
    }

    /// The validity bitmap of `array`'s rows `offset ..< offset + rows` (nil: no nulls).
    static func validity(_ array: ArrowArray, offset: Int, rows: Int) throws(ArrowInteropError) -> Bitmap? {
        guard array.null_count != 0, array.n_buffers > 0, let bits = array.buffers?[0] else { return nil }
        let bytes = bits.assumingMemoryBound(to: UInt8.self)
        var out = Bitmap(count: rows, value: true)
        // Safety: the producer promises a validity buffer of at least offset + length bits.
        for i in 0..<rows {
            let k = offset + i
            if bytes[k >> 3] & (1 << UInt8(k & 7)) == 0 { out[i] = false }
        }
        return out
    }

    func buffer(_ i: Int) throws(ArrowInteropError) -> UnsafeRawPointer {
        guard Int(array.n_buffers) > i, let b = array.buffers?[i] else {
            throw ArrowInteropError(.invalidData, "buffer \(i) of an Arrow '\(format)' array is missing", column: field.name)
        }
        return b
    }

    func values<T>(_: T.Type) throws(ArrowInteropError) -> [T] {
        guard rows > 0 else { return [] }
        // Safety: the producer promises offset + length values in buffer 1.
        let start = try buffer(1).assumingMemoryBound(to: T.self) + offset
        return Array(UnsafeBufferPointer(start: start, count: rows))
    }

    /// Variable-width values (32- or 64-bit offsets) as Sift's offsets and bytes.
    func varBytes(large: Bool) throws(ArrowInteropError) -> VarBytes {
        guard rows > 0 else { return VarBytes() }
        let offsetsBuffer = try buffer(1)
        func offsetAt(_ i: Int) -> Int {
            large ? Int(offsetsBuffer.loadUnaligned(fromByteOffset: (offset + i) * 8, as: Int64.self))
                : Int(offsetsBuffer.loadUnaligned(fromByteOffset: (offset + i) * 4, as: Int32.self))
        }
        let first = offsetAt(0), last = offsetAt(rows)
        guard first >= 0, last >= first, last - first <= Int(UInt32.max) else {
            throw ArrowInteropError(.invalidData, "offsets \(first)..<\(last) are invalid or span 4 GiB or more; split the batch", column: field.name)
        }
        var offsets = [UInt32](repeating: 0, count: rows + 1)
        var previous = first
        for i in 1...rows {
            let o = offsetAt(i)
            guard o >= previous, o <= last else { throw ArrowInteropError(.invalidData, "offsets decrease", column: field.name, row: i - 1) }
            offsets[i] = UInt32(o - first)
            previous = o
        }
        let data = last > first ? try buffer(2) : UnsafeRawPointer(zeroBlock)
        // Safety: the producer promises the data buffer holds every byte the offsets name.
        let bytes = Array(UnsafeRawBufferPointer(start: data + first, count: last - first))
        return VarBytes(offsets: offsets, bytes: bytes)
    }

    func read() throws -> ColumnVector {
        let validity = try Self.validity(array, offset: offset, rows: rows)
        if format == "n" { return .nulls(field.type, count: rows) }
        let values: ColumnVector.Values
        switch (field.type, format) {
        case (.bool, _):
            var bits = [Bool](repeating: false, count: rows)
            if rows > 0 {
                let bytes = try buffer(1).assumingMemoryBound(to: UInt8.self)
                for i in 0..<rows { let k = offset + i; bits[i] = bytes[k >> 3] & (1 << UInt8(k & 7)) != 0 }
            }
            values = .bool(bits)
        case (.int32, _): values = .int32(try self.values(Int32.self))
        case (.int64, _): values = .int64(try self.values(Int64.self))
        case (.uint16, _): values = .uint16(try self.values(UInt16.self))
        case (.uint32, _): values = .uint32(try self.values(UInt32.self))
        case (.float64, _): values = .float64(try self.values(Double.self))
        case (.timestamp, _):
            var v = try self.values(Int64.self)
            let scale = Self.timestampScale(format) ?? 1
            if scale < 0 {
                // Nanoseconds: Sift keeps microseconds; finer digits are dropped (floor).
                for i in v.indices { v[i] = v[i] >= 0 ? v[i] / 1000 : (v[i] - 999) / 1000 }
            } else if scale > 1 {
                for i in v.indices where validity?[i] ?? true {
                    let (m, overflow) = v[i].multipliedReportingOverflow(by: scale)
                    guard !overflow else { throw ArrowInteropError(.invalidData, "timestamp \(v[i]) (\(format)) is out of range", column: field.name, row: i) }
                    v[i] = m
                }
            }
            values = .timestamp(v)
        case (.string, _):
            let v = try varBytes(large: format == "U")
            for i in 0..<rows where validity?[i] ?? true {
                guard UTF8Validation.isValid(v[i]) else { throw ArrowInteropError(.invalidData, "value is not valid UTF-8", column: field.name, row: i) }
            }
            values = .string(v)
        case (.binary, _): values = .binary(try varBytes(large: format == "Z"))
        case (.ipv4, "I"): values = .ipv4(try self.values(UInt32.self))
        case (.ipv4, _):
            let text = try varBytes(large: format == "U")
            var v = [UInt32](repeating: 0, count: rows)
            for i in 0..<rows where validity?[i] ?? true {
                guard let a = TextForms.parseIPv4(text[i]) else {
                    throw ArrowInteropError(.invalidData, "'\(Self.preview(text[i]))' is not an IPv4 address", column: field.name, row: i)
                }
                v[i] = a
            }
            values = .ipv4(v)
        case (.ipv6, "w:16"):
            var v = [IPv6Address](repeating: IPv6Address(high: 0, low: 0), count: rows)
            if rows > 0 {
                let raw = try buffer(1) + offset * 16
                for i in 0..<rows {
                    v[i] = IPv6Address(high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self)),
                                       low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self)))
                }
            }
            values = .ipv6(v)
        case (.ipv6, "I"): values = .ipv6(try self.values(UInt32.self).map { IPv6Address(mapping: $0) })
        case (.ipv6, _):
            let text = try varBytes(large: format == "U")
            var v = [IPv6Address](repeating: IPv6Address(high: 0, low: 0), count: rows)
            for i in 0..<rows where validity?[i] ?? true {
                guard let a = TextForms.parseIP(text[i]) else {
                    throw ArrowInteropError(.invalidData, "'\(Self.preview(text[i]))' is not an IP address", column: field.name, row: i)
                }
                v[i] = a
            }
            values = .ipv6(v)
        }
        return ColumnVector(values, validity: validity)
    }

    /// A short, printable form of a hostile value for an error message.
    static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self)
        return String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }) + (bytes.count > 64 ? "…" : "")
    }
}
