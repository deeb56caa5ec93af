import ArgumentParser
import SiftPlatform
import SiftFormat
import SiftNDJSON
import SiftIndex
import SiftPipeline
import SiftTable

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Append wrapped events (NDJSON) to a warehouse's staging table; invalid lines go to quarantine.",
        discussion: """
        Each line is a wrapper {"ts": ISO-8601, "event_type": "...", "source": "...", "raw": <event>} \
        (spec/pipeline.md; `sift wrap` makes them from Zeek and Suricata logs). `raw` is kept byte \
        for byte. A line that is not a valid wrapper goes to the quarantine table with the reason, \
        the file and the line number: lines read = staged + quarantined.

        --follow DIR ingests every new file of DIR (in name order; files should be renamed into \
        DIR when complete) and keeps watching; a checkpoint in the warehouse makes a restart \
        neither lose nor duplicate a file. --once stops after one pass.

        Examples:
          sift ingest wh events.ndjson
          sift wrap --format zeek conn.log | sift ingest wh -
          sift ingest wh --follow /var/spool/events --poll-seconds 2
        """
    )
    @Argument(help: "The warehouse folder (created if missing).") var warehouse: String
    @Argument(help: "Wrapped-event NDJSON files ('-' for standard input).") var files: [String] = []
    @Option(name: .long, help: "Ingest new files of this folder as they land.") var follow: String?
    @Flag(name: .long, help: "With --follow: one pass, then exit.") var once = false
    @Option(name: .customLong("poll-seconds"), help: "With --follow: how often to look for new files.") var pollSeconds: Double = 1
    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        let wh = try Warehouse(root: warehouse)
        let progress = ProgressMeter("ingest \(warehouse)", quiet: progressOptions.quiet)
        if let follow {
            repeat {
                let pass = try wh.followOnce(follow) { progress.note("ingesting \($0)") }
                progress.done()
                for name in pass.files { printError("ingested \(name)") }
                if !pass.files.isEmpty { printError("\(pass.result.lines) lines: \(pass.result.staged) staged, \(pass.result.quarantined) quarantined") }
                if !once { usleep(useconds_t(pollSeconds * 1_000_000)) }
            } while !once
            return
        }
        guard !files.isEmpty else { throw ValidationError("give files to ingest, '-', or --follow DIR") }
        var total = IngestResult()
        for (i, file) in files.enumerated() {
            let name = file == "-" ? "<stdin>" : file
            if files.count > 1 { progress.note("file \(i + 1)/\(files.count): \(name)") }
            let result = try InputFile(path: file).withBytes { bytes in
                defer { progress.add(bytes: bytes.count, rows: 0) }
                return try wh.ingest(bytes, file: name)
            }
            total.lines += result.lines
            total.staged += result.staged
            total.quarantined += result.quarantined
        }
        progress.done()
        printError("\(total.lines) lines: \(total.staged) staged, \(total.quarantined) quarantined")
    }
}

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse what staging gained since the last run into the refined tables.",
        discussion: """
        Events of types with a parser (zeek.conn/dns/http/ssl, suricata.flow/dns/alert, demo.conn) \
        become rows of the refined tables (conn, dns, http, ssl, alert; spec/pipeline.md). Events \
        no parser takes, or a parser rejects, go to quarantine with the parser's version and the \
        reason: staged rows = parsed + quarantined.

        Examples:
          sift parse wh
        """
    )
    @Argument(help: "The warehouse folder.") var warehouse: String
    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        var wh = try Warehouse(root: warehouse)
        let progress = ProgressMeter("parse \(warehouse)", quiet: progressOptions.quiet)
        wh.progress = { step in progress.add(bytes: step.bytes, rows: step.rows, pass: step.stage, total: step.totalBytes > 0 ? step.totalBytes : nil) }
        let result = try wh.parse()
        progress.done()
        let tables = result.byTable.keys.sorted { $0.rawValue < $1.rawValue }.filter { result.byTable[$0]! > 0 }
            .map { "\($0.rawValue) \(result.byTable[$0]!)" }.joined(separator: ", ")
        printError("staging version \(result.stagingVersion): \(result.stagedRows) staged rows: \(result.parsed) parsed\(tables.isEmpty ? "" : " (\(tables))"), \(result.quarantined) quarantined")
    }
}

