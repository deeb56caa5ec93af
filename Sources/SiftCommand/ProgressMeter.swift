import ArgumentParser
import SiftPlatform
import SiftFormat
import Synchronization

/// `--quiet`, shared by the commands that report progress.
struct ProgressOptions: ParsableArguments {
    @Flag(name: .long, help: "No progress lines on standard error (results and errors still print).")
    var quiet = false
}

/// Progress of long work on standard error: rows, bytes, rate and time left, redrawn in place
/// on a terminal (at most ten times a second); when standard error is not a terminal (cron, CI
/// logs), one plain line every few seconds (`SIFT_PROGRESS_SECONDS`, default 5), so a log
/// shows the work is alive without filling up. Nothing with `--quiet`. Thread-safe: import
/// workers report chunks as they finish.
final class ProgressMeter: Sendable {
    private struct State {
        var pass = ""
        var total: Int?
        var bytes = 0
        var rows = 0
        var note = ""
        var passStarted = Date()
        /// When the last count arrived: the next pass's work began then, not at its first count.
        var lastCount = Date()
        var lastDrawn = Date.distantPast
        var drewOnTerminal = false
    }
    private let label: String
    private let totalBytes: Int?
    private let enabled: Bool
    private let terminal: Bool
    private let interval: Double
    private let state = Mutex(State())

    /// A meter for work on `totalBytes` bytes of input (nil: unknown, no percentage or ETA).
    init(_ label: String, totalBytes: Int? = nil, quiet: Bool) {
        self.label = label
        self.totalBytes = totalBytes
        enabled = !quiet
        terminal = isatty(2) == 1
        interval = terminal ? 0.1 : ProcessInfo.processInfo.environment["SIFT_PROGRESS_SECONDS"].flatMap(Double.init) ?? 5
    }

    /// Counts `bytes` and `rows` done in `pass` (a new pass starts its counts and clock afresh;
    /// `total` is its bytes in all when the meter's own total does not apply).
    func add(bytes: Int, rows: Int, pass: String = "", total: Int? = nil) {
        guard enabled else { return }
        let line: String? = state.withLock { s in
            if s.pass != pass { s = State(pass: pass, total: total, passStarted: s.lastCount, lastDrawn: s.lastDrawn, drewOnTerminal: s.drewOnTerminal) }
            s.lastCount = Date()
            s.bytes += bytes
            s.rows += rows
            return due(&s) ? text(s) : nil
        }
        if let line { emit(line) }
    }

    /// Shows a status (what is being worked on) with the counts so far.
    func note(_ text: String) {
        guard enabled else { return }
        let line: String? = state.withLock { s in
            s.note = text
            return due(&s, force: terminal) ? self.text(s) : nil
        }
        if let line { emit(line) }
    }

    /// Clears the line on a terminal; the command then prints its summary.
    func done() {
        guard enabled, terminal else { return }
        let drew = state.withLock { $0.drewOnTerminal }
        if drew { StandardStreams.writeError("\r\u{1B}[K") }
    }

    private func due(_ s: inout State, force: Bool = false) -> Bool {
        let now = Date()
        guard force || now.timeIntervalSince(s.lastDrawn) >= interval else { return false }
        s.lastDrawn = now
        if terminal { s.drewOnTerminal = true }
        return true
    }

    private func text(_ s: State) -> String {
        var parts: [String] = []
        if !s.note.isEmpty { parts.append(s.note) }
        if !s.pass.isEmpty { parts.append(s.pass) }
        if s.rows > 0 { parts.append("\(s.rows) rows") }
        let elapsed = max(Date().timeIntervalSince(s.passStarted), 0.001)
        if s.bytes > 0 {
            var bytes = formatBytes(UInt64(s.bytes))
            if let total = s.total ?? totalBytes, total > 0 {
                bytes += " of \(formatBytes(UInt64(total))) (\(min(100, s.bytes * 100 / total))%)"
            }
            parts.append(bytes)
            let rate = Double(s.bytes) / elapsed
            parts.append("\(formatBytes(UInt64(rate)))/s")
            if let total = s.total ?? totalBytes, total > s.bytes, rate > 0 {
                parts.append("ETA \(Self.duration(Double(total - s.bytes) / rate))")
            }
        } else if s.rows > 0 {
            parts.append("\(Int(Double(s.rows) / elapsed)) rows/s")
        }
        return "\(label): " + parts.joined(separator: ", ")
    }

    private func emit(_ line: String) {
        StandardStreams.writeError(terminal ? "\r\u{1B}[K\(line)" : "\(line)\n")
    }

    /// "42 s", "3 min 5 s", "1 h 2 min".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }
}
