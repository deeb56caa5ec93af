import SiftPlatform
import SiftFormat
import SiftNDJSON
import SiftIndex
import SiftTable

/// The connections around an address or a domain, for triage (`spec/pipeline.md` §9): hosts
/// (and the domain) as nodes, an edge per talking pair weighted by events and bytes, the
/// subject highlighted. Written as Graphviz DOT; `render` lays it out with Graphviz's `dot`.
public struct ConnectionGraph: Sendable {
    public struct Edge: Sendable {
        public var from: String
        public var to: String
        public var events: Int
        public var bytes: Int64
        public var ports: Set<UInt16>
        /// A second-hop edge (a peer's other traffic), drawn lighter; or a name under the
        /// subject domain, drawn dashed.
        public var kind: Kind = .direct
        public enum Kind: Sendable { case direct, secondHop, subdomain }
    }

    public var subject: String
    public var edges: [Edge]
    /// Nodes that are on an indicator list or raised an alert.
    public var flagged: Set<String>
    /// Edges left out to keep the picture readable (the weakest).
    public var omitted: Int
    /// The time of the first and the last event drawn (microseconds), when known.
    public var timeRange: ClosedRange<Int64>?
    /// Domain names seen with each address (names it was looked up as or connected by).
    public var names: [String: Set<String>] = [:]

    /// A graph of `edges` around `subject`.
    public init(subject: String, edges: [Edge], flagged: Set<String>, omitted: Int, timeRange: ClosedRange<Int64>? = nil, names: [String: Set<String>] = [:]) {
        self.subject = subject
        self.edges = edges
        self.flagged = flagged
        self.omitted = omitted
        self.timeRange = timeRange
        self.names = names
    }

    /// The DOT text.
    public var dot: String {
        var nodes = Set([subject])
        for e in edges { nodes.insert(e.from); nodes.insert(e.to) }
        let id = Self.dotString
        let range = timeRange.map { ", \(TextForms.formatTimestamp($0.lowerBound).prefix(19)) to \(TextForms.formatTimestamp($0.upperBound).prefix(19)) UTC" } ?? ""
        var out = "digraph connections {\n  graph [rankdir=LR, fontname=\"Helvetica\", label=\(id("connections around \(subject)\(range)\(omitted > 0 ? " (\(omitted) weaker edges not shown)" : "")")), labelloc=t];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];\n"
        out += Self.legend
        for n in nodes.sorted() {
            let isSubject = n == subject
            let isInternal = TextForms.parseIP(Array(n.utf8)).map(Self.isPrivate) ?? false
            let isDomain = TextForms.parseIP(Array(n.utf8)) == nil
            let shape = isDomain ? "note" : (isInternal ? "box" : "ellipse")
            let fill = isSubject ? "#e53935" : (flagged.contains(n) ? "#ffb74d" : (isInternal ? "#bbdefb" : "#eeeeee"))
            let font = isSubject ? "white" : "black"
            // An address's label names the domains seen with it (at most two).
            let seen = (names[n] ?? []).sorted()
            // Each line escaped on its own (names come from traffic), joined by DOT's line break.
            let lines = [n] + seen.prefix(2) + (seen.count > 2 ? ["+\(seen.count - 2) more"] : [])
            let label = seen.isEmpty ? "" : ", label=\"" + lines.map { id($0).dropFirst().dropLast() }.joined(separator: "\\n") + "\""
            out += "  \(id(n)) [shape=\(shape), fillcolor=\"\(fill)\", fontcolor=\(font)\(isSubject ? ", penwidth=2" : "")\(label)];\n"
        }
        let maxEvents = Double(edges.map(\.events).max() ?? 1)
                for e in edges {
            let width = 0.6 + 4 * log(Double(e.events) + 1) / log(maxEvents + 1)
            let ports = e.ports.sorted().prefix(3).map(String.init).joined(separator: ",") + (e.ports.count > 3 ? ",..." : "")
            switch e.kind {
            case .subdomain:
                out += "  \(id(e.from)) -> \(id(e.to)) [style=dashed, arrowhead=none, label=\"under\"];\n"
            case .direct, .secondHop:
                let color = e.kind == .secondHop ? ", color=\"#aaaaaa\", fontcolor=\"#888888\"" : ""
                out += "  \(id(e.from)) -> \(id(e.to)) [penwidth=\(printfText("%.1f", width)), label=\"\(e.events) ev, \(Self.bytes(e.bytes))\(ports.isEmpty ? "" : "\\nport \(ports)")\"\(color)];\n"
            }
        }
        return out + "}\n"
    }