struct Reparse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reparse",
        abstract: "Re-run the current parser of an event type over staging and replace its refined rows atomically.",
        discussion: """
        After a parser fix, its event type's refined rows are rebuilt from staging in one commit.

        Examples:
          sift reparse wh --event-type zeek.dns
          sift reparse wh --event-type zeek.dns --since 2026-08-01
        """
    )
    @Argument(help: "The warehouse folder.") var warehouse: String
    @Option(name: .customLong("event-type"), help: "The event type, e.g. zeek.conn.") var eventType: String
    @Option(name: .long, help: "Only events of this date (YYYY-MM-DD) and later.") var since: String?
    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        var wh = try Warehouse(root: warehouse)
        let progress = ProgressMeter("reparse \(eventType)", quiet: progressOptions.quiet)
        wh.progress = { step in progress.add(bytes: step.bytes, rows: step.rows, pass: step.stage, total: step.totalBytes > 0 ? step.totalBytes : nil) }
        let result = try wh.reparse(eventType: eventType, since: since)
        progress.done()
        guard let version = result.version else { printError("nothing parsed yet; run `sift parse` first"); return }
        printError("replaced \(result.filesReplaced) files (\(result.rowsRemoved) rows) with \(result.rowsAdded) rows as version \(version); \(result.quarantined) quarantined")
    }
}

