import SiftFormat
import SiftIndex
import Testing

/// Predicates that used to crash the process (issue 18's reproducers): each is now an error
/// naming the problem, or a query that runs.
@Suite("Predicates: hostile text is an error, never a trap")
struct HostilePredicateTests {
    static let schema = try! Schema([Field("ts", .timestamp), Field("n", .int64), Field("port", .uint16)])

    @Test("epoch numbers too large for a timestamp are refused", arguments: [
        "ts >= 1e300", "ts >= 99999999999999999999", "ts >= 1e20", "ts >= -1e20", "ts between 0 and 1e25", "ts = 1e999",
    ])
    func hugeEpochs(text: String) throws {
        #expect(throws: BindError.self) { try RowPredicate.parse(text).bind(to: Self.schema) }
    }

    @Test("an epoch in seconds, milliseconds, microseconds or nanoseconds means the same instant")
    func epochUnits() throws {
        let instant = Int64(1_785_542_400) * 1_000_000  // 2026-08-01T00:00:00Z
        for text in ["1785542400", "1785542400000", "1785542400000000", "1785542400000000000", "'2026-08-01'"] {
            let bound = try RowPredicate.parse("ts >= \(text)").bind(to: Self.schema)
            #expect(String(describing: bound).contains("\(instant)"), "\(text): \(bound)")
        }
        // 9300000000000 (milliseconds: the year 2264) and 9999999999999 bind instead of trapping.
        _ = try RowPredicate.parse("ts >= 9300000000000").bind(to: Self.schema)
        _ = try RowPredicate.parse("ts between 0 and 9999999999999").bind(to: Self.schema)
    }

    @Test("nesting past 256 levels of 'not' or '(' is an error at the 257th")
    func nesting() throws {
        let deep = String(repeating: "(", count: 17_500) + "n = 1" + String(repeating: ")", count: 17_500)
        #expect(throws: PredicateSyntaxError.self) { try RowPredicate.parse(deep) }
        do { _ = try RowPredicate.parse(String(repeating: "not ", count: 30_000) + "n = 1") } catch {
            #expect(error.position == 256 * 4 && error.message.contains("256 levels"))
        }
        let limit = String(repeating: "(", count: 256) + "n = 1" + String(repeating: ")", count: 256)
        _ = try RowPredicate.parse(limit).bind(to: Self.schema)
    }
}