    /// What the colours, shapes and lines mean, as one table in a corner of the picture.
    static let legend = """
          legend [shape=plaintext, style="", fontsize=9, label=<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">
            <tr><td colspan="2"><b>legend</b></td></tr>
            <tr><td bgcolor="#e53935"><font color="white">red</font></td><td align="left">the address or domain asked about</td></tr>
            <tr><td bgcolor="#ffb74d">orange</td><td align="left">on an indicator list</td></tr>
            <tr><td bgcolor="#bbdefb">blue box</td><td align="left">internal host (private address)</td></tr>
            <tr><td bgcolor="#eeeeee">grey ellipse</td><td align="left">external address (with names seen for it)</td></tr>
            <tr><td>note shape</td><td align="left">domain name</td></tr>
            <tr><td>edge</td><td align="left">connections: events, bytes, ports; wider = more events</td></tr>
            <tr><td><font color="#888888">grey edge</font></td><td align="left">a peer's other traffic (second hop)</td></tr>
            <tr><td>dashed</td><td align="left">a name under the domain</td></tr>
          </table>>];

        """

    /// A DOT quoted string for text from logs (node names are domains and addresses seen in
    /// traffic): control and bidi characters become visible escapes (`RowFormatter.terminalCell`),
    /// then backslashes and quotes are escaped for DOT, so a name can neither end the string nor
    /// use DOT's own escapes (`\l`, `\N`, ...). Graphviz escapes the result for SVG itself.
    static func dotString(_ text: String) -> String {
        var out = "\""
        for u in RowFormatter.terminalCell(text).unicodeScalars {
            if u == "\\" || u == "\"" { out += "\\" }
            out.unicodeScalars.append(u)
        }
        return out + "\""
    }

    static func bytes(_ n: Int64) -> String {
        n >= 1 << 20 ? printfText("%.1f MB", Double(n) / 1_048_576) : n >= 1024 ? printfText("%.0f KB", Double(n) / 1024) : "\(n) B"
    }

    static func isPrivate(_ a: IPv6Address) -> Bool {
        guard let v4 = a.mappedIPv4 else { return a.high >> 57 == 0x7E }   // fc00::/7
        return v4 >> 24 == 10 || v4 >> 20 == 0xAC1 || v4 >> 16 == 0xC0A8
    }

