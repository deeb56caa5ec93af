import ArgumentParser
import SiftPlatform
import SiftFormat
import SiftIndex
import SiftNDJSON

/// A failure the command reports as one clear line and a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--where`: the predicate, parsed (nil when the option is absent); a bad one is a usage error
/// naming the option.
func wherePredicate(_ text: String?) throws -> RowPredicate? {
    guard let text else { return nil }
    do { return try RowPredicate.parse(text) } catch { throw ValidationError("--where \(error)") }
}

/// Reads a whole file, or standard input for "-".
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" {
        return try StandardStreams.readAllInput()
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandFailure("\(path): cannot read the file")
    }
    return Array(data)
}

/// Buffered standard output.
struct StandardOutput {
    var buffer: [UInt8] = []

    mutating func write(_ bytes: [UInt8]) {
        buffer += bytes
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func write(_ text: String) { write(Array(text.utf8)) }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        StandardStreams.writeOutput(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

func printError(_ text: String) {
    StandardStreams.writeError(text + "\n")
}

/// Human-readable byte counts.
func formatBytes(_ n: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var v = Double(n)
    var u = 0
    while v >= 1024, u < units.count - 1 { v /= 1024; u += 1 }
    return u == 0 ? "\(n) B" : printfText("%.1f ", v) + units[u]
}

/// Each rejected line as `{"line": N, "byte": B, "field": F, "reason": R, "text": T}`.
func writeRejects(_ errors: [LineError], input: UnsafeBufferPointer<UInt8>, source: String? = nil, to path: String, appending: Bool = false) throws {
    var lineRanges: [Int: Range<Int>] = [:]
    let wanted = Set(errors.map(\.line))
    NDJSONLines.forEach(input) { range, line in if wanted.contains(line) { lineRanges[line] = range } }
    var out: [UInt8] = []
    for e in errors.sorted(by: { $0.line < $1.line }) {
        out += Array("{".utf8)
        if let source { out += Array("\"file\":".utf8); TextForms.appendJSONString(Array(source.utf8), to: &out); out += Array(",".utf8) }
        out += Array("\"line\":\(e.line)".utf8)
        if let c = e.column { out += Array(",\"byte\":\(c + 1)".utf8) }
        if let f = e.field { out += Array(",\"field\":".utf8); TextForms.appendJSONString(Array(f.utf8), to: &out) }
        out += Array(",\"reason\":".utf8)
        TextForms.appendJSONString(Array(e.reason.utf8), to: &out)
        out += Array(",\"text\":".utf8)
        TextForms.appendJSONString(lineRanges[e.line].map { Array(input[$0]) } ?? [], to: &out)
        out += Array("}\n".utf8)
    }
    if appending {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            guard StandardStreams.write(out, to: fd) else { throw CommandFailure("\(path): cannot append to the rejects file") }
            return
        }
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(out)) else {
        throw CommandFailure("\(path): cannot write the rejects file")
    }
}
