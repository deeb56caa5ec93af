#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte string as a dictionary key, hashed once with XXH64 (hashing an `ArraySlice` byte by
/// byte through `Hasher` dominated string dictionary building).
struct BytesKey: Hashable {
    let bytes: ArraySlice<UInt8>
    let hash: UInt64

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        hash = bytes.withUnsafeBytes { XXHash64.hash($0) }
    }

    static func == (a: BytesKey, b: BytesKey) -> Bool {
        a.hash == b.hash && a.bytes.count == b.bytes.count && a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

/// A page of strings split into distinct entries and codes, computed once and used both to
/// size the DICTIONARY encoding and to write it.
struct BytesDictionary {
    var entries = VarBytes()
    var codes: [UInt32] = []

    /// nil when there are more than `limit` distinct values.
    init?(_ values: VarBytes, limit: Int) {
        var index: [BytesKey: UInt32] = [:]
        codes.reserveCapacity(values.count)
        for i in 0..<values.count {
            let key = BytesKey(values[i])
            if let code = index[key] { codes.append(code) } else {
                let code = UInt32(entries.count)
                if entries.count >= limit { return nil }
                index[key] = code
                entries.append(key.bytes)
                codes.append(code)
            }
        }
    }

    var encodedSize: Int {
        let w = BitPacking.bitsNeeded(UInt64(max(entries.count, 1) - 1))
        return 4 + 4 * (entries.count + 1) + entries.bytes.count + 1 + BitPacking.byteCount(count: codes.count, width: w)
    }
}
