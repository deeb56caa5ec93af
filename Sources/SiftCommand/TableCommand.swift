import ArgumentParser
import SiftPlatform
import SiftFormat
import SiftNDJSON
import SiftIndex
import SiftTable

/// `sift table ...`: create and maintain Sift tables (`spec/table.md`).
struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Create, append to, optimize, vacuum and inspect Sift tables (a folder of files behind a transaction log).",
        discussion: """
        Examples:
          sift table create conn --infer-from conn.ndjson --partition-by 'date(ts)' \\
            --cluster-by hilbert:src_ip,dst_ip
          sift table append conn day1.ndjson day2.ndjson --txn loader:17
          sift table optimize conn --target-file-mb 64
          sift query conn --where "src_ip = 10.1.2.3" --explain
          sift table history conn
          sift table vacuum conn --retain-hours 168
        """,
        subcommands: [TableCreate.self, TableAppend.self, TableOptimize.self, TableVacuum.self, TableHistory.self,
                      TableAddColumn.self, TableDescribe.self, TableUpgrade.self]
    )
}

/// Opens a table. For the crash tests only: `SIFT_TEST_KILL_AT=<point>` (see
/// `CrashTestFileSystem`) makes the process kill itself with SIGKILL at that point of its
/// commit, as a crash would.
func openTable(_ dir: String) throws -> Table {
    guard let name = ProcessInfo.processInfo.environment["SIFT_TEST_KILL_AT"], let point = CrashTestFileSystem.Point(rawValue: name) else {
        return try Table(root: dir)
    }
    return try Table(root: dir, store: FileLogStore(root: dir, fileSystem: CrashTestFileSystem(point: point)))
}

struct TableCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an empty table with a schema, partitioning and clustering.",
        discussion: """
        The schema comes from a schema file (spec/format.md §3.5; `sift write --emit-schema` \
        writes one) or is inferred from a sample (NDJSON, gzip or zstd, a Zeek TSV log or a JSON \
        array; the sample is not appended).

        Examples:
          sift table create conn --infer-from conn.ndjson --partition-by 'date(ts)' \\
            --cluster-by hilbert:src_ip,dst_ip
          sift table create dns --schema dns.schema.json --partition-by 'date(ts)' \\
            --bloom query,answer
        """
    )
    @Argument(help: "The table folder (created).") var dir: String
    @Option(name: .long, help: "A schema file.") var schema: String?
    @Option(name: .customLong("infer-from"), help: "Infer the schema from this NDJSON sample instead.") var inferFrom: String?
    @Option(name: .customLong("partition-by"), help: "Comma-separated partition expressions: columns or date(TIMESTAMP_COLUMN).") var partitionBy: String?
    @Option(name: .customLong("cluster-by"), help: "Columns optimize clusters by: [hilbert:|zorder:]COL,COL (Hilbert by default).") var clusterBy: String?
    @Option(name: .long, help: "Columns that get bloom filters in the table's files (comma-separated), or none; default: IP, domain and port columns.") var bloom: String?

    func run() throws {
        let tableSchema: Schema
        switch (schema, inferFrom) {
        case (let path?, nil): tableSchema = try SchemaFile.parse(try readInput(path), file: path)
        case (nil, let sample?):
            // The library's inference (gzip, zstd, Zeek TSV and JSON arrays included).
            let inference = try SchemaInference.observe(ndjsonFile: sample)
            guard inference.lines > 0 else { throw CommandFailure("\(sample): no records to infer a schema from") }
            tableSchema = try inference.schema()
            for demotion in inference.demotions {
                printError("warning: \(sample): \(demotion); write a schema file (--schema) to keep it typed")
            }
        default: throw ValidationError("give exactly one of --schema FILE and --infer-from SAMPLE.ndjson")
        }
        let partitions = partitionBy.map { $0.split(separator: ",").map { String($0).trimmingWhitespace() } } ?? []
        let properties = bloom.map { [MetadataAction.bloomColumnsProperty: $0] } ?? [:]
        let table = try Table.create(at: dir, schema: tableSchema, partitionBy: partitions, clusterBy: try clusterBy.map(ClusteringSpec.init(parsing:)), properties: properties)
        printError("created table \(table.root) with \(tableSchema.fields.count) columns" + (partitions.isEmpty ? "" : ", partitioned by \(partitions.joined(separator: ","))"))
    }
}

