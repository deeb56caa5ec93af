/// Which keys a column's bloom filter holds and how each is hashed (`spec/format.md` §7.6).
/// Every key is hashed with XXH64 (seed 0) over its key bytes:
///
/// | key | key bytes |
/// |---|---|
/// | a value | its PLAIN bytes: integers little-endian, ipv4 4 bytes LE, ipv6 16 bytes big-endian (IPv4 held mapped), strings as is |
/// | an ipv4 network a.b.c.d/L, L in 8, 16, 24 (and 12, 20 with fine prefixes) | the masked address, 4 bytes LE, then L (1 byte) |
/// | an ipv6 network /L: L in 32, 48, 64 (and 40, 56); for IPv4-mapped values L in 104, 112, 120 (and 108, 116) | the masked address, 16 bytes BE, then L |
/// | a domain suffix (hint domain): every suffix starting at a '.' | the suffix bytes, leading '.' included |
/// | a trigram (strings, when asked for): every 3-byte window, ASCII letters lowercased | `FF`, then the 3 bytes |
public enum BloomKeys {
    /// Prefix lengths indexed for ipv4 columns.
    public static let ipv4Prefixes = [8, 16, 24]
    /// Prefix lengths indexed for ipv6 values that are not IPv4-mapped.
    public static let ipv6Prefixes = [32, 48, 64]
    /// Prefix lengths indexed for IPv4-mapped values of ipv6 columns (IPv4 /8, /16, /24).
    public static let mappedPrefixes = [104, 112, 120]
    /// The ipv4 lengths between those that filters with fine prefixes also hold
    /// (``Contents/fineNetworkPrefixes``): /12 and /20.
    public static let ipv4FinePrefixes = [12, 20]
    /// The fine lengths of ipv6 values that are not IPv4-mapped: /40 and /56.
    public static let ipv6FinePrefixes = [40, 56]
    /// The fine lengths of IPv4-mapped values of ipv6 columns (their IPv4 /12 and /20).
    public static let mappedFinePrefixes = [108, 116]

    /// The prefix lengths a filter holding `contents` indexes for an ipv4 value, an IPv4-mapped
    /// ipv6 value, or another ipv6 value, ascending; empty without network prefixes.
    public static func networkLengths(_ contents: Contents, ipv4: Bool, mapped: Bool) -> [Int] {
        guard contents.contains(.networkPrefixes) else { return [] }
        let (coarse, fine) = ipv4 ? (ipv4Prefixes, ipv4FinePrefixes) : mapped ? (mappedPrefixes, mappedFinePrefixes) : (ipv6Prefixes, ipv6FinePrefixes)
        return contents.contains(.fineNetworkPrefixes) ? (coarse + fine).sorted() : coarse
    }

    /// What a filter holds besides values (footer field `BloomFilter.contents`).
    public struct Contents: OptionSet, Sendable, Hashable {
        /// The flags as stored in the footer.
        public let rawValue: UInt8
        /// Flags from their stored byte.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The filter holds the column's values.
        public static let values = Contents(rawValue: 1)
        /// The filter holds the network prefixes of IP values (CIDR searches prune).
        public static let networkPrefixes = Contents(rawValue: 2)
        /// The filter holds the label suffixes of domain values (suffix searches prune).
        public static let domainSuffixes = Contents(rawValue: 4)
        /// The filter holds every 3-byte window of string values, ASCII letters lowercased
        /// (`contains`, `icontains` and `ieq` prune).
        public static let trigrams = Contents(rawValue: 8)
        /// With ``networkPrefixes``: the prefixes between those too (IPv4 /12 and /20), so a
        /// /20 search probes its own key instead of its /16's.
        public static let fineNetworkPrefixes = Contents(rawValue: 16)
    }

