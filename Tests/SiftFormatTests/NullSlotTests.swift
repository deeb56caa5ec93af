@testable import SiftFormat
import Testing

/// Null slots read back as zero or empty whatever filler a writer stored (`PageDecoder`), and
/// gathering rows keeps values and nulls.
@Suite("Format: null slots and gathers")
struct NullSlotTests {
    static let validity: Bitmap = {
        var bits = Bitmap(count: 5, value: true)
        bits[1] = false
        bits[3] = false
        return bits
    }()

    @Test("filler in null slots is zeroed, for every type; vectors already zeroed are left as they are")
    func zeroed() {
        let cases: [(ColumnVector.Values, ColumnVector.Values)] = [
            (.int64([1, 7, 3, 9, 5]), .int64([1, 0, 3, 0, 5])),
            (.uint32([1, 7, 3, 9, 5]), .uint32([1, 0, 3, 0, 5])),
            (.bool([true, true, false, true, true]), .bool([true, false, false, false, true])),
            (.float64([1, -0.0, 3, .nan, 5]), .float64([1, 0, 3, 0, 5])),
            (.ipv6([IPv6Address(high: 1, low: 1), IPv6Address(high: 2, low: 2), IPv6Address(high: 0, low: 3), IPv6Address(high: 0, low: 0), IPv6Address(high: 5, low: 5)]),
             .ipv6([IPv6Address(high: 1, low: 1), IPv6Address(high: 0, low: 0), IPv6Address(high: 0, low: 3), IPv6Address(high: 0, low: 0), IPv6Address(high: 5, low: 5)])),
            (.string(VarBytes(["a", "filler", "c", "", "e"])), .string(VarBytes(["a", "", "c", "", "e"]))),
            (.string(VarBytes(["a", "", "c", "", "e"])), .string(VarBytes(["a", "", "c", "", "e"]))),
        ]
        for (given, expected) in cases {
            var column = ColumnVector(given, validity: Self.validity)
            PageDecoder.zeroNullSlots(&column)
            if case .float64(let got) = column.values, case .float64(let want) = expected {
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern))
            } else {
                #expect(column.values == expected, "\(given)")
            }
            #expect(column.validity == Self.validity)
        }
    }

    @Test("gather picks values and nulls in the order asked, strings included")
    func gather() {
        let strings = ColumnVector(.string(VarBytes(["alpha", "", "gamma", "", "epsilon"])), validity: Self.validity)
        let picked = strings.gather([4, 0, 4, 3, 2])
        #expect(picked.values == .string(VarBytes(["epsilon", "alpha", "epsilon", "", "gamma"])))
        #expect((0..<5).map { picked.isNull($0) } == [false, false, false, true, false])
        #expect(strings.gather([]).count == 0)
        let numbers = ColumnVector(.int64([10, 0, 30, 0, 50]), validity: Self.validity)
        #expect(numbers.gather([2, 1]).values == .int64([30, 0]))
    }
}
