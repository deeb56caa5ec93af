@testable import SiftNDJSON
import SiftFormat
import SiftTestSupport
import Testing

/// The simdjson fast path must never change what ingest does: for every line, the builder with
/// it and the builder with the exact parser alone must accept the same lines with the same
/// values and reject the same lines with the same errors.
@Suite("NDJSON fast path (simdjson)")
struct FastObjectParserTests {
    static let schema = try! Schema([
        Field("ts", .timestamp, nullable: false),
        Field("flag", .bool),
        Field("i32", .int32),
        Field("i64", .int64),
        Field("port", .uint16),
        Field("u32", .uint32),
        Field("x", .float64),
        Field("name", .string),
        Field("host", .string, hint: .domain),
        Field("blob", .binary),
        Field("ip4", .ipv4),
        Field("ip", .ipv6),
        Field("seen", .timestamp),
        Field("extra", .string, hint: .json),
    ])

    /// Lines that probe every value kind, number edge and string escape, valid and not.
    static let probes: [String] = [
        #"{"ts":"2026-08-01T00:00:00.123456Z","flag":true,"i32":-5,"i64":9223372036854775807,"port":443,"u32":4294967295,"x":1.5,"name":"a","host":"x.example","blob":"AAEC","ip4":"10.0.0.1","ip":"2001:db8::1","seen":1722470400.25}"#,
        #"{"ts":"2026-08-01T00:00:00Z"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":-0}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":0}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":-0.0}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":1e400}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":1e-400}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":2.2250738585072011e-308}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":123456789012345678901234567890}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":18446744073709551615}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":9007199254740993}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":"NaN"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":"-Infinity"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","i64":-9223372036854775808}"#,
        #"{"ts":"2026-08-01T00:00:00Z","i64":9223372036854775808}"#,
        #"{"ts":"2026-08-01T00:00:00Z","i64":1.0}"#,
        #"{"ts":"2026-08-01T00:00:00Z","i64":1e2}"#,
        #"{"ts":"2026-08-01T00:00:00Z","i32":2147483648}"#,
        #"{"ts":"2026-08-01T00:00:00Z","port":65536}"#,
        #"{"ts":"2026-08-01T00:00:00Z","port":-1}"#,
        #"{"ts":"2026-08-01T00:00:00Z","u32":-1}"#,
        #"{"ts":"2026-08-01T00:00:00Z","flag":1}"#,
        #"{"ts":"2026-08-01T00:00:00Z","flag":null}"#,
        #"{"ts":null}"#,
        #"{"flag":true}"#,
        #"{"ts":1722470400}"#,
        #"{"ts":-0}"#,
        #"{"ts":1e13}"#,
        #"{"ts":"2026-13-01T00:00:00Z"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","seen":"2026-08-01T00:00:00+02:00"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":"\ud800"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":"\udc00"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":"\u0000"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":"\x"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":"\u12"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":12}"#,
        #"{"ts":"2026-08-01T00:00:00Z","\u006eame":"escaped key"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":"a","name":"b"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","nope":1}"#,
        #"{"ts":"2026-08-01T00:00:00Z","extra":{"a":[1,2,{"b":null}]}}"#,
        #"{"ts":"2026-08-01T00:00:00Z","extra":"text"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","extra":1.50}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":[1]}"#,
        #"{"ts":"2026-08-01T00:00:00Z","name":{}}"#,
        #"{"ts":"2026-08-01T00:00:00Z","ip4":"010.0.0.1"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","ip4":"10.0.0.256"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","ip4":"2001:db8::1"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","ip":"10.1.2.3"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","ip":"::ffff:10.1.2.3"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","ip":"1:2:3:4:5:6:7:8:9"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","blob":"not base64!"}"#,
        #"{"ts":"2026-08-01T00:00:00Z","blob":""}"#,
        #"{"ts":"2026-08-01T00:00:00Z"} {"ts":"2026-08-01T00:00:00Z"}"#,
        #"{"ts":"2026-08-01T00:00:00Z"}x"#,
        #"  {"ts":"2026-08-01T00:00:00Z"}  "#,
        "{\"ts\":\"2026-08-01T00:00:00Z\",\"name\":\"tab\there\"}",
        "{\"ts\":\"2026-08-01T00:00:00Z\",\"name\":\"ctl\u{01}\"}",
        #"[1,2]"#,
        #""ts""#,
        #"{}"#,
        #"{"ts":"2026-08-01T00:00:00Z",}"#,
        #"{"ts":"2026-08-01T00:00:00Z","i64":01}"#,
        #"{"ts":"2026-08-01T00:00:00Z","i64":-}"#,
        #"{"ts":"2026-08-01T00:00:00Z","flag":tru}"#,
        #"{"ts":"2026-08-01T00:00:00Z","x":NaN}"#,
    ]

