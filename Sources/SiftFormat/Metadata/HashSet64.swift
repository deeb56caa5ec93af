/// A set of 64-bit values with open addressing and linear probing, for the writer's distinct
/// counting. Keys that are already hashes (XXH64 of bloom keys) are placed by their own bits;
/// others (addresses) are mixed first. Swift's `Set` would hash each key again with SipHash,
/// which `perf` showed as a tenth of ingest time.
struct HashSet64 {
    private var slots: [UInt64]
    private var mask: Int
    private var hasZero = false
    /// Distinct values inserted.
    private(set) var count = 0
    /// Whether keys are mixed before placing (set for keys that are not already hashes).
    let mix: Bool

    init(capacity: Int = 1024, mix: Bool = false) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        self.mix = mix
    }

    @inline(__always)
    func position(_ key: UInt64) -> Int {
        let h = mix ? (key &* 0x9E37_79B9_7F4A_7C15) ^ (key >> 29) : key
        return Int(truncatingIfNeeded: h ^ (h >> 32)) & mask
    }

    /// Inserts `key`; true when it was not there.
    @inline(__always)
    @discardableResult
    mutating func insert(_ key: UInt64) -> Bool {
        if key == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        var i = position(key)
        while true {
            let slot = slots[i]
            if slot == key { return false }
            if slot == 0 { break }
            i = (i + 1) & mask
        }
        slots[i] = key
        count += 1
        if count * 4 > slots.count * 3 { grow() }
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for key in old where key != 0 {
            var i = position(key)
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = key
        }
    }

    /// Every value, in no particular order.
    var values: [UInt64] {
        var out = slots.filter { $0 != 0 }
        if hasZero { out.append(0) }
        return out
    }

    mutating func formUnion(_ other: HashSet64) { for v in other.values { insert(v) } }
}
