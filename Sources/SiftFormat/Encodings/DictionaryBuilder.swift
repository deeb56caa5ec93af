/// Builds a page dictionary: distinct values in first-seen order and a code per value, with an
/// open-addressing table (linear probing, multiplicative hashing). Swift's `Dictionary` seeds
/// and finalises a SipHash per lookup, which dominated dictionary encoding.
struct DictionaryBuilder<Key: Equatable> {
    private(set) var entries: [Key] = []
    private(set) var codes: [UInt32] = []
    private var slots: [Int32]
    private var mask: Int

    init(expected: Int) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        slots = Array(repeating: -1, count: capacity)
        mask = capacity - 1
        codes.reserveCapacity(expected)
    }

    /// Adds one value; returns false once more than `limit` distinct values were seen.
    @inline(__always)
    mutating func add(_ key: Key, hash: UInt64, limit: Int) -> Bool {
        var i = Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while true {
            let slot = slots[i]
            if slot < 0 { break }
            if entries[Int(slot)] == key {
                codes.append(UInt32(slot))
                return true
            }
            i = (i + 1) & mask
        }
        guard entries.count < limit else { return false }
        slots[i] = Int32(entries.count)
        codes.append(UInt32(entries.count))
        entries.append(key)
        if entries.count * 2 > slots.count { grow() }
        return true
    }

    private mutating func grow() {
        // Rehash needs the hashes again; keys are rehashed through their positions.
        let old = entries
        let oldCodes = codes
        self = DictionaryBuilder(expected: slots.count)
        entries = old
        codes = oldCodes
        rebuildSlots = true
    }

    /// Set after `grow()`: the caller must rehash with `rehash(_:)` before adding more.
    private(set) var rebuildSlots = false

    mutating func rehash(_ hash: (Key) -> UInt64) {
        for (code, key) in entries.enumerated() {
            var i = Int(truncatingIfNeeded: (hash(key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(code)
        }
        rebuildSlots = false
    }

    /// Bits per code.
    var codeWidth: Int { BitPacking.bitsNeeded(UInt64(max(entries.count, 1) - 1)) }
}

extension DictionaryBuilder {
    /// The dictionary of `values`, or nil when they hold more than `limit` distinct values.
    static func build<C: Collection>(_ values: C, limit: Int, hash: (Key) -> UInt64) -> DictionaryBuilder? where C.Element == Key {
        // Give up early on pages that are plainly unique (identifiers, ports, byte counts): if
        // the first 256 values are nearly all distinct, a dictionary will not pay, and hashing
        // half the page to find out costs more than the rest of the encoding.
        if values.count >= 2048, limit < values.count {
            var probe = DictionaryBuilder(expected: 256)
            for v in values.prefix(256) { _ = probe.add(v, hash: hash(v), limit: Int.max) }
            if probe.entries.count > 240 { return nil }
        }
        // Sized for the limit (capped), so growth is rare.
        var d = DictionaryBuilder(expected: min(values.count, max(limit, 16), 1 << 16))
        for v in values {
            guard d.add(v, hash: hash(v), limit: limit) else { return nil }
            if d.rebuildSlots { d.rehash(hash) }
        }
        return d
    }
}
