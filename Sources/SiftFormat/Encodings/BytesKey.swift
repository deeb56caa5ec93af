import SiftPlatform

/// A byte string as a dictionary key, hashed once with XXH3 (hashing an `ArraySlice` byte by
/// byte through `Hasher` dominated string dictionary building).
struct BytesKey: Equatable {
    let bytes: ArraySlice<UInt8>
    let hash: UInt64

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        hash = bytes.withUnsafeBytes { Checksum.hash($0) }
    }

    static func == (a: BytesKey, b: BytesKey) -> Bool {
        a.hash == b.hash && a.bytes.count == b.bytes.count && a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }
}

/// A page of strings split into distinct entries and codes, computed once and used both to
/// size the DICTIONARY encoding and to write it.
struct BytesDictionary {
    var entries = VarBytes()
    var codes: [UInt32] = []

    /// nil when there are more than `limit` distinct values.
    init?(_ values: VarBytes, limit: Int) {
        guard let d = DictionaryBuilder<BytesKey>.build((0..<values.count).lazy.map { BytesKey(values[$0]) }, limit: limit, hash: \.hash) else { return nil }
        for key in d.entries { entries.append(key.bytes) }
        codes = d.codes
    }

    var encodedSize: Int {
        let w = BitPacking.bitsNeeded(UInt64(max(entries.count, 1) - 1))
        return 4 + 4 * (entries.count + 1) + entries.bytes.count + 1 + BitPacking.byteCount(count: codes.count, width: w)
    }
}