struct Hunt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hunt",
        abstract: "Find events across the refined tables, with what each index skipped.",
        discussion: """
        Searches every refined table (or those named by --table) with the predicate \
        (spec/predicates.md); rows are printed with a "table" field, in time order across the \
        tables (--order-by to choose another column, or none). Tables lacking a column the \
        predicate names are left out (and said so with --explain). --explain --json ends with one \
        JSON object with `sift query --explain --json`'s fields totalled over the tables searched.

        Examples:
          sift hunt wh --where "dst_ip = 203.0.113.7" --since 2026-08-01 --explain
          sift hunt wh --where "domain ends_with '.evil.example'" --table dns \\
            --format table
          # rows per table and in total
          sift hunt wh --where "dst_ip in 203.0.113.0/24" --count
          # rows per source since August, most first
          sift hunt wh --where "dst_port = 4444" --since 2026-08-01 --count \\
            --group-by src_ip
          # the latest twenty
          sift hunt wh --where "src_ip = 10.1.2.3" --order-by "time desc" --limit 20
        """
    )
    @Argument(help: "The warehouse folder.") var warehouse: String
    @Option(name: .long, help: "The predicate.") var `where`: String
    @Option(name: .long, help: "Only events at or after this date or time (ISO-8601).") var since: String?
    @Option(name: .long, help: "Comma-separated refined tables: conn, dns, http, ssl, alert.") var table: String?
    @Option(name: .long, help: "Comma-separated columns (default: time, event_type, src/dst ip and port, proto, domain).") var columns: String?
    @Option(name: .long, help: ArgumentHelp(OutputFormat.help)) var format: String = "ndjson"
    @Option(name: .long, help: "Print at most this many rows.") var limit: Int?
    @Option(name: .customLong("order-by"), help: OrderBy.help(default: "time, oldest first")) var orderBy: String?
    @Flag(name: .long, help: "After the rows, what was read and skipped.") var explain = false
    @Flag(name: .long, help: OutputFormat.wideHelp) var wide = false
    @Flag(name: .long, help: "With --explain: one JSON object (the last line).") var json = false
    @Flag(name: .long, help: "Print only the number of matching events, per table and in total; with --group-by, per value.") var count = false
    @Option(name: .customLong("group-by"), help: "With --count: count matching events per value of this column, most first.") var groupBy: String?

    func run() throws {
        let outputFormat = try OutputFormat(option: format)
        let predicate = try wherePredicate(`where`)!   // present: the option is required
        let kinds = try table.map { try $0.split(separator: ",").map { name in
            guard let k = RefinedKind(rawValue: String(name)) else { throw ValidationError("--table: no refined table '\(name)'; they are conn, dns, http, ssl, alert") }
            return k
        } }
        if groupBy != nil, !count { throw ValidationError("--group-by needs --count") }
        if count {
            // Counting reads no projected column (or only the grouped one).
            var groups = groupBy.map(GroupCounts.init)
            let report = try Warehouse(root: warehouse).hunt(predicate, since: since, tables: kinds, columns: groupBy.map { [$0] } ?? []) { _, batch in
                groups?.add(batch)
                return true
            }
            var out = StandardOutput()
            if let groups {
                out.write(groups.lines)
            } else {
                for (kind, r) in report.perTable { out.write("\(kind.rawValue)\t\(r.rowsMatched)\n") }
                out.write("total\t\(report.total.rowsMatched)\n")
            }
            if explain { try ExplainReport(report.total).emit(json: json, arrow: false, to: &out) }
            out.flush()
            return
        }
        let wanted = columns.map { $0.split(separator: ",").map(String.init) } ?? Warehouse.huntColumns
        let order = try OrderBy.parse(orderBy, fallback: "time")
        // The sort column is read even when not printed.
        let added: Set<String> = order.map { wanted.contains($0.column) ? [] : [$0.column] } ?? []
        let scanned = wanted + added.sorted()
        // One schema for every table's rows: the table's name, then each column as the refined
        // tables type it (null where a table lacks it).
        let fields = try scanned.map { name -> Field in
            guard let field = RefinedKind.allCases.lazy.compactMap({ k in k.schema.index(of: name).map { k.schema.fields[$0] } }).first else {
                throw ValidationError("--columns: no refined table has a column '\(name)'")
            }
            return Field(field.name, field.type, nullable: true, hint: field.hint)
        }
        let schema = try Schema([Field("table", .string, nullable: false)] + fields)
        var printer = try OrderedPrinter(format: outputFormat, schema: schema, order: order, hidden: added, limit: limit, wide: wide)
        let report = try Warehouse(root: warehouse).hunt(predicate, since: since, tables: kinds, columns: scanned) { kind, batch in
            let columns = [ColumnVector.strings(Array(repeating: kind.rawValue, count: batch.rowCount))] + schema.fields.dropFirst().map { field in
                batch.schema.index(of: field.name).map { batch.columns[$0] } ?? .nulls(field.type, count: batch.rowCount)
            }
            let unified = try RecordBatch(schema: schema, columns: columns)
            return try printer.print(unified)
        }
        try printer.finish()
        var out = StandardOutput()
        if explain {
            var explained = ExplainReport(report.total)
            explained.preamble = report.perTable.map { kind, r in
                "[\(kind.rawValue)] \(r.filesRead) of \(r.filesTotal) files opened, \(r.rowsMatched) rows, \(r.bytesRead) of \(r.bytesTotal) bytes read"
            } + report.skippedTables.map { kind, why in "[\(kind.rawValue)] not searched: \(why)" } + ["total:"]
            try explained.emit(json: json, arrow: outputFormat == .arrow, to: &out)
        }
        out.flush()
    }
}