    /// The key hash of a trigram (`bytes` already lowercased): XXH64 of `FF` and the 3 bytes.
    /// The `FF` byte, never in UTF-8, keeps trigram keys apart from 3-byte values.
    public static func hash(trigram a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt64 {
        withUnsafeBytes(of: (UInt8(0xFF), a, b, c)) { hash(UnsafeRawBufferPointer(rebasing: $0[0..<4])) }
    }

    /// The distinct trigrams of `text`, lowercased, as (a, b, c) windows; empty when it is
    /// shorter than 3 bytes.
    public static func trigrams(_ text: some Collection<UInt8>) -> [(UInt8, UInt8, UInt8)] {
        let bytes = text.map(asciiLower)
        guard bytes.count >= 3 else { return [] }
        var seen = Set<UInt32>()
        var out: [(UInt8, UInt8, UInt8)] = []
        for i in 0...(bytes.count - 3) where seen.insert(UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])).inserted {
            out.append((bytes[i], bytes[i + 1], bytes[i + 2]))
        }
        return out
    }

    @inline(__always) static func asciiLower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// The contents a filter on this field holds, with trigrams when `trigrams` (string
    /// columns only) and, for IP columns, fine network prefixes unless `finePrefixes` is false.
    public static func contents(for field: Field, trigrams: Bool = false, finePrefixes: Bool = true) -> Contents {
        var contents: Contents = switch field.type {
        case .ipv4, .ipv6: finePrefixes ? [.values, .networkPrefixes, .fineNetworkPrefixes] : [.values, .networkPrefixes]
        case .string where field.hint == .domain: [.values, .domainSuffixes]
        default: .values
        }
        if trigrams, field.type == .string { contents.insert(.trigrams) }
        return contents
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { Checksum.xxh64(bytes) }

    /// The key hash of a fixed-width value: XXH64 of its little-endian bytes.
    public static func hash<T: FixedWidthInteger>(littleEndian v: T) -> UInt64 {
        withUnsafeBytes(of: v.littleEndian) { hash($0) }
    }

    /// The key hash of a string or binary value: XXH64 of its bytes.
    public static func hash(bytes: some Collection<UInt8>) -> UInt64 {
        if let h = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) { return h }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// The key hash of an IPv6 address: XXH64 of its 16 bytes, big-endian.
    public static func hash(ipv6 a: IPv6Address) -> UInt64 {
        withUnsafeBytes(of: (a.high.bigEndian, a.low.bigEndian)) { hash($0) }
    }

    /// The key of network `address/length` of an ipv4 column.
    public static func hash(ipv4Network address: UInt32, length: Int) -> UInt64 {
        let masked = length == 0 ? 0 : address & ~((1 << UInt32(32 - length)) &- 1)
        // The 5 key bytes in place (no array per key: this runs for every distinct address).
        return withUnsafeBytes(of: (masked.littleEndian, UInt8(length))) { hash(UnsafeRawBufferPointer(rebasing: $0[0..<5])) }
    }

    /// The key of network `address/length` of an ipv6 column.
    public static func hash(ipv6Network a: IPv6Address, length: Int) -> UInt64 {
        let masked = mask(a, length)
        return withUnsafeBytes(of: (masked.high.bigEndian, masked.low.bigEndian, UInt8(length))) { hash(UnsafeRawBufferPointer(rebasing: $0[0..<17])) }
    }

    /// `a` with all but its first `length` bits cleared.
    public static func mask(_ a: IPv6Address, _ length: Int) -> IPv6Address {
        func keep(_ v: UInt64, _ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? v : v & ~((1 << UInt64(64 - bits)) &- 1) }
        return IPv6Address(high: keep(a.high, length), low: keep(a.low, length - 64))
    }

    /// The value key hash (§7.6) of each row of a column, nil for a null: what a filter holds
    /// of each value, row by row (the table index's pair keys combine two rows' worth).
    public static func valueHashes(_ column: ColumnVector) -> [UInt64?] {
        let valid = column.validity
        func each<C: RandomAccessCollection>(_ v: C, _ hashOf: (C.Element) -> UInt64) -> [UInt64?] where C.Index == Int {
            v.indices.map { (valid?[$0] ?? true) ? hashOf(v[$0]) : nil }
        }
        switch column.values {
        case .bool(let v): return each(v) { hash(littleEndian: UInt8($0 ? 1 : 0)) }
        case .int32(let v): return each(v) { hash(littleEndian: $0) }
        case .int64(let v), .timestamp(let v): return each(v) { hash(littleEndian: $0) }
        case .uint16(let v): return each(v) { hash(littleEndian: $0) }
        case .uint32(let v): return each(v) { hash(littleEndian: $0) }
        case .float64(let v): return each(v) { hash(littleEndian: $0.bitPattern) }
        case .ipv4(let v): return each(v) { hash(littleEndian: $0) }
        case .ipv6(let v): return each(v) { hash(ipv6: $0) }
        case .string(let v), .binary(let v): return (0..<v.count).map { (valid?[$0] ?? true) ? hash(bytes: v[$0]) : nil }
        }
    }

    /// Every key a column's bloom filter holds for these values (§7.6): value hashes, and
    /// network prefixes or domain suffixes as the field calls for; each once.
    public static func keys(of column: ColumnVector, field: Field) -> [UInt64] { hashes(column, field: field).keys }

    /// Every key hash of one column chunk's non-null values for a filter holding `contents`
    /// (by default what the field calls for, without trigrams), deduplicated, and how many
    /// distinct values there were. Trigram keys come apart: the table index holds the others.
    static func hashes(_ column: ColumnVector, field: Field, contents given: Contents? = nil) -> (keys: [UInt64], distinctValues: Int, trigrams: [UInt64]) {
        let contents = given ?? contents(for: field)
        var trigrams: [UInt64] = []
        // Prefix and suffix keys; sized only for columns that have them.
        var out = HashSet64(capacity: contents == .values ? 0 : min(column.count * 2, 1 << 16))
        var values = HashSet64(capacity: 1024)
        let valid = column.validity
        // Fixed-width values: distinct values first (exactly, by their bits), so each is hashed
        // once; a column of ports repeats most values many times over.
        func hashEach(_ distinct: [UInt64], _ hashOf: (UInt64) -> UInt64) {
            values = HashSet64(capacity: distinct.count)
            for x in distinct { values.insert(hashOf(x)) }
        }
        switch column.values {
        case .bool(let v): for i in v.indices where valid?[i] ?? true { values.insert(hash(littleEndian: UInt8(v[i] ? 1 : 0))) }
        case .int32(let v): hashEach(distinct(v, valid)) { hash(littleEndian: Int32(truncatingIfNeeded: $0)) }
        case .int64(let v), .timestamp(let v): hashEach(distinct(v, valid)) { hash(littleEndian: Int64(bitPattern: $0)) }
        case .uint16(let v): hashEach(distinct(v, valid)) { hash(littleEndian: UInt16(truncatingIfNeeded: $0)) }
        case .uint32(let v): hashEach(distinct(v, valid)) { hash(littleEndian: UInt32(truncatingIfNeeded: $0)) }
        case .float64(let v): hashEach(distinct(v.lazy.map(\.bitPattern), valid)) { hash(littleEndian: $0) }
        case .ipv4(let v):
            // Distinct addresses first: each address's prefixes are hashed once.
            var seen = HashSet64(capacity: 1024, mix: true)
            let lengths = networkLengths(contents, ipv4: true, mapped: false)
            for i in v.indices where (valid?[i] ?? true) && seen.insert(UInt64(v[i])) {
                values.insert(hash(littleEndian: v[i]))
                for length in lengths { out.insert(hash(ipv4Network: v[i], length: length)) }
            }
        case .ipv6(let v):
            // Exact addresses (not their hashes: a collision must not skip a prefix). Mapped IPv4
            // addresses, the common case, go to a fast set of their 32 bits.
            var seen = Set<IPv6Address>()
            var seenV4 = HashSet64(capacity: 1024, mix: true)
            let (v6Lengths, mappedLengths) = (networkLengths(contents, ipv4: false, mapped: false), networkLengths(contents, ipv4: false, mapped: true))
            for i in v.indices where (valid?[i] ?? true) && (v[i].mappedIPv4.map { seenV4.insert(UInt64($0)) } ?? seen.insert(v[i]).inserted) {
                values.insert(hash(ipv6: v[i]))
                for length in v[i].mappedIPv4 == nil ? v6Lengths : mappedLengths { out.insert(hash(ipv6Network: v[i], length: length)) }
            }
        case .string(let v), .binary(let v):
            var windows = Set<UInt32>()
            var grams = HashSet64(capacity: contents.contains(.trigrams) ? 4096 : 0)
            defer { trigrams = grams.values }
            for i in 0..<v.count where valid?[i] ?? true {
                let value = v[i]
                values.insert(hash(bytes: value))
                if contents.contains(.domainSuffixes) {
                    for j in value.indices where value[j] == 0x2E { out.insert(hash(bytes: value[j...])) }
                }
                // Trigrams repeat across values a lot: each distinct window is hashed once.
                if contents.contains(.trigrams), value.count >= 3 {
                    var j = value.startIndex
                    var w = UInt32(asciiLower(value[j])) << 8 | UInt32(asciiLower(value[j + 1]))
                    j += 2
                    while j < value.endIndex {
                        w = (w << 8 | UInt32(asciiLower(value[j]))) & 0xFF_FFFF
                        if windows.insert(w).inserted { grams.insert(hash(trigram: UInt8(w >> 16), UInt8(w >> 8 & 0xFF), UInt8(w & 0xFF))) }
                        j += 1
                    }
                }
            }
        }
        // Value keys alone need no union (the same keys, so the same count and filter).
        if out.count == 0 { return (values.values, values.count, trigrams) }
        out.formUnion(values)
        return (out.values, values.count, trigrams)
    }

    /// The distinct non-null values of `v` as 64-bit patterns, in no particular order. Values in
    /// a narrow range (ports, counts) are marked in a bitmap over the range; others go to a
    /// hash set.
    private static func distinct<C: RandomAccessCollection>(_ v: C, _ valid: Bitmap?) -> [UInt64] where C.Element: FixedWidthInteger, C.Index == Int {
        guard var low = v.first else { return [] }
        var high = low
        for x in v { low = min(low, x); high = max(high, x) }
        let (span, overflow) = Int64(truncatingIfNeeded: high).subtractingReportingOverflow(Int64(truncatingIfNeeded: low))
        if !overflow, span >= 0, span < 1 << 22 {
            var seen = Bitmap(count: Int(span) + 1, value: false)
            for i in v.indices where valid?[i] ?? true { seen[Int(Int64(truncatingIfNeeded: v[i]) &- Int64(truncatingIfNeeded: low))] = true }
            var out: [UInt64] = []
            out.reserveCapacity(seen.popcount)
            for offset in 0...Int(span) where seen[offset] { out.append(UInt64(truncatingIfNeeded: Int64(truncatingIfNeeded: low) &+ Int64(offset))) }
            return out
        }
        var seen = HashSet64(capacity: 1024, mix: true)
        for i in v.indices where valid?[i] ?? true { seen.insert(UInt64(truncatingIfNeeded: v[i])) }
        return seen.values
    }
}
