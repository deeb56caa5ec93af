import SiftTestSupport
import Testing

/// `--help` is the first thing a hunter reads, in whatever width their terminal has. The argument
/// parser wraps each line of a command's discussion to that width, so prose must be one line per
/// paragraph (a paragraph hard-wrapped in the source comes out ragged on a narrow terminal), and an
/// example must fit 80 columns (the parser would break a command line at a column of its choosing).
@Suite("sift --help")
struct HelpTextTests {
    /// Every command and subcommand, read from the help's own SUBCOMMANDS lists, so a new command is
    /// checked without being named here.
    static let commands: [[String]] = {
        func subcommands(_ path: [String]) -> [[String]] {
            guard let help = try? SiftProcess.run(path + ["--help"], environment: ["COLUMNS": "1000"]) else { return [] }
            let lines = help.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
            guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
            let names = lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { line in
                line.split(separator: " ").first.map(String.init)
            }
            return names.flatMap { [path + [$0]] + subcommands(path + [$0]) }
        }
        return [[]] + subcommands([])
    }()

    /// The lines of a help page before its USAGE line: the overview and the discussion.
    static func discussion(_ path: [String], columns: Int) throws -> [Substring] {
        let help = try SiftProcess.run(path + ["--help"], environment: ["COLUMNS": "\(columns)"])
        #expect(help.status == 0, "\(help.stderr)")
        let lines = help.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        return Array(lines.prefix { !$0.hasPrefix("USAGE:") })
    }

    @Test("the help tree is found: the root, the table subcommands, the pipeline commands")
    func treeIsFound() {
        let names = Set(Self.commands.map { $0.joined(separator: " ") })
        for name in ["", "query", "table", "table create", "table append", "hunt", "ingest", "graph"] {
            #expect(names.contains(name), "no help page for `sift \(name)`")
        }
    }

    @Test("prose is one line per paragraph, so it wraps to any terminal", arguments: commands)
    func proseIsNotHardWrapped(_ path: [String]) throws {
        let lines = try Self.discussion(path, columns: 1000)
        for (line, next) in zip(lines, lines.dropFirst()) {
            let prose = !line.isEmpty && !line.hasPrefix(" ") && !line.hasSuffix(":")
            let continues = !next.isEmpty && !next.hasPrefix(" ")
            #expect(!(prose && continues), "`sift \(path.joined(separator: " ")) --help`: a paragraph breaks after \"\(line.suffix(30))\"")
        }
    }

    @Test("examples fit 80 columns, so none is broken by the wrapper", arguments: commands)
    func examplesFitEightyColumns(_ path: [String]) throws {
        let lines = try Self.discussion(path, columns: 80)
        for (line, next) in zip(lines, lines.dropFirst()) where line.hasPrefix("  ") {
            #expect(next.isEmpty || next.hasPrefix(" "), "`sift \(path.joined(separator: " ")) --help`: an example spills onto \"\(next)\"")
        }
    }
}
