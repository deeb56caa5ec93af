import SiftPlatform

/// A column of variable-length byte strings: `count + 1` offsets into one byte buffer, as the
/// PLAIN encoding of strings lays them out (`spec/format.md` §6.1).
public struct VarBytes: Sendable, Equatable {
    /// `offsets[i] ..< offsets[i + 1]` is value `i`'s range in ``bytes``; `offsets[0] == 0`.
    public var offsets: [UInt32]
    /// Every value's bytes, one after another.
    public var bytes: [UInt8]

    /// No values.
    public init() {
        offsets = [0]
        bytes = []
    }

    /// Values from offsets (`count + 1`, ascending, from 0) into `bytes`.
    public init(offsets: [UInt32], bytes: [UInt8]) {
        precondition(!offsets.isEmpty && offsets[0] == 0, "offsets must start with 0")
        self.offsets = offsets
        self.bytes = bytes
    }

    /// Values from strings, as UTF-8.
    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for s in strings { append(Array(s.utf8)) }
    }

    /// Number of values.
    public var count: Int { offsets.count - 1 }

    /// Value `i`'s bytes.
    public subscript(i: Int) -> ArraySlice<UInt8> {
        bytes[Int(offsets[i])..<Int(offsets[i + 1])]
    }

    /// Calls `body` with value `i`'s bytes where they are: no slice (and no retain of the
    /// buffer) per value, for loops over every value of a large column.
    @inlinable
    public func withValue<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { all in try body(UnsafeBufferPointer(rebasing: all[Int(offsets[i])..<Int(offsets[i + 1])])) }
    }

    /// Whether value `i` sorts before value `j` (bytes compared as unsigned, a prefix first).
    public func value(_ i: Int, precedes j: Int) -> Bool {
        withValue(i) { a in
            withValue(j) { b in
                let common = Swift.min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order < 0 || (order == 0 && a.count < b.count)
            }
        }
    }

    /// Value `i` decoded as UTF-8 (invalid sequences are repaired; string columns are validated).
    public func string(at i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    /// Adds a value at the end.
    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(UInt32(bytes.count))
    }

    /// Appends every value of `other` (its offsets rebased, its bytes copied once).
    public mutating func append(contentsOf other: VarBytes) {
        let base = UInt32(bytes.count)
        offsets.reserveCapacity(offsets.count + other.count)
        if base == 0 {
            offsets.append(contentsOf: other.offsets.dropFirst())
        } else {
            offsets.append(contentsOf: other.offsets.dropFirst().lazy.map { $0 + base })
        }
        bytes.append(contentsOf: other.bytes)
    }

    /// Removes the last value.
    public mutating func removeLast() {
        precondition(count > 0)
        offsets.removeLast()
        bytes.removeSubrange(Int(offsets[offsets.count - 1])...)
    }

    /// The values at `indices` (in range, any order), in that order: sized once, each value's
    /// bytes copied straight from the buffer (no slice, retain or release per value).
    public func gathered(_ indices: [Int]) -> VarBytes {
        var total = 0
        for i in indices { total += Int(offsets[i + 1] - offsets[i]) }
        var newOffsets = [UInt32](repeating: 0, count: indices.count + 1)
        let newBytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            bytes.withUnsafeBufferPointer { source in
                var at = 0
                for (k, i) in indices.enumerated() {
                    let start = Int(offsets[i]), length = Int(offsets[i + 1]) - start
                    if length > 0 { out.baseAddress!.advanced(by: at).update(from: source.baseAddress!.advanced(by: start), count: length) }
                    at += length
                    newOffsets[k + 1] = UInt32(at)
                }
            }
            initialized = total
        }
        return VarBytes(offsets: newOffsets, bytes: newBytes)
    }

    /// A dictionary lookup: `entries[codes[r]]` for each row `r` of `rows`, in that order, sized
    /// once and copied straight between the buffers; a row `validity` marks null comes out empty.
    /// nil when the values would take more than `limit` bytes (a page of a few codes can name a
    /// large entry many times). Every code must be below `entries.count`, as
    /// `DictionaryCodes.decode` checks; `rows` (nil: every row) must lie within `codes`.
    public static func lookUp(_ entries: VarBytes, codes: [UInt32], rows: [Int]?, validity: Bitmap?, limit: Int) -> VarBytes? {
        // Specialised here for both kinds of rows (a generic entry point would run unspecialised
        // from other modules, a witness call per row).
        if let rows { return lookUp(entries, codes: codes, picking: rows, validity: validity, limit: limit) }
        return lookUp(entries, codes: codes, picking: codes.indices, validity: validity, limit: limit)
    }

    private static func lookUp<Rows: Collection<Int>>(_ entries: VarBytes, codes: [UInt32], picking rows: Rows, validity: Bitmap?, limit: Int) -> VarBytes? {
        entries.offsets.withUnsafeBufferPointer { entryOffsets -> VarBytes? in
            codes.withUnsafeBufferPointer { codes -> VarBytes? in
                // Safety: a code c < entries.count, so c + 1 indexes entryOffsets; `total` is
                // the sum of the lengths copied below, the size of `bytes`.
                func length(_ r: Int) -> Int {
                    if let validity, !validity[r] { return 0 }
                    let c = Int(codes[r])
                    return Int(entryOffsets[c + 1] &- entryOffsets[c])
                }
                var total = 0
                for r in rows { total += length(r) }
                guard total <= limit else { return nil }
                var offsets = [UInt32](repeating: 0, count: rows.count + 1)
                let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                    entries.bytes.withUnsafeBufferPointer { source in
                        var at = 0, k = 0
                        for r in rows {
                            let n = length(r)
                            if n > 0 { out.baseAddress!.advanced(by: at).update(from: source.baseAddress!.advanced(by: Int(entryOffsets[Int(codes[r])])), count: n) }
                            at += n
                            k += 1
                            offsets[k] = UInt32(at)
                        }
                    }
                    initialized = total
                }
                return VarBytes(offsets: offsets, bytes: bytes)
            }
        }
    }

    /// Reserves room for more values and bytes.
    public mutating func reserve(values: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(offsets.count + values)
        bytes.reserveCapacity(bytes.count + byteCount)
    }
}
