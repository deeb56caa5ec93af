import CXXHash

/// XXH64 with seed 0 (`spec/format.md` §9): the checksum of every page and of the footer.
/// This file is the only one that imports libxxhash.
public enum XXHash64 {
    /// The XXH64 of `bytes` with the given seed.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        XXH64(bytes.baseAddress, bytes.count, seed)
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    /// The XXH64 of `bytes[range]`.
    static func hash(_ bytes: [UInt8], _ range: Range<Int>, seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            // Safety: range lies within bytes; callers slice from bounds-checked readers.
            hash(UnsafeRawBufferPointer(rebasing: raw[range]), seed: seed)
        }
    }

    /// The XXH64 of two byte ranges as if concatenated (a page header's first 24 bytes and its body).
    package static func hash(_ a: [UInt8], _ ra: Range<Int>, _ b: [UInt8], _ rb: Range<Int>, seed: UInt64 = 0) -> UInt64 {
        guard let state = XXH64_createState() else { fatalError("XXH64_createState failed: out of memory") }
        defer { XXH64_freeState(state) }
        XXH64_reset(state, seed)
        a.withUnsafeBytes { raw in _ = XXH64_update(state, raw.baseAddress! + ra.lowerBound, ra.count) }
        b.withUnsafeBytes { raw in
            if !rb.isEmpty { _ = XXH64_update(state, raw.baseAddress! + rb.lowerBound, rb.count) }
        }
        return XXH64_digest(state)
    }
}
