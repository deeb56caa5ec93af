import Foundation
import SiftFormat
import SiftTestSupport
import Testing

@Suite("sift command")
struct CommandTests {
    @Test("write + cat round-trip a 100k-line generated connection log byte for byte")
    func generatedRoundTrip() throws {
        let dir = TemporaryDirectory()
        let gen = try SiftProcess.run(["gen", "conn", "--rows", "100000", "--seed", "42", "--output", dir.file("conn.ndjson")])
        #expect(gen.status == 0, "\(gen.stderr)")
        let write = try SiftProcess.run(["write", "--input", dir.file("conn.ndjson"), "--output", dir.file("conn.sift"), "--row-group-rows", "30000"])
        #expect(write.status == 0, "\(write.stderr)")
        let cat = try SiftProcess.run(["cat", dir.file("conn.sift")])
        #expect(cat.status == 0)
        let input = Array(FileManager.default.contents(atPath: dir.file("conn.ndjson"))!)
        #expect(cat.stdout.count == input.count)
        #expect(cat.stdout == input, "cat output differs from the NDJSON written")
        let verify = try SiftProcess.run(["verify", dir.file("conn.sift")])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    static let realSamples: [String] = {
        let base = RepositoryPaths.corpus + "/real"
        return ["zeek", "suricata"].flatMap { sub in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(base)/\(sub)")) ?? [])
                .filter { $0.hasSuffix(".json") && !$0.hasPrefix("hassanabad") }  // hassanabad files are JSON arrays
                .sorted().map { "\(base)/\(sub)/\($0)" }
        }
    }()

    @Test("the real Zeek and Suricata samples round-trip through write and cat", arguments: realSamples)
    func realSampleRoundTrip(_ path: String) throws {
        let dir = TemporaryDirectory()
        let write = try SiftProcess.run(["write", "--input", path, "--output", dir.file("x.sift"), "--emit-schema", dir.file("schema.json")])
        #expect(write.status == 0, "\(write.stderr)")
        let cat = try SiftProcess.run(["cat", dir.file("x.sift")])
        #expect(cat.status == 0, "\(cat.stderr)")
        // Nested objects come back as dotted columns (http.hostname), so compare with the
        // input flattened the same way.
        let input = try parseLines(Array(FileManager.default.contents(atPath: path)!)).map { Self.flattened($0) }
        let output = try parseLines(cat.stdout)
        #expect(input.count == output.count)
        for (i, (a, b)) in zip(input, output).enumerated() {
            if let difference = sameRecord(a, b) {
                Issue.record("\(path) record \(i + 1): \(difference)")
                break
            }
        }
        // IP fields really became IP columns (the point of a security format).
        let schema = String(decoding: FileManager.default.contents(atPath: dir.file("schema.json"))!, as: UTF8.self)
        if path.contains("zat-conn") { #expect(schema.contains("\"id.orig_h\", \"type\": \"ipv4\"")) }
        if path.contains("surevego") { #expect(schema.contains("\"src_ip\", \"type\": \"ipv4\"") || schema.contains("\"src_ip\", \"type\": \"ipv6\"")) }
    }

    /// `record` with nested (non-empty) objects flattened to dotted keys, as `sift write` does.
    static func flattened(_ record: [String: Any], prefix: String = "", depth: Int = 1) -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, value) in record {
            if let inner = value as? [String: Any], !inner.isEmpty, depth < 8 {
                out.merge(flattened(inner, prefix: prefix + key + ".", depth: depth + 1)) { a, _ in a }
            } else {
                out[prefix + key] = value
            }
        }
        return out
    }

    @Test("a bad line fails the command with its line number and field, and writes no file")
    func badLineFails() throws {
        let dir = TemporaryDirectory()
        let text = "{\"a\":1,\"ip\":\"10.0.0.1\"}\n{\"a\":2,\"ip\":\"10.0.0.2\"}\n{\"a\":3,\"ip\":\"10.0.0.300\"}\n{\"a\":4 \"ip\":\"x\"}\n"
        try text.write(toFile: dir.file("in.ndjson"), atomically: true, encoding: .utf8)
        try "{\"columns\":[{\"name\":\"a\",\"type\":\"int32\"},{\"name\":\"ip\",\"type\":\"ipv4\"}]}".write(toFile: dir.file("schema.json"), atomically: true, encoding: .utf8)
        let r = try SiftProcess.run(["write", "--input", dir.file("in.ndjson"), "--output", dir.file("out.sift"), "--schema", dir.file("schema.json")])
        #expect(r.status != 0)
        #expect(r.stderr.contains("line 3") && r.stderr.contains("\"ip\"") && r.stderr.contains("not an IPv4 address"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.sift")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains(".tmp-") }, "no temporary file is left behind")
    }

    @Test("--rejects keeps good lines and lists each bad one with its reason; counts add up")
    func rejectsFile() throws {
        let dir = TemporaryDirectory()
        let text = "{\"a\":1}\nnot json\n{\"a\":2}\n{\"a\":\"x\"}\n\n{\"a\":3,}\n{\"a\":4}\n"
        try text.write(toFile: dir.file("in.ndjson"), atomically: true, encoding: .utf8)
        try "{\"columns\":[{\"name\":\"a\",\"type\":\"int64\"}]}".write(toFile: dir.file("schema.json"), atomically: true, encoding: .utf8)
        let r = try SiftProcess.run(["write", "--input", dir.file("in.ndjson"), "--output", dir.file("out.sift"), "--schema", dir.file("schema.json"), "--rejects", dir.file("rejects.ndjson")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote 3 rows") && r.stderr.contains("3 lines rejected"), "\(r.stderr)")
        let rejects = try parseLines(Array(FileManager.default.contents(atPath: dir.file("rejects.ndjson"))!))
        #expect(rejects.map { $0["line"] as? Int } == [2, 4, 6])
        #expect(rejects[0]["text"] as? String == "not json")
        #expect(rejects[1]["field"] as? String == "a")
        #expect((rejects[1]["reason"] as? String)?.contains("expected int64") == true)
        let cat = try SiftProcess.run(["cat", dir.file("out.sift")])
        #expect(cat.stdoutText == "{\"a\":1}\n{\"a\":2}\n{\"a\":4}\n")
    }

    @Test("inferred types: IPs, timestamps, numbers, nested objects flattened, arrays as JSON and mixed kinds")
    func inference() throws {
        let dir = TemporaryDirectory()
        let text = """
        {"ts":"2026-08-01T10:00:00.5+02:00","v4":"10.0.0.1","mix":"10.0.0.1","n":1,"f":1,"nested":{"a":[1,2]},"odd":1,"dom":"evil.example"}
        {"ts":"2026-08-01T10:00:01Z","v4":"192.168.0.1","mix":"2001:db8::1","n":2,"f":2.5,"nested":[],"odd":"one","query":"x.example"}

        """
        try text.write(toFile: dir.file("in.ndjson"), atomically: true, encoding: .utf8)
        let r = try SiftProcess.run(["write", "--input", dir.file("in.ndjson"), "--output", dir.file("o.sift"), "--emit-schema", dir.file("s.json")])
        #expect(r.status == 0, "\(r.stderr)")
        let schema = try SchemaFile.parse(Array(FileManager.default.contents(atPath: dir.file("s.json"))!), file: "s.json")
        let types = Dictionary(uniqueKeysWithValues: schema.fields.map { ($0.name, "\($0.type.name)/\($0.hint.name)") })
        #expect(types == ["ts": "timestamp/none", "v4": "ipv4/none", "mix": "ipv6/none", "n": "int64/none", "f": "float64/none",
                          "nested.a": "string/json", "nested": "string/json", "odd": "string/json", "dom": "string/none", "query": "string/domain"])
        let cat = try SiftProcess.run(["cat", dir.file("o.sift")])
        #expect(cat.stdoutText.hasPrefix("{\"ts\":\"2026-08-01T08:00:00.500000Z\",\"v4\":\"10.0.0.1\",\"mix\":\"10.0.0.1\",\"n\":1,\"f\":1.0,\"nested.a\":[1,2],\"odd\":1,"), "\(cat.stdoutText)")
        #expect(cat.stdoutText.contains("\"odd\":\"one\""))
    }

    @Test("inspect --json and verify report structure; verify names the corrupt page's column and row group")
    func inspectAndVerify() throws {
        let dir = TemporaryDirectory()
        _ = try SiftProcess.run(["gen", "conn", "--rows", "5000", "--output", dir.file("c.ndjson")])
        _ = try SiftProcess.run(["write", "--input", dir.file("c.ndjson"), "--output", dir.file("c.sift"), "--compression", "lz4", "--row-group-rows", "2000"])
        let inspect = try SiftProcess.run(["inspect", dir.file("c.sift"), "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(inspect.stdout)) as! [String: Any]
        #expect(object["row_count"] as? Int == 5000)
        #expect((object["row_groups"] as? [Any])?.count == 3)
        let text = try SiftProcess.run(["inspect", dir.file("c.sift"), "--pages"])
        #expect(text.stdoutText.contains("lz4") && text.stdoutText.contains("page 0"))

        let reader = try SiftReader(path: dir.file("c.sift"))
        let chunk = reader.metadata.rowGroups[1].columns[4]  // dst_ip in row group 1
        var bytes = Array(FileManager.default.contents(atPath: dir.file("c.sift"))!)
        bytes[Int(chunk.offset) + 40] ^= 0x10
        FileManager.default.createFile(atPath: dir.file("bad.sift"), contents: Data(bytes))
        let verify = try SiftProcess.run(["verify", dir.file("bad.sift")])
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("row group 1") && verify.stderr.contains("column 'dst_ip'") && verify.stderr.contains("page_checksum_mismatch"), "\(verify.stderr)")
    }

    @Test("--cluster reorders rows along the curve, keeps every row, and --where --explain prunes the clustered file")
    func clusteredWrite() throws {
        let dir = TemporaryDirectory()
        _ = try SiftProcess.run(["gen", "conn", "--rows", "60000", "--seed", "5", "--output", dir.file("c.ndjson")])
        let w = try SiftProcess.run(["write", "--input", dir.file("c.ndjson"), "--output", dir.file("z.sift"), "--cluster", "zorder:src_ip,dst_ip", "--row-group-rows", "8192"])
        #expect(w.status == 0, "\(w.stderr)")
        let input = String(decoding: FileManager.default.contents(atPath: dir.file("c.ndjson"))!, as: UTF8.self).split(separator: "\n").sorted()
        let cat = try SiftProcess.run(["cat", dir.file("z.sift")])
        #expect(cat.stdoutText.split(separator: "\n").sorted() == input, "the same rows, in another order")
        let inspect = try SiftProcess.run(["inspect", dir.file("z.sift")])
        #expect(inspect.stdoutText.contains("sift.clustering = zorder:src_ip,dst_ip"))
        // A needle from the data: read far less than the file.
        let row = try parseLines(Array(cat.stdoutText.split(separator: "\n")[3].utf8))[0]
        let q = "src_ip = \(row["src_ip"]!) and dst_ip = \(row["dst_ip"]!)"
        let r = try SiftProcess.run(["cat", dir.file("z.sift"), "--where", q, "--explain", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(r.stdoutText.split(separator: "\n").last!.utf8)) as! [String: Any]
        #expect((report["rows_matched"] as! Int) >= 1)
        #expect(Double(report["bytes_read"] as! Int) < 0.2 * Double(report["bytes_total"] as! Int), "\(report)")
        // --count agrees with the rows printed, with and without a predicate.
        let counted = try SiftProcess.run(["cat", dir.file("z.sift"), "--where", "dst_port in (443, 53) and bytes_out > 1000", "--count"])
        let printed = try SiftProcess.run(["cat", dir.file("z.sift"), "--where", "dst_port in (443, 53) and bytes_out > 1000", "--columns", "ts"])
        #expect(counted.stdoutText == "\(printed.stdoutText.split(separator: "\n").count)\n")
        #expect(try SiftProcess.run(["cat", dir.file("z.sift"), "--count"]).stdoutText == "60000\n")
        let bad = try SiftProcess.run(["write", "--input", dir.file("c.ndjson"), "--output", dir.file("x.sift"), "--cluster", "spiral:src_ip"])
        #expect(bad.status != 0 && bad.stderr.contains("zorder:COL,COL or hilbert:COL,COL"))
    }

    @Test("cat prints CSV and tables, projects columns and limits rows")
    func catFormats() throws {
        let dir = TemporaryDirectory()
        try "{\"a\":1,\"b\":\"x,y\"}\n{\"a\":2,\"b\":\"say \\\"hi\\\"\"}\n{\"a\":3}\n".write(toFile: dir.file("in.ndjson"), atomically: true, encoding: .utf8)
        _ = try SiftProcess.run(["write", "--input", dir.file("in.ndjson"), "--output", dir.file("o.sift")])
        let csv = try SiftProcess.run(["cat", dir.file("o.sift"), "--format", "csv"])
        #expect(csv.stdoutText == "a,b\n1,\"x,y\"\n2,\"say \"\"hi\"\"\"\n3,\n")
        let table = try SiftProcess.run(["cat", dir.file("o.sift"), "--format", "table", "--columns", "b", "--limit", "1"])
        #expect(table.stdoutText == "b  \n---\nx,y\n")
        let bad = try SiftProcess.run(["cat", dir.file("o.sift"), "--columns", "zzz"])
        #expect(bad.status != 0 && bad.stderr.contains("no column 'zzz'"))
    }
}

@Suite("sift command: hostile values")
struct HostileOutputTests {
    @Test("--format table never lets a logged value reach the terminal raw; --wide shows whole cells")
    func table() throws {
        let dir = TemporaryDirectory()
        let line = #"{"host":"evil\u001b[2J\u001b]0;title\u0007","ua":"a\r\nforged row","note":"\u202egpj.exe","long":"\#(String(repeating: "x", count: 300))"}"#
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: dir.file("h.ndjson")))
        #expect(try SiftProcess.run(["write", "--input", dir.file("h.ndjson"), "--output", dir.file("h.sift")]).status == 0)
        let table = try SiftProcess.run(["cat", dir.file("h.sift"), "--format", "table"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(!table.stdout.contains(0x1B) && !table.stdout.contains(0x07) && !table.stdout.contains(0x0D))
        #expect(table.stdout.filter { $0 == 0x0A }.count == 3, "header, rule and one row: no forged line")
        #expect(table.stdoutText.contains("evil\\x1b[2J") && table.stdoutText.contains("\\u{202e}gpj.exe") && table.stdoutText.contains("x…"))
        let wide = try SiftProcess.run(["cat", dir.file("h.sift"), "--format", "table", "--wide"])
        #expect(wide.stdoutText.contains(String(repeating: "x", count: 300)))
    }
}

@Suite("sift write: inputs and outputs a user cannot lose")
struct WriteSafetyTests {
    @Test("an output that is the input, or exists, is refused; --force replaces an existing output only")
    func outputs() throws {
        let dir = TemporaryDirectory()
        let log = "{\"a\":1}\n{\"a\":2}\n"
        try log.write(toFile: dir.file("in.ndjson"), atomically: true, encoding: .utf8)
        _ = link(dir.file("in.ndjson"), dir.file("alias.ndjson"))
        for output in [dir.file("in.ndjson"), dir.file("alias.ndjson")] {
            let r = try SiftProcess.run(["write", "--input", dir.file("in.ndjson"), "--output", output, "--force"])
            #expect(r.status != 0 && r.stderr.contains("is the input file"), "\(r.stderr)")
        }
        #expect(try String(contentsOfFile: dir.file("in.ndjson"), encoding: .utf8) == log)
        try "keep".write(toFile: dir.file("o.sift"), atomically: true, encoding: .utf8)
        let refused = try SiftProcess.run(["write", "--input", dir.file("in.ndjson"), "--output", dir.file("o.sift")])
        #expect(refused.status != 0 && refused.stderr.contains("exists; pass --force"))
        #expect(try String(contentsOfFile: dir.file("o.sift"), encoding: .utf8) == "keep")
        let forced = try SiftProcess.run(["write", "--input", dir.file("in.ndjson"), "--output", dir.file("o.sift"), "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try SiftProcess.run(["cat", dir.file("o.sift"), "--count"]).stdoutText == "2\n")
    }

    @Test("rejecting every line, or more than --max-reject-ratio, fails with the counts and writes no file")
    func rejects() throws {
        let dir = TemporaryDirectory()
        try "{\"a\":1}\nnot json\n{\"a\":\"x\"}\n{\"a\":4}\n".write(toFile: dir.file("half.ndjson"), atomically: true, encoding: .utf8)
        try "nope\nnot json either\n".write(toFile: dir.file("none.ndjson"), atomically: true, encoding: .utf8)
        let none = try SiftProcess.run(["write", "--input", dir.file("none.ndjson"), "--output", dir.file("n.sift"), "--rejects", dir.file("n.rej")])
        #expect(none.status != 0 && none.stderr.contains("2 of 2 lines rejected (every line)"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("n.sift")))
        #expect(try String(contentsOfFile: dir.file("n.rej"), encoding: .utf8).split(separator: "\n").count == 2)
        let schema = "{\"columns\":[{\"name\":\"a\",\"type\":\"int64\"}]}"
        try schema.write(toFile: dir.file("s.json"), atomically: true, encoding: .utf8)
        let strict = try SiftProcess.run(["write", "--input", dir.file("half.ndjson"), "--output", dir.file("h.sift"), "--schema", dir.file("s.json"),
                                          "--rejects", dir.file("h.rej"), "--max-reject-ratio", "0.25"])
        #expect(strict.status != 0 && strict.stderr.contains("2 of 4 lines rejected (50.0%"), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("h.sift")))
        let lenient = try SiftProcess.run(["write", "--input", dir.file("half.ndjson"), "--output", dir.file("h.sift"), "--schema", dir.file("s.json"),
                                           "--rejects", dir.file("h.rej"), "--force"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
    }

    @Test("keys that are not valid UTF-8 are rejected like values, not merged into one repaired name")
    func invalidKeys() throws {
        let dir = TemporaryDirectory()
        let bytes: [UInt8] = Array("{\"ok\":1,\"a".utf8) + [0xFF] + Array("\":1}\n{\"ok\":2,\"a".utf8) + [0xFE] + Array("\":2}\n{\"ok\":3}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("k.ndjson")))
        let strict = try SiftProcess.run(["write", "--input", dir.file("k.ndjson"), "--output", dir.file("k.sift")])
        #expect(strict.status != 0 && strict.stderr.contains("line 1") && strict.stderr.contains("key is not valid UTF-8"), "\(strict.stderr)")
        let kept = try SiftProcess.run(["write", "--input", dir.file("k.ndjson"), "--output", dir.file("k.sift"), "--rejects", dir.file("k.rej")])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(try SiftProcess.run(["cat", dir.file("k.sift")]).stdoutText == "{\"ok\":3}\n")
    }

    @Test("a number past float64's range is rejected, not stored as an infinity nobody wrote")
    func floatOverflow() throws {
        let dir = TemporaryDirectory()
        try "{\"x\":1.5}\n{\"x\":1e999999}\n{\"x\":-1e400}\n{\"x\":2}\n".write(toFile: dir.file("f.ndjson"), atomically: true, encoding: .utf8)
        let r = try SiftProcess.run(["write", "--input", dir.file("f.ndjson"), "--output", dir.file("f.sift"), "--rejects", dir.file("f.rej")])
        #expect(r.status == 0, "\(r.stderr)")
        let rejected = try String(contentsOfFile: dir.file("f.rej"), encoding: .utf8)
        #expect(rejected.contains("\"line\":2") && rejected.contains("\"line\":3") && rejected.contains("outside the float64 range"))
        #expect(try SiftProcess.run(["cat", dir.file("f.sift")]).stdoutText == "{\"x\":1.5}\n{\"x\":2.0}\n")
    }

    @Test("SIGTERM in the middle of a write leaves no temporary file")
    func interrupted() throws {
        let dir = TemporaryDirectory()
        #expect(try SiftProcess.run(["gen", "conn", "--rows", "400000", "--output", dir.file("big.ndjson")]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SiftProcess.binary)
        process.arguments = ["write", "--input", dir.file("big.ndjson"), "--output", dir.file("big.sift")]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the temporary file exists, then interrupt.
        var sawTemporary = false
        for _ in 0..<20_000 where process.isRunning {
            if (try FileManager.default.contentsOfDirectory(atPath: dir.path)).contains(where: { $0.contains(".tmp-") }) { sawTemporary = true; break }
            usleep(500)
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(left.isEmpty, "left behind: \(left)")
        if sawTemporary && process.terminationStatus != 0 {
            #expect(process.terminationStatus == 128 + SIGTERM)
            #expect(!FileManager.default.fileExists(atPath: dir.file("big.sift")))
        }
        #expect(sawTemporary, "the write finished before a temporary file was seen; the test did not interrupt it")
    }
}

@Suite("sift --version")
struct VersionTests {
    @Test("prints the command's, the file format's and the table protocol's versions")
    func version() throws {
        let r = try SiftProcess.run(["--version"])
        #expect(r.status == 0 && r.stdoutText.hasPrefix("sift \(FileLayout.majorVersion).") && r.stdoutText.contains("file format"))
    }
}

@Suite("sift: errors end with the subcommand's usage, or none")
struct ErrorUsageTests {
    @Test("a bad argument found while running names the subcommand's usage; a runtime failure adds none")
    func usage() throws {
        let dir = TemporaryDirectory()
        try #"{"n":1}"#.write(toFile: dir.file("a.ndjson"), atomically: true, encoding: .utf8)
        #expect(try SiftProcess.run(["write", "--input", dir.file("a.ndjson"), "--output", dir.file("a.sift")]).status == 0)
        let bad = try SiftProcess.run(["cat", dir.file("a.sift"), "--where", "n contains 'x'"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("Usage: sift cat") && bad.stderr.contains("See 'sift cat --help'"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("sift <subcommand>"))
        let nested = try SiftProcess.run(["table", "optimize", dir.path, "--hilbert", "a,b"])
        #expect(nested.status != 0 && !nested.stderr.contains("sift <subcommand>"), "\(nested.stderr)")
        let missing = try SiftProcess.run(["query", dir.file("nope"), "--count"])
        #expect(missing.status == 1 && !missing.stderr.contains("Usage:"), "\(missing.stderr)")
    }
}

extension ErrorUsageTests {
    @Test("every subcommand's help has examples", arguments: [
        ["write"], ["cat"], ["inspect"], ["verify"], ["gen"], ["query"], ["wrap"], ["ingest"], ["parse"], ["reparse"], ["hunt"],
        ["optimize"], ["detect"], ["alerts"], ["graph"], ["table", "create"], ["table", "append"], ["table", "optimize"],
        ["table", "vacuum"], ["table", "history"], ["table", "describe"], ["table", "add-column"],
    ])
    func examples(_ command: [String]) throws {
        let help = try SiftProcess.run(command + ["--help"])
        #expect(help.stdoutText.contains("Example"), "sift \(command.joined(separator: " ")) --help has no example")
    }

    @Test("query prints in time order by default, cat in file order; --order-by picks a column and direction; --limit with none stops early and says so")
    func ordering() throws {
        let dir = TemporaryDirectory()
        let sample = dir.file("s.ndjson")
        #expect(try SiftProcess.run(["gen", "conn", "--rows", "20000", "--days", "3", "--output", sample]).status == 0)
        let table = dir.file("t")
        #expect(try SiftProcess.run(["table", "create", table, "--infer-from", sample, "--partition-by", "date(ts)"]).status == 0)
        #expect(try SiftProcess.run(["table", "append", table, sample]).status == 0)
        func lines(_ args: [String]) throws -> [[String: Any]] {
            let r = try SiftProcess.run(args)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdoutText.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        let times = try lines(["query", table, "--where", "dst_port = 443", "--columns", "ts,src_ip"]).map { $0["ts"] as! String }
        #expect(times.count > 100 && times == times.sorted(), "time order by default")
        let all = try lines(["query", table, "--where", "dst_port = 443", "--columns", "bytes_out", "--order-by", "none"]).compactMap { $0["bytes_out"] as? Int }
        let top = try lines(["query", table, "--where", "dst_port = 443", "--columns", "src_ip", "--order-by", "bytes_out desc", "--limit", "7"])
        #expect(top.count == 7 && top.allSatisfy { $0["bytes_out"] == nil }, "the sort column is not printed unless asked for")
        let topBytes = try lines(["query", table, "--where", "dst_port = 443", "--columns", "bytes_out", "--order-by", "bytes_out desc", "--limit", "7"]).compactMap { $0["bytes_out"] as? Int }
        #expect(topBytes == Array(all.sorted(by: >).prefix(7)))
        let early = try SiftProcess.run(["query", table, "--where", "dst_port = 443", "--order-by", "none", "--limit", "3", "--explain", "--threads", "1"])
        #expect(early.stdoutText.contains("stopped early (--limit reached)"), "\(early.stdoutText)")
        #expect(try SiftProcess.run(["query", table, "--order-by", "nope"]).status == 64)
        let cat = try SiftProcess.run(["cat", try FileManager.default.subpathsOfDirectory(atPath: table).first { $0.hasSuffix(".sift") && !$0.contains("_sift_log") }.map { table + "/" + $0 }!,
                                       "--order-by", "ts desc", "--columns", "ts", "--limit", "5"])
        let catTimes = cat.stdoutText.split(separator: "\n").map(String.init)
        #expect(catTimes.count == 5 && catTimes == catTimes.sorted(by: >))
    }

    @Test("write and table append report rows, bytes, rate and time left on stderr when it is not a terminal; --quiet silences them")
    func progressLines() throws {
        let dir = TemporaryDirectory()
        let sample = dir.file("s.ndjson")
        #expect(try SiftProcess.run(["gen", "conn", "--rows", "60000", "--output", sample]).status == 0)
        let fast = ["SIFT_PROGRESS_SECONDS": "0"]
        let write = try SiftProcess.run(["write", "--input", sample, "--output", dir.file("o.sift"), "--row-group-rows", "8192"], environment: fast)
        #expect(write.status == 0, "\(write.stderr)")
        let lines = write.stderr.split(separator: "\n").filter { $0.hasPrefix("write ") }
        #expect(lines.contains { $0.contains("writing") && $0.contains("rows") && $0.contains("%") && $0.contains("/s") }, "\(write.stderr)")
        #expect(lines.contains { $0.contains("ETA") }, "\(write.stderr)")
        let quiet = try SiftProcess.run(["write", "--input", sample, "--output", dir.file("q.sift"), "--quiet"], environment: fast)
        #expect(quiet.status == 0 && !quiet.stderr.contains("writing"), "\(quiet.stderr)")
        #expect(quiet.stderr.contains("wrote 60000 rows"), "the summary still prints")
        #expect(try SiftProcess.run(["table", "create", dir.file("t"), "--infer-from", sample]).status == 0)
        let append = try SiftProcess.run(["table", "append", dir.file("t"), sample], environment: fast)
        #expect(append.stderr.contains("append ") && append.stderr.contains("rows"), "\(append.stderr)")
    }
}
