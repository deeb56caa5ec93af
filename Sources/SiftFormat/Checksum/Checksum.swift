import CXXHash

/// The hash functions of the format, from libxxhash. This file is the only one that imports it.
///
/// - Page and footer checksums are XXH3-64 with seed 0 (`spec/format.md` §9): about twice as
///   fast as XXH64 on page-sized inputs, which matters because every page read verifies one.
/// - `xxh64` is kept for structures whose spec fixes XXH64 (bloom filters, as Parquet's).
public enum Checksum {
    /// XXH3-64 (seed 0) of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        XXH3_64bits(bytes.baseAddress, bytes.count)
    }

    /// XXH3-64 (seed 0) of `bytes`: the checksum of pages and footers (`spec/format.md` §9).
    public static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// XXH3-64 of `bytes[range]`.
    static func hash(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            // Safety: range lies within bytes; callers slice from bounds-checked readers.
            hash(UnsafeRawBufferPointer(rebasing: raw[range]))
        }
    }

    /// XXH3-64 of two byte ranges as if concatenated (a page header's first 24 bytes and its body).
    package static func hash(_ a: [UInt8], _ ra: Range<Int>, _ b: [UInt8], _ rb: Range<Int>) -> UInt64 {
        guard let state = XXH3_createState() else { fatalError("XXH3_createState failed: out of memory") }
        defer { XXH3_freeState(state) }
        XXH3_64bits_reset(state)
        a.withUnsafeBytes { raw in _ = XXH3_64bits_update(state, raw.baseAddress! + ra.lowerBound, ra.count) }
        b.withUnsafeBytes { raw in
            if !rb.isEmpty { _ = XXH3_64bits_update(state, raw.baseAddress! + rb.lowerBound, rb.count) }
        }
        return XXH3_64bits_digest(state)
    }

    /// Classic XXH64 with a seed, for structures the spec defines with it.
    public static func xxh64(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        XXH64(bytes.baseAddress, bytes.count, seed)
    }
}