struct TableAppend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append NDJSON files to a table in one atomic commit.",
        discussion: """
        Rows are split by partition into new files; the commit adds them all or none. With \
        --txn APP:VERSION the append is idempotent: if APP already committed VERSION (or a later \
        one), nothing is written. Lines that do not fit the schema fail the append, or with \
        --rejects go to that file (NDJSON with file, line, byte, field, reason and the text). \
        Files may be gzip or zstd compressed, Zeek TSV logs or JSON arrays.

        Examples:
          sift table append conn day1.ndjson day2.ndjson.gz
          sift table append conn conn.log --txn loader:17 --rejects rejects.ndjson
        """
    )
    @Argument(help: "The table folder.") var dir: String
    @Argument(help: "NDJSON files ('-' for standard input).") var files: [String]
    @Option(name: .long, help: "Idempotent writer id and version, APP:VERSION.") var txn: String?
    @Option(name: .long, help: "Write rejected lines here instead of failing.") var rejects: String?
    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        let table = try openTable(dir)
        let transaction = try txn.map { try WriterTransaction(parsing: $0) }
        let progress = ProgressMeter("append \(dir)", quiet: progressOptions.quiet)
        var rejectedTotal = 0
        if let rejects { FileManager.default.createFile(atPath: rejects, contents: nil) }
        let result = try table.append(txn: transaction) { sink in
            let schema = try table.snapshot().schema
            for (i, file) in files.enumerated() {
                if files.count > 1 { progress.note("file \(i + 1)/\(files.count): \(file)") }
                var rejected: [LineError] = []
                let body = { (bytes: UnsafeBufferPointer<UInt8>) throws in
                    do {
                        var importer = NDJSONImport(schema: schema)
                        importer.progress = { step in progress.add(bytes: step.bytes, rows: step.rows) }
                        _ = try importer.batches(bytes, schema: schema, reject: rejects == nil ? nil : { rejected.append($0) }, sink)
                    } catch let error as LineError {
                        throw CommandFailure("\(file): \(error)")
                    }
                    if let rejects, !rejected.isEmpty { try writeRejects(rejected, input: bytes, source: file, to: rejects, appending: true) }
                }
                try InputFile(path: file, convertingLogs: true).withBytes(body)
                rejectedTotal += rejected.count
            }
            progress.done()
            return rejectedTotal
        }
        if result.alreadyApplied {
            printError("transaction \(txn ?? "") was already committed; nothing appended")
            return
        }
        var text = "appended \(result.rows) rows in \(result.files) files (\(formatBytes(UInt64(result.bytes))))"
        if let v = result.version { text += " as version \(v)" }
        if let rejects { text += "; \(result.rejected) lines rejected to \(rejects)" }
        printError(text)
    }
}