    /// Runs `lines` through both builders, line by line, and requires the same outcome for each
    /// and the same batch at the end. Returns how many lines the fast path took.
    @discardableResult
    static func compare(_ lines: [[UInt8]], file: String = #fileID, sourceLine: Int = #line) throws -> Int {
        var fast = NDJSONBatchBuilder(schema: schema)
        var exact = NDJSONBatchBuilder(schema: schema, fastPath: false)
        for (n, line) in lines.enumerated() {
            // The line sits in a larger buffer, as in a real import (simdjson reads past its end).
            let buffer = line + Array("\n{\"ts\":null}\n".utf8)
            let (a, b) = buffer.withUnsafeBufferPointer { bytes -> (LineError?, LineError?) in
                var a: LineError?, b: LineError?
                do throws(LineError) { try fast.append(bytes, 0..<line.count, line: n + 1) } catch { a = error }
                do throws(LineError) { try exact.append(bytes, 0..<line.count, line: n + 1) } catch { b = error }
                return (a, b)
            }
            #expect(a == b, "line \(n + 1): \(String(decoding: line, as: UTF8.self))")
        }
        let taken = fast.linesTakenFast
        let batchA = fast.takeBatch(), batchB = exact.takeBatch()
        #expect(batchA.rowCount == batchB.rowCount)
        for c in schema.fields.indices {
            // Compared as bits, so -0.0 and 0.0 differ and NaN equals itself.
            #expect(rows(batchA.columns[c]) == rows(batchB.columns[c]), "column \(schema.fields[c].name)")
        }
        return taken
    }

    /// A column's values as comparable text: nulls as nil, doubles by bit pattern (so -0.0 and
    /// 0.0 differ and NaN equals itself), everything else as the column slice describes itself.
    static func rows(_ v: ColumnVector) -> [String?] {
        (0..<v.count).map { i in
            guard !v.isNull(i) else { return nil }
            if case .float64(let d) = v.values { return String(d[i].bitPattern, radix: 16) }
            if case .string(let s) = v.values { return s.string(at: i) }
            return "\(v.slice(i..<(i + 1)).values)"
        }
    }

    @Test("probe lines: same values and the same errors as the exact parser")
    func probes() throws {
        let taken = try Self.compare(Self.probes.map { Array($0.utf8) })
        // The fast path must actually be in use for ordinary lines.
        #expect(taken >= 10)
    }

    @Test("randomly damaged lines: same values and the same errors as the exact parser")
    func mutations() throws {
        var random = SeededRandom(seed: 2026)
        let seeds = Self.probes.prefix(31).map { Array($0.utf8) }
        let alphabet = Array(#"{}[]":,\-+.0123456789eEunltrfa x"#.utf8) + [0x01, 0x7F, 0xC3, 0xA9, 0xFF, 0xE2, 0x82]
        var lines: [[UInt8]] = []
        for _ in 0..<6000 {
            var line = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0...(random.next() % 3) {
                let at = Int(random.next() % UInt64(line.count + 1))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0: line.insert(byte, at: at)
                case 1: if at < line.count { line.remove(at: at) }
                default: if at < line.count { line[at] = byte }
                }
            }
            lines.append(line)
        }
        try Self.compare(lines)
    }

