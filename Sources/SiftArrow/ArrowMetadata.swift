/// The key/value metadata of an Arrow field in the C data interface's binary form: an int32
/// count, then per pair an int32 key length, the key's bytes, an int32 value length and the
/// value's bytes, integers in native byte order ("The Arrow C data interface", metadata).
enum ArrowMetadata {
    static func encode(_ pairs: [(String, String)]) -> [UInt8]? {
        guard !pairs.isEmpty else { return nil }
        var out: [UInt8] = []
        func int32(_ v: Int) { withUnsafeBytes(of: Int32(v)) { out += $0 } }
        int32(pairs.count)
        for (k, v) in pairs {
            int32(k.utf8.count); out += Array(k.utf8)
            int32(v.utf8.count); out += Array(v.utf8)
        }
        return out
    }

    /// Decodes metadata a producer handed over; malformed lengths are an error, not a crash
    /// (the blob's length is not given, so each length is checked for sign and size only).
    static func decode(_ pointer: UnsafePointer<CChar>?, field: String) throws(ArrowInteropError) -> [String: String] {
        guard let pointer else { return [:] }
        let raw = UnsafeRawPointer(pointer)
        var at = 0
        func int32() throws(ArrowInteropError) -> Int {
            let v = Int(raw.loadUnaligned(fromByteOffset: at, as: Int32.self))
            at += 4
            guard v >= 0, v < 1 << 28 else { throw ArrowInteropError(.invalidSchema, "malformed field metadata (a length of \(v))", column: field) }
            return v
        }
        func text() throws(ArrowInteropError) -> String {
            let n = try int32()
            // Safety: the producer promises `n` readable bytes after the length.
            let bytes = UnsafeBufferPointer(start: raw.advanced(by: at).assumingMemoryBound(to: UInt8.self), count: n)
            at += n
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [String: String] = [:]
        let count = try int32()
        for _ in 0..<count {
            let key = try text()
            out[key] = try text()
        }
        return out
    }
}
