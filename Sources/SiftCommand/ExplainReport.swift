import SiftPlatform
import Dispatch
import SiftFormat
import SiftIndex

/// What `--explain` prints: a skip ledger, with the command's own timings (`--timing-runs`),
/// as text or as one JSON object (the ledger's fields plus `run_ms`).
struct ExplainReport: Encodable {
    var ledger: SkipLedger
    /// Wall time of each timed repetition of the query.
    var runSeconds: [Double] = []
    /// Lines printed before the totals (one per table of a hunt, say).
    var preamble: [String] = []

    init(_ ledger: SkipLedger) { self.ledger = ledger }

    enum CodingKeys: String, CodingKey { case runMs = "run_ms" }

    func encode(to encoder: Encoder) throws {
        try ledger.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !runSeconds.isEmpty { try c.encode(runSeconds.map { ($0 * 1_000_000).rounded() / 1000 }, forKey: .runMs) }
    }

    /// The report as one line of JSON (with a newline), or as text.
    func rendered(json: Bool) throws -> String {
        guard json else { return text }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Prints the report: to standard output, or to standard error when an Arrow stream owns
    /// standard output.
    func emit(json: Bool, arrow: Bool, to out: inout StandardOutput) throws {
        let text = try rendered(json: json)
        if arrow { printError(String(text.dropLast())) } else { out.write(text) }
    }

    /// The human-readable form: per row group lines (a single file's scan), then the totals.
    var text: String {
        let l = ledger
        func bytes(_ k: IndexKind) -> UInt64 { l.bytesSkipped(by: k) }
        func count(_ k: IndexKind) -> Tally { l.skipped[k] ?? Tally() }
        var out = preamble.map { $0 + "\n" }.joined()
        for d in l.rowGroupDecisions {
            if let kind = d.skippedBy {
                out += "row group \(d.rowGroup): skipped by \(kind.rawValue) (\(d.neededBytes) bytes of needed columns)\n"
            } else {
                out += "row group \(d.rowGroup): read \(d.pagesRead) of \(d.pagesTotal) pages (\(d.bytesRead) bytes), candidate rows "
                    + d.candidateRows.map { "\($0[0])..<\($0[1])" }.joined(separator: ", ") + ", \(d.rowsMatched) matched\n"
            }
        }
        let fileKinds = IndexKind.rules(at: .file)
        if l.filesTotal > 1 || fileKinds.contains(where: { count($0).files > 0 }) {
            out += "files: \(l.filesTotal) in scope, "
                + fileKinds.map { "\(count($0).files) skipped by \($0.rawValue) (\(bytes($0)) bytes)" }.joined(separator: ", ")
                + ", \(l.filesRead) opened\n"
        }
        out += "rows matched: \(l.rowsMatched)\n"
        out += "row groups read: \(l.rowGroupsRead) of \(l.rowGroupsTotal) in opened files; pages read: \(l.pagesRead) of \(l.pagesTotal)\n"
        out += "bytes read: \(l.bytesRead) of \(l.bytesTotal) (\(printfText("%.3f", l.percentRead))%)\n"
        if l.bytesRead > 0 {
            out += "bytes read by part: " + SkipLedger.ReadPart.allCases.map { "\($0.rawValue) \(l.readBy[$0] ?? 0)" }.joined(separator: ", ") + "\n"
        }
        let inFiles = IndexKind.allCases.filter { $0.level != .file }
        out += "skipped by, in opened files: " + inFiles.map { "\($0.rawValue) \(bytes($0)) bytes" }.joined(separator: ", ") + "\n"
        out += "row groups skipped by " + IndexKind.rules(at: .rowGroup).map { "\($0.rawValue): \(count($0).rowGroups)" }.joined(separator: ", ")
            + "; pages skipped by zone maps: \(count(.zoneMap).pages), by page bloom filters: \(count(.pageBloom).pages)\n"
        if l.unread.files > 0 || l.unread.rowGroups > 0 {
            let what = l.unread.files > 0 ? "\(l.unread.files) planned files" : "\(l.unread.rowGroups) planned row groups"
            out += "stopped early (--limit reached): \(what) (\(l.unread.bytes) bytes) were not read\n"
        }
        if !runSeconds.isEmpty {
            let sorted = runSeconds.sorted()
            out += "timed runs: \(runSeconds.count), median \(printfText("%.2f", sorted[sorted.count / 2] * 1000)) ms\n"
        }
        out += "not materialised (pages in play with no matching row): \(l.notMaterialized) bytes; "
            + (l.snapshotSeconds > 0 ? "snapshot: \(printfText("%.1f", l.snapshotSeconds * 1000)) ms, " : "")
            + "planning: \(printfText("%.1f", l.planningSeconds * 1000)) ms\n"
        return out
    }

    typealias Tally = SkipLedger.Tally
}

/// Runs `query` `count` more times, returning each run's wall time (`--timing-runs`).
func timedRuns(_ count: Int, _ query: () throws -> Void) rethrows -> [Double] {
    try (0..<count).map { _ in
        let started = DispatchTime.now().uptimeNanoseconds
        try query()
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }
}