struct TableOptimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Compact small files and cluster rows along a curve, partition by partition.",
        discussion: """
        Incremental by default: only files that are small or not clustered as asked are rewritten. \
        Clustering defaults to the table's --cluster-by. Then the smallest table index segments are \
        merged so that at most 8 remain (their files' indexed columns are read again).

        Examples:
          sift table optimize conn
          sift table optimize conn --hilbert src_ip,dst_ip --target-file-mb 64 --full
        """
    )
    @Argument(help: "The table folder.") var dir: String
    @Option(name: .long, help: "Z-order (Morton) by these columns.") var zorder: String?
    @Option(name: .long, help: "Hilbert-order by these columns.") var hilbert: String?
    @Option(name: .customLong("target-file-mb"), help: "Target size of the files written.") var targetFileMB: Double = 256
    @Flag(name: .long, help: "Rewrite every file, not just small or unclustered ones.") var full = false
    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        let table = try openTable(dir)
        var spec: ClusteringSpec?
        switch (zorder, hilbert) {
        case (let z?, nil): spec = try ClusteringSpec(parsing: "zorder:" + z)
        case (nil, let h?): spec = try ClusteringSpec(parsing: "hilbert:" + h)
        case (nil, nil): spec = nil
        default: throw ValidationError("give at most one of --zorder and --hilbert")
        }
        let progress = ProgressMeter("optimize \(dir)", quiet: progressOptions.quiet)
        let result = try table.optimize(clustering: spec, targetFileBytes: Int64(targetFileMB * 1_048_576), full: full) { done, total in
            progress.note("partition \(done)/\(total)")
        }
        progress.done()
        if let version = result.version {
            printError("optimized \(result.partitionsRewritten) partitions: \(result.filesRemoved) files (\(formatBytes(UInt64(result.bytesRemoved)))) -> \(result.filesAdded) files (\(formatBytes(UInt64(result.bytesAdded)))) as version \(version)")
        } else {
            printError("nothing to optimize")
        }
        // Then the table index: at most 8 segments, so a needle reads at most 8 blocks.
        if let version = try table.compactIndex() {
            printError("merged the smallest table index segments as version \(version)")
        }
    }
}

struct TableVacuum: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Delete files no longer in the table (and crashed writers' leftovers) older than the retention period.",
        discussion: """
        Examples:
          sift table vacuum conn --dry-run
          sift table vacuum conn --retain-hours 168
        """
    )
    @Argument(help: "The table folder.") var dir: String
    @Option(name: .customLong("retain-hours"), help: "Keep anything newer than this; time travel works within it.") var retainHours: Double = 168
    @Flag(name: .customLong("dry-run"), help: "List what would be deleted.") var dryRun = false

    func run() throws {
        let result = try Table(root: dir).vacuum(retainHours: retainHours, dryRun: dryRun)
        var out = StandardOutput()
        for path in result.deleted { out.write((dryRun ? "would delete " : "deleted ") + path + "\n") }
        out.flush()
        for link in result.skippedLinks { printError("left alone (symbolic link): \(link)") }
        printError("\(dryRun ? "would delete" : "deleted") \(result.deleted.count) files (\(formatBytes(UInt64(result.bytes))))")
    }
}

