import SiftFormat
/// Finds the column of each key of a JSON line without hashing when lines repeat the key order
/// of the previous line, as log lines do: position `k`'s key is compared with the key seen at
/// position `k` last time, and only a miss decodes the name and asks `resolve`. Keys live in
/// one flat buffer and are compared eight bytes at a time (a `memcmp` call per key, and the
/// reference counting of an array per key, were a tenth of ingest time).
struct KeyOrderCache {
    private var storage: [UInt8] = []
    private var entries: [(start: Int, count: Int, column: Int)] = []

    mutating func column(
        at position: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ keyRange: Range<Int>, escaped: Bool,
        resolve: (String) throws -> Int
    ) throws -> Int {
        if !escaped, position < entries.count {
            let e = entries[position]
            if e.count == keyRange.count,
               storage.withUnsafeBufferPointer({ Self.equal($0.baseAddress! + e.start, bytes.baseAddress! + keyRange.lowerBound, e.count) }) {
                return e.column
            }
        }
        // A key in another position (a line that left out a null field shifts the rest): find it
        // among the cached keys before decoding a name.
        if !escaped {
            let found = storage.withUnsafeBufferPointer { s -> (start: Int, count: Int, column: Int)? in
                entries.first { $0.count == keyRange.count && Self.equal(s.baseAddress! + $0.start, bytes.baseAddress! + keyRange.lowerBound, $0.count) }
            }
            if let found {
                if position < entries.count { entries[position] = found } else if position == entries.count { entries.append(found) }
                return found.column
            }
        }
        let keyBytes = escaped ? try JSONLineParser.unescape(bytes, keyRange) : Array(UnsafeBufferPointer(rebasing: bytes[keyRange]))
        let column = try resolve(String(decoding: keyBytes, as: UTF8.self))
        // Escaped keys are never cached: their bytes in the line differ from their name.
        if !escaped {
            if storage.count > 1 << 16 { storage.removeAll(keepingCapacity: true); entries.removeAll(keepingCapacity: true) }
            let entry = (start: storage.count, count: keyBytes.count, column: column)
            storage += keyBytes
            if position < entries.count { entries[position] = entry } else if position == entries.count { entries.append(entry) }
        }
        return column
    }

    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}