    /// Lays the graph out with Graphviz (`dot -T<format>`): svg or png; html is the SVG in a page.
    public func render(to path: String) throws {
        let ext = PathText.fileExtension(path).lowercased()
        if ext == "dot" {
            try Data(dot.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        guard ["svg", "png", "html"].contains(ext) else { throw PipelineError("\(path): write .svg, .png, .html or .dot") }
        let outcome: Subprocess.Outcome
        do { outcome = try Subprocess.run(["dot", "-T" + (ext == "png" ? "png" : "svg")], input: Array(dot.utf8)) } catch {
            throw PipelineError("cannot run Graphviz's dot (install graphviz; `make deps` does): \(error)")
        }
        guard outcome.status == 0 else {
            let message = String(decoding: outcome.errors, as: UTF8.self)
            throw PipelineError("Graphviz's dot failed (exit \(outcome.status)): \(message.isEmpty ? "is graphviz installed? `make deps` installs it" : message)")
        }
        let rendered = Data(outcome.output)
        var data = rendered
        if ext == "html" {
            data = Data(("<!doctype html><meta charset=\"utf-8\"><title>connections around \(subject)</title><body style=\"font-family:sans-serif\">\n").utf8) + rendered + Data("</body>\n".utf8)
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}

extension Warehouse {
    /// The graph around an IP (its connections in every refined table) or a domain (who
    /// looked it up or connected to it, and the addresses it led to), since a time if given.
    public func graph(around subject: String, since: String? = nil, maxEdges: Int = 40, indicators: IndicatorSet = IndicatorSet()) throws -> ConnectionGraph {
        let isIP = TextForms.parseIP(Array(subject.utf8)) != nil
        let predicate = try RowPredicate.parse(isIP ? "src_ip = \(subject) or dst_ip = \(subject)" : "domain = '\(subject)' or domain ends_with '.\(subject)'")
        struct Pair: Hashable { var from: String; var to: String }
        var edges: [Pair: ConnectionGraph.Edge] = [:]
        func add(_ from: String, _ to: String, bytes: Int64, port: UInt16?) {
            let key = Pair(from: from, to: to)
            var e = edges[key] ?? ConnectionGraph.Edge(from: from, to: to, events: 0, bytes: 0, ports: [])
            e.events += 1
            e.bytes += bytes
            if let port, e.ports.count < 16 { e.ports.insert(port) }
            edges[key] = e
        }
        var flagged = Set<String>()
        var first = Int64.max, last = Int64.min
        var names: [String: Set<String>] = [:]
        let columns = ["time", "src_ip", "dst_ip", "dst_port", "domain", "bytes_out", "bytes_in"]
        _ = try hunt(predicate, since: since, columns: columns) { _, batch in
            let c = { (name: String) in batch.schema.index(of: name).map { batch.columns[$0] } }
            for r in 0..<batch.rowCount {
                guard let src = c("src_ip")?.ipAddress(at: r), let dst = c("dst_ip")?.ipAddress(at: r) else { continue }
                let s = TextForms.formatIP(src), d = TextForms.formatIP(dst)
                let bytes = (c("bytes_out")?.integer(at: r) ?? 0) + (c("bytes_in")?.integer(at: r) ?? 0)
                let port = c("dst_port")?.integer(at: r).map { UInt16($0) }
                for a in [src, dst] where indicators.match(a) != nil { flagged.insert(TextForms.formatIP(a)) }
                if let t = c("time")?.integer(at: r) { first = min(first, t); last = max(last, t) }
                if let name = c("domain")?.string(at: r), !name.isEmpty, (names[d]?.count ?? 0) < 16 { names[d, default: []].insert(name) }
                if isIP {
                    add(s, d, bytes: bytes, port: port)
                } else {
                    let name = c("domain")?.string(at: r) ?? subject
                    if indicators.match(domain: name) != nil { flagged.insert(name) }
                    // Through the name: who asked for it (or connected by it), and where it led.
                    add(s, name == subject ? subject : name, bytes: bytes, port: port)
                    add(name == subject ? subject : name, d, bytes: 0, port: port)
                }
            }
            return true
        }
        var sorted = edges.values.sorted { ($0.events, $0.bytes, $0.from, $0.to) > ($1.events, $1.bytes, $1.from, $1.to) }
        var omitted = max(0, sorted.count - maxEdges)
        sorted = Array(sorted.prefix(maxEdges))
        if isIP {
            // The second hop: what the internal hosts that talked to the subject talk to besides.
            var peers: [String] = []
            for e in sorted { for n in [e.from, e.to] where n != subject && !peers.contains(n) && TextForms.parseIP(Array(n.utf8)).map(ConnectionGraph.isPrivate) == true { peers.append(n) } }
            for peer in peers.prefix(3) {
                var other: [String: ConnectionGraph.Edge] = [:]
                _ = try hunt(try RowPredicate.parse("src_ip = \(peer)"), since: since, tables: [.conn], columns: columns) { _, batch in
                    let c = { (name: String) in batch.schema.index(of: name).map { batch.columns[$0] } }
                    for r in 0..<batch.rowCount {
                        guard let dst = c("dst_ip")?.ipAddress(at: r) else { continue }
                        let d = TextForms.formatIP(dst)
                        guard d != subject else { continue }
                        var e = other[d] ?? ConnectionGraph.Edge(from: peer, to: d, events: 0, bytes: 0, ports: [], kind: .secondHop)
                        e.events += 1
                        e.bytes += (c("bytes_out")?.integer(at: r) ?? 0) + (c("bytes_in")?.integer(at: r) ?? 0)
                        if let port = c("dst_port")?.integer(at: r), e.ports.count < 16 { e.ports.insert(UInt16(port)) }
                        if indicators.match(dst) != nil { flagged.insert(d) }
                        other[d] = e
                    }
                    return true
                }
                let strongest = other.values.sorted { ($0.events, $0.to) > ($1.events, $1.to) }
                sorted += strongest.prefix(6)
                omitted += max(0, strongest.count - 6)
            }
        } else {
            for name in Set(sorted.map(\.to) + sorted.map(\.from)) where name != subject && name.hasSuffix("." + subject) {
                sorted.append(ConnectionGraph.Edge(from: subject, to: name, events: 0, bytes: 0, ports: [], kind: .subdomain))
            }
        }
        return ConnectionGraph(subject: subject, edges: sorted, flagged: flagged, omitted: omitted,
                               timeRange: first <= last ? first...last : nil, names: isIP ? names : [:])
    }
}
