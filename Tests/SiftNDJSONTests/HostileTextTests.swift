import SiftNDJSON
import Foundation
import SiftFormat
import Testing

/// Logged text is written by attackers: what each output form does with it.
@Suite("Output: hostile text is neutralised")
struct HostileTextTests {
    static let hostile = ["\u{1b}[2J\u{1b}[31mred", "line\r\nforged,row", "cr\ronly", "lf\nonly", "nul\u{0}", "\u{202e}gpj.exe",
                          "\u{2066}isolate", "c1\u{85}\u{9b}31m", "del\u{7f}", "tab\tx", "back\\slash", "say \"hi\"", " lead", "trail ",
                          "q\"\u{301}combined", "plain"]

    @Test("table cells show every control and bidi character as an escape", arguments: hostile)
    func terminalCells(value: String) {
        let cell = RowFormatter.terminalCell(value)
        for u in cell.unicodeScalars {
            #expect(u.value >= 0x20 && u.value != 0x7F && !(0x80...0x9F).contains(u.value), "\(cell.debugDescription)")
            #expect(![0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069].contains(u.value))
        }
        if value == "plain" { #expect(cell == "plain") }
    }

    @Test("escapes are readable and wide cells are cut with a marker")
    func escapesAndWidth() {
        #expect(RowFormatter.terminalCell("a\u{1b}b\r\n\\") == "a\\x1bb\\r\\n\\\\")
        #expect(RowFormatter.terminalCell("\u{202e}x") == "\\u{202e}x")
        #expect(RowFormatter.terminalCell(String(repeating: "x", count: 100), maxWidth: 10) == String(repeating: "x", count: 9) + "…")
        #expect(RowFormatter.terminalCell("short", maxWidth: 10) == "short")
        // An escape is never cut in half.
        #expect(RowFormatter.terminalCell("abcdefgh\u{1b}zz", maxWidth: 10) == "abcdefgh…")
    }

    @Test("CSV fields follow RFC 4180 for every value", arguments: hostile)
    func csv(value: String) {
        let field = RowFormatter.csvField(value)
        let needsQuotes = value.unicodeScalars.contains { ",\"\r\n".unicodeScalars.contains($0) } || value.hasPrefix(" ") || value.hasSuffix(" ")
        #expect(field.hasPrefix("\"") == needsQuotes, "\(field.debugDescription)")
        if needsQuotes {
            // Inside the quotes, every quote is doubled: undoing that gives the value back.
            let inner = String(field.unicodeScalars.dropFirst().dropLast())
            #expect(inner.unicodeScalars.split(separator: "\"", omittingEmptySubsequences: false).count % 2 == 1)
            #expect(String(String.UnicodeScalarView(inner.unicodeScalars)).replacingQuotes() == value)
        } else {
            #expect(field == value)
        }
    }

    @Test("NDJSON escapes controls, C1 and bidi characters and still decodes to the value", arguments: hostile)
    func ndjson(value: String) throws {
        var out: [UInt8] = []
        TextForms.appendJSONString(Array(value.utf8), to: &out)
        let text = String(decoding: out, as: UTF8.self)
        for u in text.unicodeScalars {
            #expect(u.value >= 0x20 && u.value != 0x7F && !(0x80...0x9F).contains(u.value) && !(0x202A...0x202E).contains(u.value)
                    && !(0x2066...0x2069).contains(u.value), "\(text.debugDescription)")
        }
        let decoded = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
        #expect(decoded == value)
    }
}

extension String {
    /// `""` back to `"`, per Unicode scalar.
    fileprivate func replacingQuotes() -> String {
        var out = String.UnicodeScalarView()
        var previousQuote = false
        for u in unicodeScalars {
            if u == "\"" && previousQuote { previousQuote = false; continue }
            previousQuote = u == "\""
            out.append(u)
        }
        return String(out)
    }
}