struct Wrap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wrap",
        abstract: "Wrap Zeek, Suricata or other NDJSON logs as ingest wrappers (what a log shipper does).",
        discussion: """
        Zeek: TSV logs (the #fields header gives the columns; the wrapper's source records them) \
        or JSON logs; the event type is zeek.<log> from #path or the file name. Suricata: EVE \
        JSON; the event type is suricata.<event_type>. ndjson: any NDJSON with --event-type and \
        a time field. Lines whose time cannot be read are wrapped without ts, so ingest \
        quarantines them with the reason.

        Examples:
          sift wrap --format zeek conn.log dns.log > events.ndjson
          sift wrap --format suricata eve.json | sift ingest wh -
          sift gen conn --rows 1000 | sift wrap --format ndjson --event-type demo.conn -
        """
    )
    @Option(name: .long, help: "zeek, suricata or ndjson.") var format: String
    @Option(name: .customLong("event-type"), help: "The event type of every line (default: from the log).") var eventType: String?
    @Option(name: .long, help: "The wrapper's source (default: the file name).") var source: String?
    @Option(name: .customLong("time-field"), help: "For ndjson: the field holding the time.") var timeField = "ts"
    @Option(name: .long, help: "Write here instead of standard output.") var output: String?
    @Argument(help: "Log files ('-' for standard input).") var files: [String]

    func run() throws {
        guard let f = EventWrapping.Format(rawValue: format) else { throw ValidationError("--format must be zeek, suricata or ndjson") }
        var wrapping = EventWrapping(format: f, eventType: eventType, source: source)
        wrapping.timeField = timeField
        var out = StandardOutput()
        var collected: [UInt8] = []
        var total = 0, untimed = 0
        for file in files {
            let body = { (bytes: UnsafeBufferPointer<UInt8>) throws in
                let (n, missing) = try wrapping.wrap(bytes, file: file == "-" ? "stdin" : file) { line in
                    if output == nil { out.write(line) } else { collected += line }
                }
                total += n
                untimed += missing
            }
            try InputFile(path: file).withBytes(body)
        }
        out.flush()
        if let output { guard FileManager.default.createFile(atPath: output, contents: Data(collected)) else { throw CommandFailure("\(output): cannot write") } }
        printError("wrapped \(total) events" + (untimed > 0 ? "; \(untimed) without a readable time (ingest will quarantine them)" : ""))
    }
}

struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Optimize every refined table of a warehouse: compact and cluster (by IP, or domain and IP) per partition.",
        discussion: """
        Examples:
          sift optimize wh
          sift optimize wh --full --target-file-mb 64
        """
    )
    @Argument(help: "The warehouse folder.") var warehouse: String
    @Option(name: .customLong("target-file-mb"), help: "Target size of the files written.") var targetFileMB: Double = 256
    @Flag(name: .long, help: "Rewrite every file.") var full = false

    func run() throws {
        for (kind, result) in try Warehouse(root: warehouse).optimize(targetFileBytes: Int64(targetFileMB * 1_048_576), full: full) {
            guard let version = result.version else { printError("\(kind.rawValue): nothing to optimize"); continue }
            printError("\(kind.rawValue): \(result.filesRemoved) files -> \(result.filesAdded) files in \(result.partitionsRewritten) partitions (version \(version))")
        }
    }
}

struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run detection rules over what the refined tables gained, writing every alert to the alerts table.",
        discussion: """
        The rules file (JSON; spec/pipeline.md §7) lists indicator feeds (IPs, CIDRs, domains), \
        an asset table for context, and rules: indicator matches (joins that use partitions, \
        statistics and bloom filters to skip data), distinct counts per window (port scans, \
        sweeps), rarely seen values, and beacon-like periodic connections.

        Example: sift detect wh --rules rules.json
        """
    )
    @Argument(help: "The warehouse folder.") var warehouse: String
    @Option(name: .long, help: "The rules file (JSON).") var rules: String

    func run() throws {
        let file = try RulesFile(path: rules)
        let result = try Warehouse(root: warehouse).detect(file)
        for line in result.skippedFeedLines.prefix(5) { printError("note: \(line)") }
        if result.skippedFeedLines.count > 5 { printError("note: \(result.skippedFeedLines.count - 5) more feed lines were not indicators") }
        let examined = result.eventsExamined.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue) \(result.eventsExamined[$0]!)" }.joined(separator: ", ")
        var byRule: [String: Int] = [:]
        for a in result.alerts { byRule[a.ruleId, default: 0] += 1 }
        printError("examined \(examined.isEmpty ? "nothing new" : examined) events; \(result.alerts.count) alerts" +
                   (byRule.isEmpty ? "" : " (" + byRule.keys.sorted().map { "\($0) \(byRule[$0]!)" }.joined(separator: ", ") + ")"))
        let j = result.joinReport
        if j.bytesTotal > 0 {
            printError("indicator joins read \(j.bytesRead) of \(j.bytesTotal) bytes (\(printfText("%.2f", 100 * Double(j.bytesRead) / Double(j.bytesTotal)))%): skipped by " +
                       IndexKind.allCases.map { "\($0.rawValue) \(j.bytesSkipped(by: $0))" }.joined(separator: ", "))
        }
    }
}

struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "De-duplicate and allowlist new alerts and deliver the rest to a sink, exactly once.",
        discussion: """
        Sinks: a file (appended; exactly once across crashes), - (standard output), or \
        http://127.0.0.1:PORT/PATH (POST per alert with an Idempotency-Key header; a failing \
        receiver is retried a bounded number of times, and undelivered alerts stay queued). \
        Every alert stays in the alerts table with its status: delivered, duplicate or \
        allowlisted (and why).

        Example: sift alerts wh --sink alerts.ndjson --allowlist allowlist.txt
        """
    )
    @Argument(help: "The warehouse folder.") var warehouse: String
    @Option(name: .long, help: "FILE, - or http://HOST:PORT/PATH.") var sink: String
    @Option(name: .long, help: "Allowlist file: IPs, CIDRs, domains, optionally RULE:ENTRY.") var allowlist: String?
    @Option(name: .customLong("dedup-minutes"), help: "Repeats of a rule and key within this many minutes are duplicates.") var dedupMinutes = 1440

    func run() throws {
        let wh = try Warehouse(root: warehouse)
        let list = try allowlist.map(Allowlist.init(path:)) ?? Allowlist()
        let result: AlertsResult
        if sink == "-" {
            var s = StandardOutputAlertSink()
            result = try wh.deliverAlerts(to: &s, allowlist: list, dedupMinutes: dedupMinutes)
        } else if sink.hasPrefix("http://") {
            var s = try HTTPAlertSink(url: sink)
            result = try wh.deliverAlerts(to: &s, allowlist: list, dedupMinutes: dedupMinutes)
        } else {
            var s = FileAlertSink(path: sink)
            result = try wh.deliverAlerts(to: &s, allowlist: list, dedupMinutes: dedupMinutes)
        }
        printError("\(result.delivered) delivered, \(result.duplicates) duplicates, \(result.allowlisted) allowlisted")
    }
}

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw the connections around an IP or a domain (Graphviz): the picture to triage from.",
        discussion: "Example: sift graph wh --around 185.220.101.7 --since 2026-08-01 --out c2.svg"
    )
    @Argument(help: "The warehouse folder.") var warehouse: String
    @Option(name: .long, help: "An IP address or a domain.") var around: String
    @Option(name: .long, help: "Only events at or after this date or time.") var since: String?
    @Option(name: .long, help: "FILE.svg, .png, .html or .dot.") var out: String
    @Option(name: .customLong("max-edges"), help: "Keep the strongest edges.") var maxEdges = 40
    @Option(name: .long, help: "A rules file whose indicator feeds mark listed nodes.") var rules: String?

    func run() throws {
        let indicators = try rules.map { try IndicatorSet(feeds: try RulesFile(path: $0).feeds) } ?? IndicatorSet()
        let graph = try Warehouse(root: warehouse).graph(around: around, since: since, maxEdges: maxEdges, indicators: indicators)
        try graph.render(to: out)
        printError("wrote \(out): \(graph.edges.count) edges around \(around)" + (graph.omitted > 0 ? " (\(graph.omitted) weaker ones left out)" : ""))
    }
}
