import ArgumentParser
import SiftPlatform
import SiftArrow
import SiftFormat
import SiftIndex
import SiftTable

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Print the rows of a table that a predicate accepts, pruning partitions, files, row groups and pages.",
        discussion: """
        Planning prunes partitions by their values and files by the statistics in the log before \
        opening any file; each file left is then pruned by row group statistics, bloom filters \
        and page zone maps. --explain reports every stage; with --json, the skip ledger as one \
        JSON object on the last line (fields in spec/predicates.md), with skipped.partition and \
        skipped.file_stats for the files ruled out from the log. Rows come in time order (the \
        table's ts, or first timestamp column) unless --order-by says otherwise; with \
        --order-by none they come as found and --limit stops the scan early.

        Examples:
          sift query conn --where "src_ip = 10.1.2.3 and dst_ip = 203.0.113.7" \\
            --explain
          sift query conn --where "domain ends_with '.evil.example'" \\
            --as-of 2026-11-01T00:00:00Z
          sift query conn --where "ts >= '2026-08-01' and dst_port = 4444" \\
            --columns ts,src_ip --format table
          # an Arrow IPC stream
          sift query conn --where "dst_ip in 203.0.113.0/24" --format arrow > hits
          # rows per source, most first
          sift query conn --where "dst_port = 4444" --count --group-by src_ip
          # the ten largest
          sift query conn --where "src_ip = 10.1.2.3" --order-by "bytes_out desc" \\
            --limit 10
        """
    )
    @Argument(help: "The table folder.") var dir: String
    @Option(name: .long, help: "Only rows for which this predicate is true (spec/predicates.md).") var `where`: String?
    @Option(name: .long, help: "Comma-separated columns to print (default: all).") var columns: String?
    @Option(name: .customLong("as-of"), help: "Read the table as of a version number or an ISO-8601 time.") var asOf: String?
    @Option(name: .long, help: ArgumentHelp(OutputFormat.help)) var format: String = "ndjson"
    @Option(name: .long, help: "Print at most this many rows.") var limit: Int?
    @Option(name: .customLong("order-by"), help: OrderBy.help(default: "the table's time column (ts)")) var orderBy: String?
    @Flag(name: .long, help: "After the rows, report what was read and what each stage skipped.") var explain = false
    @Flag(name: .long, help: OutputFormat.wideHelp) var wide = false
    @Flag(name: .long, help: "With --explain: the report as one JSON object (the last line).") var json = false
    @Flag(name: .long, help: "Print only the number of matching rows (reads no projected column); with --group-by, per value.") var count = false
    @Option(name: .customLong("group-by"), help: "With --count: count matching rows per value of this column, most first.") var groupBy: String?
    @Option(name: .long, help: "Threads scanning files or row groups at once (default: the machine's cores).") var threads: Int?
    @Option(name: .customLong("timing-runs"), help: ArgumentHelp(
        "Then run the query this many more times in this process, each from a fresh table handle (log and footers read again; the OS page cache stays warm), decoding the projected columns but printing nothing; --explain reports each run's wall time (run_ms).",
        valueName: "N")) var timingRuns = 0

    @Flag(name: .customLong("no-table-index"), help: "Plan without the table index (to measure what it saves).")
    var noTableIndex = false

    @Option(name: .long, help: ArgumentHelp(
        "Read only these units of a plan from `sift plan` (a JSON file, or - for standard input): one task of another engine's job (spec/arrow.md §8).",
        valueName: "file"))
    var units: String?

    @Option(name: .customLong("arrow-ips"), help: "With --format arrow: IP columns as 'extension' types (sift.ipv4 on uint32, sift.ipv6 on fixed_size_binary(16)) or as utf8 'text'.")
    var arrowIPs = "extension"

    func run() throws {
        let rowFormat = try OutputFormat(option: format)
        guard timingRuns >= 0 else { throw ValidationError("--timing-runs must be 0 or more") }
        if let threads, threads < 1 { throw ValidationError("--threads must be 1 or more") }
        let predicate = try wherePredicate(`where`)
        if groupBy != nil, !count { throw ValidationError("--group-by needs --count") }
        let ips: IPForm
        switch arrowIPs {
        case "extension": ips = .extension
        case "text": ips = .text
        default: throw ValidationError("--arrow-ips must be extension or text, not '\(arrowIPs)'")
        }
        let planned = try units.map(PlannedUnits.read)
        let wanted = columns.map { $0.split(separator: ",").map(String.init) }
        var order: OrderBy?
        var added: Set<String> = []
        // The projection is decided once the table's schema is known: ordering needs its column.
        let projection = { (schema: Schema) throws -> [String]? in
            if count { return groupBy.map { [$0] } ?? [] }
            order = try OrderBy.parse(orderBy, fallback: OrderBy.timeColumn(of: schema))
            guard let order, var names = wanted else { return wanted }
            if !names.contains(order.column) { names.append(order.column); added = [order.column] }
            return names
        }
        var printer: OrderedPrinter?
        var groups = groupBy.map(GroupCounts.init)
        let ledger = try execute(predicate: predicate, projection: projection, planned: planned) { scan in
            if !count { printer = try OrderedPrinter(format: rowFormat, schema: try scan.outputSchema, order: order, hidden: added, limit: limit, wide: wide, ips: ips) }
            return { batch in
                groups?.add(batch)
                return try printer?.print(batch) ?? true
            }
        }
        try printer?.finish()
        var report = ExplainReport(ledger)
        report.runSeconds = try timedRuns(timingRuns) { _ = try execute(predicate: predicate, projection: projection, planned: planned) { _ in { _ in true } } }
        var out = StandardOutput()
        if let groups { out.write(groups.lines) } else if count { out.write("\(ledger.rowsMatched)\n") }
        if explain { try report.emit(json: json, arrow: printer?.format == .arrow, to: &out) }
        out.flush()
    }

    /// Opens the table, plans and scans; `consumer` makes the batch handler once the scan's
    /// output schema is known.
    private func execute(predicate: RowPredicate?, projection: (Schema) throws -> [String]?, planned: PlannedUnits?,
                         consumer: (TableScan) throws -> (RecordBatch) throws -> Bool) throws -> SkipLedger {
        let table = try Table(root: dir)
        let started = Date()
        let snapshot = try table.snapshot(asOf: try asOf.map(parseTimeTravel))
        let snapshotSeconds = Date().timeIntervalSince(started)
        var scan: TableScan
        do {
            scan = try TableScan(table: table, snapshot: snapshot, predicate: predicate, columns: try projection(snapshot.schema))
            if let threads { scan.workers = threads }
            scan.useTableIndex = !noTableIndex
        } catch let error as BindError {
            throw ValidationError("--where: \(error)")
        }
        if let planned {
            scan.units = try planned.units(for: scan, pinned: asOf != nil)
            _ = try scan.unitFilesChecked()
        }
        var report = try scan.run(try consumer(scan))
        report.snapshotSeconds = snapshotSeconds
        return report
    }
}
