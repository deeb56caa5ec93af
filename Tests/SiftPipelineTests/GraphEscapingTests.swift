import Foundation
@testable import SiftPipeline
import Testing

/// Names in the connection graph come from logs: they must not break out of DOT strings.
@Suite("Graph: hostile names")
struct GraphEscapingTests {
    @Test("a name with quotes, backslashes, DOT escapes and control characters stays one quoted string")
    func dotStrings() {
        for name in ["evil\"; x -> y [label=\"pwned", "trail\\", "a\\lb\\N", "line\nbreak\r", "\u{1b}[2J\u{202e}moc.live"] {
            let quoted = ConnectionGraph.dotString(name)
            #expect(quoted.hasPrefix("\"") && quoted.hasSuffix("\""))
            // Inside, every quote is escaped and every backslash is one half of an escaped pair.
            let inner = Array(quoted.unicodeScalars.dropFirst().dropLast())
            var i = 0
            while i < inner.count {
                if inner[i] == "\\" {
                    #expect(i + 1 < inner.count && (inner[i + 1] == "\\" || inner[i + 1] == "\""), "\(quoted)")
                    i += 2
                    continue
                }
                #expect(inner[i] != "\"" && inner[i].value >= 0x20 && inner[i].value != 0x202E, "\(quoted)")
                i += 1
            }
        }
        let graph = ConnectionGraph(subject: "x\"y", edges: [], flagged: [], omitted: 0)
        #expect(graph.dot.contains(#"label="connections around x\"y""#))
        // Names shown under an address: DOT line breaks between them, the hostile ones escaped.
        let named = ConnectionGraph(subject: "203.0.113.9", edges: [], flagged: [], omitted: 0,
                                    names: ["203.0.113.9": ["a.example", "evil\"\n] -> x [label=\"pwned"]])
        let line = named.dot.split(separator: "\n").first { $0.contains("\"203.0.113.9\" [") }.map(String.init) ?? ""
        #expect(line.contains(#"label="203.0.113.9\na.example\nevil\"\\n] -> x [label=\"pwned"]"#), "\(line)")
    }
}
