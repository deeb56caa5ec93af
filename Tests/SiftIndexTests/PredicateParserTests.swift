import SiftFormat
import SiftIndex
import Testing

@Suite("RowPredicate parser")
struct PredicateParserTests {
    @Test("parses the grammar's forms")
    func forms() throws {
        let p = try RowPredicate.parse("src_ip = 10.1.2.3 and dst_ip = 198.51.100.7 and ts >= '2026-08-01'")
        guard case .and(let parts) = p else { Issue.record("expected and, got \(p)"); return }
        #expect(parts.count == 3)
        #expect(parts[0] == .compare(column: "src_ip", .equal, .ip(IPv6Address(mapping: 0x0A01_0203), isV4: true)))
        #expect(parts[2] == .compare(column: "ts", .greaterOrEqual, .string("2026-08-01")))
        #expect(try RowPredicate.parse("dst_ip in 10.0.0.0/8") == .inNetwork(column: "dst_ip", IPv6Address(mapping: 0x0A00_0000), length: 8, isV4: true))
        #expect(try RowPredicate.parse("port in (22, 3389)") == .inList(column: "port", [.number("22"), .number("3389")]))
        #expect(try RowPredicate.parse("bytes between 10 and 20") == .between(column: "bytes", .number("10"), .number("20")))
        #expect(try RowPredicate.parse("domain ends_with '.evil.example'") == .endsWith(column: "domain", ".evil.example"))
        #expect(try RowPredicate.parse("query starts_with \"www.\"") == .startsWith(column: "query", "www."))
        #expect(try RowPredicate.parse("domain is not null") == .isNull(column: "domain", negated: true))
        #expect(try RowPredicate.parse("not (a = 1 or b != 2)") == .not(.or([.compare(column: "a", .equal, .number("1")), .compare(column: "b", .notEqual, .number("2"))])))
        #expect(try RowPredicate.parse("addr = 2001:db8::1") == .compare(column: "addr", .equal, .ip(TextForms.parseIP(Array("2001:db8::1".utf8))!, isV4: false)))
        #expect(try RowPredicate.parse("a = 1 or b = 2 and c = 3") == .or([.compare(column: "a", .equal, .number("1")), .and([.compare(column: "b", .equal, .number("2")), .compare(column: "c", .equal, .number("3"))])]), "and binds tighter than or")
    }

    @Test("a bad expression names the position and what was expected", arguments: [
        ("src_ip = ", 9, "expected a value"),
        ("src_ip == 1", 8, "expected a value"),
        ("(a = 1", 6, "expected ')'"),
        ("a = 1 b = 2", 6, "expected 'and', 'or'"),
        ("a in (1, 2", 10, "expected ',' or ')'"),
        ("a = 'open", 4, "unterminated string"),
        ("a between 1 or 2", 12, "expected 'and'"),
        ("= 3", 0, "expected a column name"),
        ("a ~ 3", 2, "unexpected character"),
        ("ip in 10.0.0.0/40", 6, "prefix length 40"),
        ("ip = 1.2.3", 5, "'1.2.3' is neither a number nor an IP address"),
        ("ip = 10.0.0.256", 5, "neither a number nor an IP address"),
        ("port = 22x", 7, "'22x' is not a number"),
    ])
    func errors(text: String, position: Int, message: String) {
        do {
            _ = try RowPredicate.parse(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.position == position, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test("binding types literals and rejects mismatches")
    func binding() throws {
        let schema = try Schema([Field("ip", .ipv4), Field("addr", .ipv6), Field("ts", .timestamp), Field("port", .uint16), Field("name", .string)])
        #expect(try RowPredicate.parse("ts >= '2026-08-01'").bind(to: schema) == .compare(column: 2, .greaterOrEqual, .int(TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8))!)))
        #expect(try RowPredicate.parse("addr = 10.0.0.1").bind(to: schema) == .compare(column: 1, .equal, .ip(IPv6Address(mapping: 0x0A00_0001))))
        #expect(throws: BindError.self) { try RowPredicate.parse("ip = 2001:db8::1").bind(to: schema) }
        #expect(throws: BindError.self) { try RowPredicate.parse("nope = 1").bind(to: schema) }
        #expect(throws: BindError.self) { try RowPredicate.parse("port = 'x'").bind(to: schema) }
        #expect(throws: BindError.self) { try RowPredicate.parse("port in 10.0.0.0/8").bind(to: schema) }
        if case .network(_, let low, let high, _, let length) = try RowPredicate.parse("addr in 10.1.0.0/16").bind(to: schema) {
            #expect(low == .ip(IPv6Address(mapping: 0x0A01_0000)) && high == .ip(IPv6Address(mapping: 0x0A01_FFFF)) && length == 112)
        } else { Issue.record("expected a network") }
    }
}
