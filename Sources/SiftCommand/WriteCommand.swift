import ArgumentParser
import SiftPlatform
import SiftFormat
import SiftNDJSON
import SiftIndex

struct Write: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write NDJSON records to a Sift file.",
        discussion: """
        Each input line must hold one JSON object. Without --schema the schema is inferred from the \
        whole input: IP address strings become ipv4 (or ipv6, which also holds IPv4), ISO-8601 strings \
        become timestamps, integers int64, other numbers float64, objects and arrays JSON text. \
        Keys missing from a line are null.

        A line that is not valid JSON or does not fit the schema stops the command with its line \
        number and field, and no file is written. With --rejects FILE such lines are written to FILE \
        instead (one JSON object per line: line, field, reason, text) and the rest is kept; if every \
        line is rejected (or more than --max-reject-ratio of them), no file is written and the \
        command fails with the counts.

        Existing files are not replaced without --force, and an output that is the input file \
        (under any name) is refused. Interrupted (SIGINT, SIGTERM), the command removes the \
        temporary file it was writing.

        Example:
          sift write --input conn.ndjson --output conn.sift --compression zstd \\
            --rejects bad.ndjson
        """
    )

    @Option(name: .long, help: "NDJSON input file, or - for standard input.")
    var input: String

    @Option(name: .long, help: "The Sift file to create.")
    var output: String

    @Option(name: .long, help: "A schema file (see spec/format.md §3.5); inferred from the input when absent.")
    var schema: String?

    @Option(name: .long, help: "Write the schema used (given or inferred) to this file.")
    var emitSchema: String?

    @Option(name: .long, help: "Page compression: zstd, lz4 or none.")
    var compression: String = "zstd"

    @Option(name: .long, help: "zstd level, 1 (fast) to 19 (small).")
    var zstdLevel: Int32 = 3

    @Option(name: .long, help: "Rows per row group.")
    var rowGroupRows: Int = WriterOptions().rowGroupRows

    @Option(name: .long, help: "Rows per page (the zone-map granularity); a multiple of 1024 is best.")
    var pageRows: Int = WriterOptions().pageRows

    @Option(name: .long, help: "Comma-separated columns that get bloom filters (default: every ipv4/ipv6 column and string columns with hint domain; 'none' for none).")
    var bloom: String?

    @Option(name: .long, help: "The false-positive rate bloom filters are sized for.")
    var bloomFpp: Double = 0.01

    @Option(name: .customLong("bloom-trigrams"), help: "Comma-separated string columns whose bloom filters also hold trigrams, so contains, icontains and ieq prune (default: string columns with hint domain; 'none' for none).")
    var bloomTrigrams: String?

    @Option(name: .long, help: "Order rows along a space-filling curve over up to 4 columns: zorder:COL,COL or hilbert:COL,COL (rank-bucketed), so row groups and pages hold narrow ranges of each.")
    var cluster: String?

    @Option(name: .long, help: "Force an encoding for a column, as COLUMN=ENCODING (plain, dictionary, for, delta, rle); repeatable.")
    var encoding: [String] = []

    @Option(name: .long, help: "Write rejected lines here (NDJSON) instead of failing on the first.")
    var rejects: String?

    @Option(name: .customLong("max-reject-ratio"), help: "With --rejects: fail (exit 1, no output file) when more than this share of the lines, 0 to 1, is rejected. Default: fail only when every line is.")
    var maxRejectRatio: Double?

    @Flag(name: .long, help: "Fail (no output file) when a few malformed values demote a typed column (an IP or timestamp column) to string.")
    var strict = false

    @Flag(name: .customLong("keep-types"), help: "Keep such columns typed: their malformed values' lines go to --rejects (or fail the write).")
    var keepTypes = false

    @Flag(name: .long, help: "Replace existing output, rejects and schema files (never the input itself).")
    var force = false

    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        try checkOutputs()
        var reorder: ((RecordBatch) throws -> [Int])?
        guard let codec = Codec(name: compression) else {
            throw ValidationError("--compression must be zstd, lz4 or none, not '\(compression)'")
        }
        var options = WriterOptions()
        options.compression = Compression(codec, level: zstdLevel)
        options.rowGroupRows = rowGroupRows
        options.pageRows = pageRows
        options.bloomFilterFPP = bloomFpp
        if let bloomTrigrams { options.trigramColumns = bloomTrigrams == "none" ? [] : Set(bloomTrigrams.split(separator: ",").map(String.init)) }
        if let bloom { options.bloomFilterColumns = bloom == "none" ? [] : Set(bloom.split(separator: ",").map(String.init)) }
        for spec in encoding {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let e = Encoding(name: parts[1]) else {
                throw ValidationError("--encoding takes COLUMN=ENCODING with ENCODING one of plain, dictionary, for, delta, rle; got '\(spec)'")
            }
            options.columnEncoding[parts[0]] = e
        }
        let inputName = input == "-" ? "<stdin>" : input
        if let cluster {
            let clustering: Clustering
            do { clustering = try Clustering(parsing: cluster) } catch { throw ValidationError(error.message) }
            options.keyValues.append(("sift.clustering", clustering.footerDescription))
            reorder = { batch in try clustering.order(batch) }
        }
        var importer = NDJSONImport(options: options)
        importer.reorder = reorder
        importer.keepTypes = keepTypes
        if let schemaPath = schema {
            importer.schema = try SchemaFile.parse(try readInput(schemaPath), file: schemaPath)
        }
        // Files are mapped, not copied (gzip and zstd files are decompressed in memory);
        // standard input is read whole.
        let inputFile = try InputFile(path: input, convertingLogs: true)
        var rejected: [LineError] = []
        let summary = try { () throws -> NDJSONImport.Summary in
            let body = { (bytes: UnsafeBufferPointer<UInt8>) throws -> NDJSONImport.Summary in
                let meter = ProgressMeter("write \(output)", totalBytes: bytes.count, quiet: progressOptions.quiet)
                importer.progress = { step in meter.add(bytes: step.bytes, rows: step.rows, pass: step.pass == .inferring ? "inferring types" : "writing") }
                defer { meter.done() }
                do {
                    return try importer.run(bytes, output: output, reject: rejects == nil ? nil : { rejected.append($0) })
                } catch let error as LineError {
                    throw CommandFailure("\(inputName): \(error)")
                }
            }
            return try inputFile.withBytes(body)
        }()
        if let emitSchema {
            try SchemaFile.render(summary.schema).write(toFile: emitSchema, atomically: true, encoding: .utf8)
        }
        let inputSize = UInt64(inputFile.withBytes { $0.count })
        if let rejects {
            let write = { (bytes: UnsafeBufferPointer<UInt8>) throws in try writeRejects(rejected, input: bytes, to: rejects) }
            try inputFile.withBytes(write)
        }
        // A column a few bad values demoted: say so (the IP blooms and CIDR queries are gone).
        for demotion in summary.demotions {
            if keepTypes {
                printError("note: \(inputName): field \"\(demotion.field)\" kept as \(demotion.intended.name): \(demotion.bad) of \(demotion.total) values "
                           + "were not (the first on line \(demotion.firstLine)); their lines were rejected")
            } else {
                printError((strict ? "error: " : "warning: ") + "\(inputName): \(demotion)"
                           + (strict ? "" : "; --keep-types keeps it \(demotion.intended.name) (those lines rejected), --strict fails"))
            }
        }
        if strict, !summary.demotions.isEmpty {
            try? FileManager.default.removeItem(atPath: output)
            throw CommandFailure("\(inputName): \(summary.demotions.count) column(s) demoted by malformed values; no file written (--strict)")
        }
        if rejects != nil, summary.rejected > 0 {
            let share = Double(summary.rejected) / Double(max(summary.lines, 1))
            if summary.rowsWritten == 0 || share > (maxRejectRatio ?? 1) {
                // Nothing (or too little) was kept: no output file, and a failing exit.
                try? FileManager.default.removeItem(atPath: output)
                throw CommandFailure("\(inputName): \(summary.rejected) of \(summary.lines) lines rejected"
                    + (summary.rowsWritten == 0 ? " (every line)" : printfText(" (%.1f%%, over --max-reject-ratio %g)", share * 100, maxRejectRatio ?? 1))
                    + "; no file written; the reasons are in \(rejects!)")
            }
        }
        let size = (try? LocalFileSystem().status(output))??.size ?? 0
        var summaryText = "wrote \(summary.rowsWritten) rows to \(output) (\(formatBytes(size)), from \(formatBytes(inputSize)) of NDJSON)"
        if let rejects { summaryText += "; \(summary.rejected) lines rejected to \(rejects)" }
        printError(summaryText)
    }

    /// Refuses an output that is the input (the same file, however named) and, without --force,
    /// one that exists: a typo must not destroy a log.
    func checkOutputs() throws {
        if let ratio = maxRejectRatio, !(0...1).contains(ratio) { throw ValidationError("--max-reject-ratio must be between 0 and 1") }
        if maxRejectRatio != nil, rejects == nil { throw ValidationError("--max-reject-ratio needs --rejects") }
        var inputInfo = stat()
        let inputKnown = input != "-" && stat(input, &inputInfo) == 0
        for (flag, path) in [("--output", output), ("--rejects", rejects), ("--emit-schema", emitSchema)] {
            guard let path else { continue }
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if inputKnown, info.st_dev == inputInfo.st_dev, info.st_ino == inputInfo.st_ino {
                throw ValidationError("\(flag) \(path) is the input file; writing it would destroy the input")
            }
            if !force {
                throw ValidationError("\(flag) \(path) exists; pass --force to replace it")
            }
        }
    }
}
