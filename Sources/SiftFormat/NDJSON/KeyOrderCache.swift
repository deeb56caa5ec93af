/// Finds the column of each key of a JSON line without hashing when lines repeat the key order
/// of the previous line, as log lines do: position `k`'s key is compared (memcmp) with the key
/// seen at position `k` last time, and only a miss decodes the name and asks `resolve`.
struct KeyOrderCache {
    private var lastKeys: [(key: [UInt8], column: Int)] = []

    mutating func column(
        at position: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ keyRange: Range<Int>, escaped: Bool,
        resolve: (String) throws -> Int
    ) throws -> Int {
        if !escaped, position < lastKeys.count, sameBytes(lastKeys[position].key, bytes, keyRange) {
            return lastKeys[position].column
        }
        let keyBytes = escaped ? try JSONLineParser.unescape(bytes, keyRange) : Array(UnsafeBufferPointer(rebasing: bytes[keyRange]))
        let column = try resolve(String(decoding: keyBytes, as: UTF8.self))
        // Escaped keys are never cached: their bytes in the line differ from their name.
        if !escaped {
            if position < lastKeys.count { lastKeys[position] = (keyBytes, column) } else { lastKeys.append((keyBytes, column)) }
        }
        return column
    }
}
