import ArgumentParser
import SiftPlatform
import SiftFormat
import SiftTable

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and structural rule of a Sift file or table.",
        discussion: """
        Reads the whole file: header, footer, and every page (checksum, sizes, decompression, \
        values, statistics). Exits 0 when the file is sound; otherwise prints what is wrong and \
        where (byte offset, row group, column) and exits 1. Given a table folder, verifies every \
        live data file and every table index segment (checksums, and that each file's keys are \
        in its rows).

        Examples:
          sift verify conn.sift
          sift verify conn
        """
    )

    @Argument(help: "The Sift file, or a table folder.")
    var file: String

    func run() throws {
        if LocalFileSystem().kindFollowingLinks(file) == .folder {
            do {
                let report = try Table(root: file).verify()
                print("\(file): ok: \(report.files) files, \(report.rows) rows, \(report.segments) index segments covering \(report.indexedFiles) files; every checksum matches")
            } catch {
                printError("\(file): CORRUPT: \(error)")
                throw ExitCode(1)
            }
            return
        }
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