    @Test("a line at the very end of the input (no bytes after it to read) is parsed from a copy")
    func lineAtTheEnd() throws {
        let line = Array(#"{"ts":"2026-08-01T00:00:00Z","name":"last"}"#.utf8)
        var builder = NDJSONBatchBuilder(schema: Self.schema)
        try line.withUnsafeBufferPointer { try builder.append($0, 0..<line.count, line: 1) }
        #expect(builder.linesTakenFast == 1)
        #expect(Self.rows(builder.takeBatch().columns[7]) == ["last"])
    }

    @Test("a copied builder gets its own parser")
    func copiedBuilder() throws {
        var a = NDJSONBatchBuilder(schema: Self.schema)
        var b = a
        let one = Array(#"{"ts":"2026-08-01T00:00:00Z","name":"one"}"#.utf8)
        let two = Array(#"{"ts":"2026-08-01T00:00:00Z","name":"two"}"#.utf8)
        try one.withUnsafeBufferPointer { try a.append($0, 0..<one.count, line: 1) }
        try two.withUnsafeBufferPointer { try b.append($0, 0..<two.count, line: 1) }
        #expect(Self.rows(a.takeBatch().columns[7]) == ["one"])
        #expect(Self.rows(b.takeBatch().columns[7]) == ["two"])
        #expect(a.linesTakenFast == 1 && b.linesTakenFast == 1)
    }

    @Test("schema inference: the same schema and the same errors with and without the fast path")
    func inference() throws {
        var random = SeededRandom(seed: 7)
        var lines = Self.probes.map { Array($0.utf8) }
        // Keys in other orders and new keys, as inference meets them.
        lines += [#"{"zeta":1,"ts":"x","alpha":[1]}"#, #"{"alpha":null,"zeta":1.5}"#, #"{"big":18446744073709551615}"#, #"{"big2":123456789012345678901234}"#].map { Array($0.utf8) }
        let alphabet = Array(#"{}[]":,\-.0e1 "#.utf8)
        for _ in 0..<3000 {
            var line = lines[Int(random.next() % UInt64(lines.count))]
            line.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: Int(random.next() % UInt64(line.count + 1)))
            lines.append(line)
        }
        var fast = SchemaInference()
        var exact = SchemaInference(fastPath: false)
        for (n, line) in lines.enumerated() {
            let (a, b) = line.withUnsafeBufferPointer { bytes -> (String?, String?) in
                var a: String?, b: String?
                do { try fast.observe(bytes, 0..<line.count) } catch { a = "\(error)" }
                do { try exact.observe(bytes, 0..<line.count) } catch { b = "\(error)" }
                return (a, b)
            }
            #expect(a == b, "line \(n + 1): \(String(decoding: line, as: UTF8.self))")
        }
        #expect(try fast.schema() == exact.schema())
        #expect(try fast.schema().fields.count > 10)
    }
}

@Suite("NDJSON: Zeek's epoch-second ts")
struct EpochInferenceTests {
    static func schema(_ text: String, fastPath: Bool) throws -> Schema {
        var inference = SchemaInference(fastPath: fastPath)
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            var failure: Error?
            NDJSONLines.forEach(buffer) { range, _ in
                do { try inference.observe(buffer, range) } catch { failure = error }
            }
            if let failure { throw failure }
        }
        return try inference.schema()
    }

    @Test("a numeric ts of plausible epoch seconds is a timestamp; other numbers and other ranges are not", arguments: [true, false])
    func epochTs(fastPath: Bool) throws {
        let zeek = #"{"ts":1575331200.123456,"id.resp_p":53,"duration":0.5}"# + "\n" + #"{"ts":1575417600,"id.resp_p":443,"duration":1}"# + "\n"
        let s = try Self.schema(zeek, fastPath: fastPath)
        #expect(s.fields.map(\.type) == [.timestamp, .int64, .float64])
        // Not epoch seconds: too small, or milliseconds.
        #expect(try Self.schema(#"{"ts":12}"# + "\n", fastPath: fastPath).fields[0].type == .int64)
        #expect(try Self.schema(#"{"ts":1575331200123}"# + "\n", fastPath: fastPath).fields[0].type == .int64)
        // Not named ts.
        #expect(try Self.schema(#"{"when":1575331200.5}"# + "\n", fastPath: fastPath).fields[0].type == .float64)
    }
}

@Suite("NDJSON: columns demoted by a few malformed values")
struct DemotionTests {
    static func lines(_ n: Int, bad: Set<Int>) -> String {
        (0..<n).map { i in #"{"ip":"\#(bad.contains(i) ? "10.0.0.300" : "10.0.\(i / 256 % 256).\(i % 256)")","t":"\#(bad.contains(i) ? "yesterday" : "2026-08-01T00:00:00Z")","s":"x\#(i)"}"# }
            .joined(separator: "\n") + "\n"
    }

    @Test("one bad IP and one bad time in thousands are reported with their line; plain strings are not", arguments: [true, false])
    func demotions(fastPath: Bool) throws {
        var inference = SchemaInference(fastPath: fastPath)
        let bytes = Array(Self.lines(3000, bad: [1716]).utf8)
        bytes.withUnsafeBufferPointer { b in
            NDJSONLines.forEach(b) { r, line in
                inference.currentLine = line
                try? inference.observe(b, r)
            }
        }
        let d = inference.demotions
        #expect(d.map(\.field) == ["ip", "t"])
        #expect(d.first?.intended == .ipv4 && d.first?.bad == 1 && d.first?.total == 3000 && d.first?.firstLine == 1717 && d.first?.firstValue == "10.0.0.300")
        #expect(d.last?.intended == .timestamp && d.last?.firstLine == 1717)
        #expect(try inference.schema().fields.map(\.type) == [.string, .string, .string])
        #expect(try inference.schemaKeepingTypes().fields.map(\.type) == [.ipv4, .timestamp, .string])
        // Many bad values (over 1%): a string column, no report.
        var many = SchemaInference(fastPath: fastPath)
        let text = Array(Self.lines(1000, bad: Set(0..<50)).utf8)
        text.withUnsafeBufferPointer { b in NDJSONLines.forEach(b) { r, _ in try? many.observe(b, r) } }
        #expect(many.demotions.isEmpty)
    }
}
