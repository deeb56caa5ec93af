import ArgumentParser
import Dispatch
import SiftFormat
import SiftIndex
import SiftScan

struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print the rows of a Sift file as NDJSON, CSV or a table.",
        discussion: """
        NDJSON output round-trips through `sift write`: IPs as text, timestamps as ISO-8601 UTC \
        with microseconds, binary as base64, JSON columns as JSON. Nulls are left out of NDJSON.

        --where filters rows with a predicate (grammar in spec/predicates.md), reading only the \
        row groups and pages that statistics, zone maps and bloom filters cannot rule out. \
        --explain then prints, after the rows, what was read and what each index skipped; \
        with --json that is one JSON object on the last line.

        Examples:
          sift cat conn.sift --columns ts,src_ip,dst_ip --limit 10 --format table
          sift cat conn.sift --where "dst_port = 22" --order-by "bytes_out desc" \\
            --limit 5
          sift cat conn.sift --where "dst_ip = 203.0.113.7" --explain
          sift cat conn.sift --explain --json \\
            --where "domain ends_with '.evil.example' and ts >= '2026-08-01'"
          # an Arrow IPC stream: pyarrow.ipc.open_stream(sys.stdin.buffer) reads it
          sift cat conn.sift --where "dst_port = 22" --format arrow | python3 hunt.py
        """
    )

    @Argument(help: "The Sift file.")
    var file: String

    @Option(name: .long, help: "Comma-separated columns to print (default: all).")
    var columns: String?

    @Option(name: .long, help: "Print at most this many rows.")
    var limit: Int?

    @Option(name: .customLong("order-by"), help: OrderBy.help(default: "none (file order)"))
    var orderBy: String?

    @Option(name: .long, help: ArgumentHelp(OutputFormat.help))
    var format: String = "ndjson"

    @Option(name: .long, help: "Only rows for which this predicate is true, e.g. \"src_ip = 10.1.2.3 and dst_port in (22, 3389)\".")
    var `where`: String?

    @Flag(name: .long, help: "After the rows, report what was read and what each index skipped.")
    var explain = false

    @Flag(name: .long, help: OutputFormat.wideHelp)
    var wide = false

    @Flag(name: .long, help: "With --explain: the report as one JSON object (the last line).")
    var json = false

    @Flag(name: .long, help: "Print only the number of matching rows (reads no projected column); with --group-by, per value.")
    var count = false

    @Option(name: .customLong("group-by"), help: "With --count: count matching rows per value of this column, most first.")
    var groupBy: String?

    @Option(name: .long, help: "Threads reading row groups at once (default: the machine's cores).")
    var threads: Int?

    @Option(name: .customLong("timing-runs"), help: ArgumentHelp(
        "Then run the query this many more times in this process, each from a freshly opened file (footer read again; the OS page cache stays warm), without printing; --explain reports each run's wall time (run_ms).",
        valueName: "N"))
    var timingRuns = 0

    func run() throws {
        let format = try OutputFormat(option: format)
        let reader = try SiftReader(path: file)
        guard timingRuns >= 0 else { throw ValidationError("--timing-runs must be 0 or more") }
        if let threads, threads < 1 { throw ValidationError("--threads must be 1 or more") }
        // The library parses, types and projects; the command only words the errors for flags.
        let names = columns.map { $0.split(separator: ",").map(String.init) }
        let base: Scanner
        do {
            base = try Scanner(reader: reader, where: `where`, columns: names)
        } catch let error as PredicateSyntaxError {
            throw ValidationError("--where \(error)")
        } catch let error as BindError {
            throw ValidationError("--where: \(error)")
        } catch let error as FormatError where error.code == .invalidArgument {
            throw ValidationError("--columns: \(error.message)")
        }
        if groupBy != nil, !count { throw ValidationError("--group-by needs --count") }
        var groups = groupBy.map(GroupCounts.init)
        var grouped: [Int] = []
        if let groupBy {
            guard let c = reader.schema.index(of: groupBy) else { throw ValidationError("--group-by: no column '\(groupBy)' in \(file)") }
            grouped = [c]
        }
        let order = count ? nil : try OrderBy.parse(orderBy, fallback: nil)
        var sortColumns = base.columns
        var added: Set<String> = []
        if let order {
            guard let c = reader.schema.index(of: order.column) else { throw ValidationError("--order-by: no column '\(order.column)' in \(file)") }
            if !sortColumns.contains(c) { sortColumns.append(c); added = [order.column] }
        }
        let (predicate, projection) = (base.predicate, count ? grouped : sortColumns)
        func scanner(_ reader: SiftReader) -> Scanner {
            var s = Scanner(reader: reader, predicate: predicate, columns: projection)
            if let threads { s.workers = threads }
            return s
        }
        var printer = count ? nil : try OrderedPrinter(format: format, schema: try Schema(sortColumns.map { reader.schema.fields[$0] }), order: order,
                                                       hidden: added, limit: limit, wide: wide)
        let ledger = try scanner(reader).scan { batch in
            groups?.add(batch)
            return try printer?.print(batch) ?? true
        }
        try printer?.finish()
        var report = ExplainReport(ledger)
        report.runSeconds = try timedRuns(timingRuns) { _ = try scanner(try SiftReader(path: file)).scan { _ in true } }
        var out = StandardOutput()
        if let groups { out.write(groups.lines) } else if count { out.write("\(ledger.rowsMatched)\n") }
        if explain { try report.emit(json: json, arrow: printer?.format == .arrow, to: &out) }
        out.flush()
    }
}

