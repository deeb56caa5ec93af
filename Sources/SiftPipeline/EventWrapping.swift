import SiftPlatform
import SiftFormat
import SiftNDJSON

/// Wraps the lines of a log as ingest wrappers (`spec/pipeline.md` §3.2), as a log shipper
/// would: Zeek TSV (with its `#fields` header) or JSON, Suricata EVE JSON, or any NDJSON with a
/// time field. A line whose time cannot be read is still wrapped, without `ts`, so ingest
/// quarantines it with the reason instead of it being lost here.
public struct EventWrapping: Sendable {
    public enum Format: String, Sendable, CaseIterable { case zeek, suricata, ndjson }

    public var format: Format
    /// The event type to give every line; by default derived from the log (Zeek's `#path` or
    /// file name, Suricata's `event_type`).
    public var eventType: String?
    /// The wrapper's `source`; by default the file's name.
    public var source: String?
    /// For `ndjson`: the field holding the time (ISO-8601 text or epoch seconds).
    public var timeField = "ts"

    public init(format: Format, eventType: String? = nil, source: String? = nil) {
        self.format = format
        self.eventType = eventType
        self.source = source
    }

    static let zeekLogs = ["conn", "dns", "http", "ssl", "notice", "x509", "files", "weird", "dhcp", "smtp", "ssh"]

    /// Wraps every line of `input` (named `file`), handing each wrapper line to `emit`.
    /// Returns the number of events and how many had no readable time.
    public func wrap(_ input: UnsafeBufferPointer<UInt8>, file: String, emit: ([UInt8]) -> Void) throws -> (events: Int, withoutTime: Int) {
        // A JSON array of events (as some tools export EVE): one event per element, each kept
        // as its object's text (whitespace outside strings removed; nothing flattened).
        if format != .zeek, LogConversion.kind(of: input) == .jsonArray {
            let lines: [UInt8]
            do { lines = try LogConversion.jsonArray(input) } catch var error as LineError {
                error.file = file
                throw error
            }
            return try lines.withUnsafeBufferPointer { try wrap($0, file: file, emit: emit) }
        }
        let base = PathText.lastComponent(file)
        var fields: [String]?
        var path: String?
        var events = 0, withoutTime = 0
        var failure: Error?
        NDJSONLines.forEach(input) { range, line in
            guard failure == nil else { return }
            let bytes = Array(input[range])
            if bytes.first == UInt8(ascii: "#") {
                let text = String(decoding: bytes, as: UTF8.self)
                let parts = text.split(separator: "\t").map(String.init)
                if parts.first == "#fields" { fields = Array(parts.dropFirst()) }
                if parts.first == "#path", parts.count > 1 { path = parts[1] }
                return
            }
            events += 1
            var ts: Int64?
            var type = eventType
            var raw = bytes
            var eventSource = source ?? base
            if format == .zeek, bytes.first != UInt8(ascii: "{") {
                guard let names = fields else { failure = PipelineError("\(file):\(line): a Zeek TSV line before any #fields header"); return }
                raw = []
                TextForms.appendJSONString(bytes, to: &raw)
                let cells = String(decoding: bytes, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
                if let i = names.firstIndex(of: "ts"), i < cells.count { ts = Self.time(String(cells[i])) }
                eventSource += "#fields=" + names.joined(separator: ",")
            } else {
                let parsed = try? RawFields(json: bytes)
                switch format {
                case .zeek: ts = parsed?.text("ts").flatMap(Self.time)
                case .suricata:
                    ts = parsed?.text("timestamp").flatMap(Self.time)
                    if type == nil, let t = parsed?.text("event_type") { type = "suricata." + t }
                case .ndjson: ts = parsed?.text(timeField).flatMap(Self.time)
                }
            }
            if type == nil, format == .zeek {
                let log = path ?? base.split(whereSeparator: { "-_.".contains($0) }).map(String.init).first(where: Self.zeekLogs.contains)
                guard let log else { failure = PipelineError("\(file): cannot tell which Zeek log this is; name its event type"); return }
                type = "zeek." + log
            }
            guard let type else { failure = PipelineError("\(file): no event type; name one for this input"); return }
            var out = Array("{".utf8)
            if let ts { out += Array("\"ts\":\"\(TextForms.formatTimestamp(ts))\",".utf8) } else { withoutTime += 1 }
            out += Array("\"event_type\":".utf8)
            TextForms.appendJSONString(Array(type.utf8), to: &out)
            out += Array(",\"source\":".utf8)
            TextForms.appendJSONString(Array(eventSource.utf8), to: &out)
            out += Array(",\"raw\":".utf8) + raw + Array("}\n".utf8)
            emit(out)
        }
        if let failure { throw failure }
        return (events, withoutTime)
    }

    /// ISO-8601 text, or epoch seconds.
    static func time(_ text: String) -> Int64? {
        if let micros = TextForms.parseTimestamp(Array(text.utf8)) { return micros }
        guard let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e11 else { return nil }
        return Int64((seconds * 1_000_000).rounded())
    }
}
