import ArgumentParser
import SiftPlatform
import SiftFormat
import SiftPipeline

struct Gen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate realistic telemetry as NDJSON (deterministic from --seed).",
        discussion: """
        Kinds: conn (connection logs: ts, uid, src_ip, src_port, dst_ip, dst_port, proto, service, \
        domain, duration, bytes_out, bytes_in, conn_state); dns (DNS requests over the same hosts \
        and names as conn with the same seed: ts, uid, src_ip, src_port, dst_ip, dst_port, proto, \
        query, qtype, rcode, answer, ttl, rtt); attacks (the demo's planted attacks in \
        the same form, with a "note": beaconing to a listed dynamic-DNS name, a port scan, the same \
        from an allowlisted scanner, connections to a listed address, a rare port; --rows is \
        ignored).

        Example:
          sift gen conn --rows 1000000 --days 30 --start 2026-08-01 > conn.ndjson
          sift gen dns --rows 500000 --days 30 --start 2026-08-01 > dns.ndjson
        """
    )

    @Argument(help: "What to generate: conn, dns or attacks.")
    var kind: String

    @Option(name: .long, help: "Number of records.")
    var rows: Int = 100_000

    @Option(name: .long, help: "Days the records span.")
    var days: Int = 30

    @Option(name: .long, help: "First day (YYYY-MM-DD, UTC).")
    var start: String = "2026-08-01"

    @Option(name: .long, help: "Random seed; the same seed gives the same bytes.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Output file, or - for standard output.")
    var output: String = "-"

    @Option(name: .customLong("avoid-indicators"), help: ArgumentHelp("A rules file (spec/pipeline.md): no generated destination or name matches its indicator feeds, so background traffic does not trip the rules (the demo plants its attacks).", valueName: "RULES.json"))
    var avoidIndicators: String?

    func run() throws {
        guard ["conn", "dns", "attacks"].contains(kind) else { throw ValidationError("unknown kind '\(kind)'; available: conn, dns, attacks") }
        guard let startMicros = TextForms.parseDate(start) else {
            throw ValidationError("--start must be YYYY-MM-DD")
        }
        if kind == "attacks" {
            var attacks = AttackGenerator(seed: seed, startMicros: startMicros)
            let text = attacks.lines().joined(separator: "\n") + "\n"
            if output == "-" { StandardStreams.writeOutput(text) } else { try text.write(toFile: output, atomically: true, encoding: .utf8) }
            return
        }
        let avoiding = try avoidIndicators.map { try IndicatorSet(feeds: try RulesFile(path: $0).feeds) }
        var generator: any RowGenerator = kind == "dns"
            ? DNSGenerator(seed: seed, rows: rows, startMicros: startMicros, days: days, avoiding: avoiding)
            : ConnectionGenerator(seed: seed, rows: rows, startMicros: startMicros, days: days, avoiding: avoiding)
        let handle: Int32
        if output == "-" { handle = 1 } else {
            handle = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard handle >= 0 else { throw CommandFailure("\(output): cannot create the file: \(String(cString: strerror(errno)))") }
        }
        func write(_ bytes: [UInt8]) throws {
            guard StandardStreams.write(bytes, to: handle) else { throw CommandFailure("\(output): cannot write: \(String(cString: strerror(errno)))") }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        for i in 0..<rows {
            generator.appendRow(i, to: &buffer)
            if buffer.count >= 1 << 20 { try write(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        try write(buffer)
        if output != "-" { close(handle) }
    }
}