struct TableHistory: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List the table's commits.", discussion: """
        Examples:
          sift table history conn
        """)
    @Argument(help: "The table folder.") var dir: String
    @Flag(name: .long, help: "One JSON object per commit.") var json = false

    func run() throws {
        var out = StandardOutput()
        for (version, info) in try Table(root: dir).history() {
            guard let info else { out.write("\(version)  (no commit info)\n"); continue }
            if json {
                let metrics = info.metrics.keys.sorted().map { "\"\($0)\":\(info.metrics[$0]!)" }.joined(separator: ",")
                let parameters = info.parameters.keys.sorted().map { key -> String in
                    var bytes: [UInt8] = []
                    TextForms.appendJSONString(Array(key.utf8), to: &bytes)
                    bytes += Array(":".utf8)
                    TextForms.appendJSONString(Array(info.parameters[key]!.utf8), to: &bytes)
                    return String(decoding: bytes, as: UTF8.self)
                }.joined(separator: ",")
                out.write("{\"version\":\(version),\"timestamp\":\"\(TextForms.formatTimestamp(info.timestamp * 1000))\",\"operation\":\"\(info.operation)\",\"parameters\":{\(parameters)},\"metrics\":{\(metrics)}}\n")
            } else {
                let metrics = info.metrics.keys.sorted().map { "\($0)=\(info.metrics[$0]!)" }.joined(separator: " ")
                let parameters = info.parameters.keys.sorted().map { "\($0)=\(info.parameters[$0]!)" }.joined(separator: " ")
                out.write("\(version)  \(TextForms.formatTimestamp(info.timestamp * 1000))  \(info.operation)  \(parameters)  \(metrics)\n")
            }
        }
        out.flush()
    }
}

struct TableAddColumn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-column",
        abstract: "Add a nullable column; files written before it read it as null.",
        discussion: """
        Examples:
          sift table add-column conn ja3 string
        """
    )
    @Argument(help: "The table folder.") var dir: String
    @Argument(help: "Column name.") var name: String
    @Argument(help: "Column type: bool, int32, int64, uint16, uint32, float64, timestamp, string, binary, ipv4, ipv6.") var type: String
    @Option(name: .long, help: "Hint: domain or json.") var hint: String?

    func run() throws {
        guard let columnType = ColumnType(name: type) else { throw ValidationError("unknown type '\(type)'") }
        var columnHint = ColumnHint.none
        if let hint { guard let h = ColumnHint(name: hint) else { throw ValidationError("unknown hint '\(hint)'") }; columnHint = h }
        let version = try Table(root: dir).addColumn(Field(name, columnType, nullable: true, hint: columnHint))
        printError("added column \(name) (\(type)) as version \(version)")
    }
}

struct TableUpgrade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Raise the table's protocol to this version's (its checkpoints then keep index slots in columns).",
        discussion: """
        Older readers refuse the table from the upgrade's version on.

        Examples:
          sift table upgrade conn
        """
    )
    @Argument(help: "The table folder.") var dir: String

    func run() throws {
        let current = ProtocolAction.current
        if let version = try Table(root: dir).upgradeProtocol() {
            printError("upgraded to reader version \(current.readerVersion), writer version \(current.writerVersion) as version \(version)")
        } else {
            printError("already at reader version \(current.readerVersion) or later")
        }
    }
}

struct TableDescribe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a snapshot: version, schema, partitions, files.", discussion: """
        Examples:
          sift table describe conn
          sift table describe conn --as-of 3
        """)
    @Argument(help: "The table folder.") var dir: String
    @Option(name: .customLong("as-of"), help: "A version number or an ISO-8601 time.") var asOf: String?

    func run() throws {
        let table = try Table(root: dir)
        let snapshot = try table.snapshot(asOf: try asOf.map(parseTimeTravel))
        var out = StandardOutput()
        out.write("version \(snapshot.version) at \(TextForms.formatTimestamp(snapshot.timestamp * 1000))\n")
        out.write("files: \(snapshot.fileCount), rows: \(snapshot.rowCount), bytes: \(snapshot.byteCount) (\(formatBytes(UInt64(snapshot.byteCount))))\n")
        let p = snapshot.protocolVersion
        let upgrade = p.readerVersion < ProtocolAction.current.readerVersion ? " (sift table upgrade raises it to \(ProtocolAction.current.readerVersion))" : ""
        let pairs = snapshot.indexPairs.isEmpty ? "" : " (with pairs of " + snapshot.indexPairs.map { $0.joined(separator: ", ") }.joined(separator: "; ") + ")"
        out.write("protocol: reader version \(p.readerVersion), writer version \(p.writerVersion)\(upgrade); table index: \(snapshot.indexSegmentCount) segments\(pairs)\n")
        out.write("partition by: \(snapshot.metadata.partitionBy.isEmpty ? "(none)" : snapshot.metadata.partitionBy.joined(separator: ", "))\n")
        if let c = snapshot.metadata.clusterBy { out.write("cluster by: \(c.description)\n") }
        out.write("schema:\n" + SchemaFile.render(snapshot.schema))
        let partitions = Dictionary(grouping: snapshot.sortedFiles) { file in snapshot.partitioning.folder(snapshot.partitioning.columns.map { c in file.partitionValues[c.name] ?? nil }) }
        if !snapshot.partitioning.isEmpty {
            out.write("partitions:\n")
            for key in partitions.keys.sorted() {
                let files = partitions[key]!
                out.write("  \(key)  \(files.count) files, \(files.reduce(0) { $0 + $1.rows }) rows, \(formatBytes(UInt64(files.reduce(0) { $0 + $1.size })))\n")
            }
        }
        out.flush()
    }
}

/// `--as-of`: a version number, or an ISO-8601 date or time.
func parseTimeTravel(_ text: String) throws -> TimeTravel {
    do { return try TimeTravel(parsing: text) } catch { throw ValidationError("--as-of takes a version number or an ISO-8601 time, not '\(text)'") }
}
