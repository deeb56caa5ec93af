import ArgumentParser
import SiftFormat

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every checksum and structural rule of a Sift file.",
        discussion: """
        Reads the whole file: header, footer, and every page (checksum, sizes, decompression,
        values, statistics). Exits 0 when the file is sound; otherwise prints what is wrong and
        where (byte offset, row group, column) and exits 1.
        """
    )

    @Argument(help: "The Sift file.")
    var file: String

    func run() throws {
        do {
            let reader = try SiftReader(path: file)
            let report = try reader.verify()
            print("\(file): ok: \(report.rows) rows, \(report.rowGroups) row groups, \(report.pages) pages, \(report.bytes) bytes; every checksum matches")
        } catch {
            printError("\(file): CORRUPT: \(error)")
            throw ExitCode(1)
        }
    }
}
