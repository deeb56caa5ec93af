import SiftFormat

/// Patterns of nulls that round-trip tests cover.
public enum NullPattern: String, CaseIterable, Sendable {
    case none, all, alternating, runs, sparse

    public func isNull(_ i: Int, _ rng: inout SeededRandom) -> Bool {
        switch self {
        case .none: false
        case .all: true
        case .alternating: i % 2 == 1
        case .runs: (i / 37) % 3 == 0
        case .sparse: rng.next() % 50 == 0
        }
    }
}

/// Shapes of values: what makes each encoding the natural choice.
public enum ValueShape: String, CaseIterable, Sendable {
    /// Uniform over the whole domain (plain wins).
    case uniform
    /// Few distinct values (dictionary wins).
    case lowCardinality
    /// A narrow range (frame of reference wins).
    case narrowRange
    /// Increasing (delta wins).
    case sorted
    /// Long runs (run-length wins).
    case runs
    /// The type's extreme values.
    case extremes
}

/// Generates random column vectors of every type.
public struct RandomColumns {
    public var rng: SeededRandom

    public init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    public mutating func column(_ type: ColumnType, count: Int, shape: ValueShape, nulls: NullPattern) -> ColumnVector {
        var validity = Bitmap(count: count, value: true)
        for i in 0..<count where nulls.isNull(i, &rng) { validity[i] = false }
        let hasNulls = validity.popcount < count
        var ints: [UInt64] = []
        let pool = (0..<8).map { _ in rng.next() }
        var current = rng.next() >> 20
        for i in 0..<count {
            let v: UInt64
            switch shape {
            case .uniform: v = rng.next()
            case .lowCardinality: v = pool[Int(rng.next() % 8)]
            case .narrowRange: v = 1_000_000 + rng.next() % 5000
            case .sorted: current &+= rng.next() % 1000; v = current
            case .runs: if i % 100 == 0 { current = rng.next() }; v = current
            case .extremes: v = [0, UInt64.max, 1 << 63, (1 << 63) - 1, 1 << 31, (1 << 31) - 1, 0xFFFF, 0xFFFF_FFFF][Int(rng.next() % 8)]
            }
            ints.append(hasNulls && !validity[i] ? 0 : v)
        }
        func zeroNulls<T>(_ a: [T], _ z: T) -> [T] { hasNulls ? a.enumerated().map { validity[$0.offset] ? $0.element : z } : a }
        let values: ColumnVector.Values
        switch type {
        case .bool: values = .bool(zeroNulls(ints.map { $0 & 1 == 1 }, false))
        case .int32: values = .int32(ints.map { Int32(truncatingIfNeeded: $0) })
        case .int64: values = .int64(ints.map { Int64(bitPattern: $0) })
        case .timestamp: values = .timestamp(ints.map { Int64(bitPattern: $0 >> 1) })
        case .uint16: values = .uint16(ints.map { UInt16(truncatingIfNeeded: $0) })
        case .uint32: values = .uint32(ints.map { UInt32(truncatingIfNeeded: $0) })
        case .ipv4: values = .ipv4(ints.map { UInt32(truncatingIfNeeded: $0) })
        case .float64:
            values = .float64(zeroNulls(ints.map { v in
                shape == .extremes ? [0.0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .nan, 1.5][Int(v % 8)] : Double(Int64(bitPattern: v)) / 1000
            }, 0))
        case .ipv6:
            values = .ipv6(zeroNulls(ints.map { v in
                v % 3 == 0 && shape != .uniform ? IPv6Address(mapping: UInt32(truncatingIfNeeded: v)) : IPv6Address(high: 0x2001_0db8_0000_0000 | (v >> 40), low: v)
            }, IPv6Address(high: 0, low: 0)))
        case .string, .binary:
            var bytes = VarBytes()
            for (i, v) in ints.enumerated() {
                if hasNulls && !validity[i] { bytes.append([UInt8]()); continue }
                let text: [UInt8]
                if type == .binary {
                    text = (0..<Int(v % 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                } else if shape == .extremes {
                    text = Array(["", "é", "日本語", "🛡️ threat", String(repeating: "x", count: 100), "a\u{0}b"][Int(v % 6)].utf8)
                } else {
                    text = Array("host-\(v % 100_000).example.com".utf8)
                }
                bytes.append(text)
            }
            values = type == .string ? .string(bytes) : .binary(bytes)
        }
        return ColumnVector(values, validity: hasNulls ? validity : nil)
    }
}
