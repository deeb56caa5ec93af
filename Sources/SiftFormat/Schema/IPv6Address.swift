/// A 128-bit IPv6 address as two big-endian halves, so that comparing `(high, low)` orders
/// addresses numerically. IPv4 addresses are held IPv4-mapped (`::ffff:a.b.c.d`).
public struct IPv6Address: Sendable, Hashable, Comparable {
    /// The address's first 64 bits.
    public var high: UInt64
    /// The address's last 64 bits.
    public var low: UInt64

    /// The address of these 128 bits.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The IPv4-mapped form of an IPv4 address.
    public init(mapping v4: UInt32) {
        self.high = 0
        self.low = 0x0000_FFFF_0000_0000 | UInt64(v4)
    }

    /// The IPv4 address, when this one is IPv4-mapped.
    public var mappedIPv4: UInt32? {
        (high == 0 && low >> 32 == 0x0000_FFFF) ? UInt32(truncatingIfNeeded: low) : nil
    }

    public static func < (a: IPv6Address, b: IPv6Address) -> Bool {
        (a.high, a.low) < (b.high, b.low)
    }
}
