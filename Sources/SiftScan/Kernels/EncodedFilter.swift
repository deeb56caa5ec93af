import SiftFormat
import SiftIndex

/// Evaluates a value leaf (comparison, range, IN-set, network, prefix, suffix) on a page as
/// stored, returning the rows where it is true:
///
/// - **dictionary** pages: the leaf runs once per dictionary entry (a few hundred values
///   instead of 8,192 rows, and for strings no row is materialised); rows are then selected
///   by a lookup of their code;
/// - **frame-of-reference** pages: the leaf's range or set is moved into the offset domain
///   (`value = reference + offset`) and compared against the offsets, 32 bits wide whenever
///   they fit, so no value is rebuilt;
/// - other pages were decoded by the reader and take `VectorFilter`.
///
/// Nulls are never true. Results equal `VectorFilter` on the decoded page (tested on random
/// pages of every encoding).
public enum EncodedFilter {
    /// Whether `leaf` is a value test this filter handles (one column; not `is null`).
    public static func handles(_ leaf: BoundPredicate) -> Bool {
        switch leaf {
        case .compare, .between, .inSet, .network, .startsWith, .endsWith: true
        default: false
        }
    }

    /// Rows of `page` (a page of column `column`, of type `type`) where `leaf` is true.
    public static func select(_ leaf: BoundPredicate, column: Int, type: ColumnType, page: EncodedPage) -> Selection {
        precondition(handles(leaf), "EncodedFilter takes value leaves only")
        let n = page.rowCount
        var hit: Selection
        switch page.values {
        case .decoded(let vector):
            return VectorFilter.evaluate(leaf, [column: vector], n).t
        case .dictionary(let entries, let codes):
            let matches = VectorFilter.evaluate(leaf, [column: entries], entries.count).t
            let matching = matches.selectedCount
            if matching == 0 {
                hit = Selection(count: n)
            } else if matching == entries.count {
                hit = Selection(count: n, all: true)
            } else {
                var isMatch = [Bool](repeating: false, count: entries.count)
                for e in matches.indices { isMatch[e] = true }
                hit = codes.withUnsafeBufferPointer { c in isMatch.withUnsafeBufferPointer { m in CompareKernels.select(c) { m[Int($0)] } } }
            }
        case .frameOfReference(let reference, let width, let offsets):
            if let h = offsetDomain(leaf, type: type, reference: reference, width: width, offsets: offsets, n) {
                hit = h
            } else {
                return VectorFilter.evaluate(leaf, [column: rebuild(type: type, reference: reference, offsets: offsets, validity: page.validity)], n).t
            }
        }
        if let validity = page.validity { hit = hit & Selection(validity: validity) }
        return hit
    }

    /// The leaf on offsets; nil when it is not a range or set over integers, or when offsets
    /// could wrap past the type's largest value (then order is not kept and values are rebuilt).
    static func offsetDomain(_ leaf: BoundPredicate, type: ColumnType, reference: UInt64, width: Int,
                             offsets: EncodedPage.PackedOffsets, _ n: Int) -> Selection? {
        let bits = type == .uint16 ? 16 : [.int64, .timestamp].contains(type) ? 64 : 32
        let signed = [.int32, .int64, .timestamp].contains(type)
        let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        let signBit: UInt64 = signed ? 1 << UInt64(bits - 1) : 0
        // Order keys: unsigned order that follows the type's order (sign bit flipped).
        func key(_ pattern: UInt64) -> UInt64 { (pattern ^ signBit) & mask }
        let maxOffset: UInt64 = width >= 64 ? .max : (1 << UInt64(width)) - 1
        let kRef = key(reference)
        guard kRef <= mask - maxOffset else { return nil }
        let lowest: Int64, highest: Int64
        switch type {
        case .uint16: (lowest, highest) = (0, Int64(UInt16.max))
        case .uint32, .ipv4: (lowest, highest) = (0, Int64(UInt32.max))
        case .int32: (lowest, highest) = (Int64(Int32.min), Int64(Int32.max))
        default: (lowest, highest) = (Int64.min, Int64.max)
        }
        func offsetRange(_ lo: Int64, _ hi: Int64) -> (UInt64, UInt64)? {
            let kLo = key(UInt64(bitPattern: lo)), kHi = key(UInt64(bitPattern: hi))
            guard kHi >= kRef else { return nil }
            let from = kLo <= kRef ? 0 : kLo - kRef
            guard from <= maxOffset else { return nil }
            return (from, Swift.min(kHi - kRef, maxOffset))
        }
        return VectorFilter.rangeLeaf(leaf, n, lowest: lowest, highest: highest) { lo, hi in
            guard let (from, to) = offsetRange(lo, hi) else { return Selection(count: n) }
            switch offsets {
            case .bits32(let v): return v.withUnsafeBufferPointer { CompareKernels.between($0, UInt32(from), UInt32(to)) }
            case .bits64(let v): return v.withUnsafeBufferPointer { CompareKernels.between($0, from, to) }
            }
        } inSet: { keys in
            let wanted = keys.compactMap { k -> UInt64? in offsetRange(k, k).map { $0.0 } }
            switch offsets {
            case .bits32(let v): return v.withUnsafeBufferPointer { CompareKernels.inSet($0, wanted.map { UInt32($0) }) }
            case .bits64(let v): return v.withUnsafeBufferPointer { CompareKernels.inSet($0, wanted) }
            }
        }
    }

    /// The values of a frame-of-reference page, for leaves the offset domain cannot answer.
    static func rebuild(type: ColumnType, reference: UInt64, offsets: EncodedPage.PackedOffsets, validity: Bitmap?) -> ColumnVector {
        let wide: [UInt64]
        switch offsets {
        case .bits32(let v): wide = v.map { reference &+ UInt64($0) }
        case .bits64(let v): wide = v.map { reference &+ $0 }
        }
        let values: ColumnVector.Values
        switch type {
        case .uint16: values = .uint16(wide.map { UInt16(truncatingIfNeeded: $0) })
        case .uint32: values = .uint32(wide.map { UInt32(truncatingIfNeeded: $0) })
        case .ipv4: values = .ipv4(wide.map { UInt32(truncatingIfNeeded: $0) })
        case .int32: values = .int32(wide.map { Int32(truncatingIfNeeded: $0) })
        case .int64: values = .int64(wide.map { Int64(bitPattern: $0) })
        default: values = .timestamp(wide.map { Int64(bitPattern: $0) })
        }
        return ColumnVector(values, validity: validity)
    }
}
