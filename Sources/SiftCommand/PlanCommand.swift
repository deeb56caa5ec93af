import ArgumentParser
import SiftC
import SiftIndex

/// `sift plan`: what a query would read, as JSON, without reading it. Engines that run the
/// reads elsewhere (Spark's JVM reader, one `sift query --units` per task) plan with this.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the units of work (files and row groups) a query leaves after pruning, as JSON.",
        discussion: """
        Prints one JSON object: {"version", "schema", "units": [{"path", "row_groups", "bytes", \
        "rows"}], "report"} (spec/arrow.md §8). Each unit is a file of the table and the row \
        groups of it that planning could not rule out; `sift query --units` reads a list of them.

        Example:
          sift plan conn --where "dst_ip = 203.0.113.7" --columns ts,src_ip,dst_ip
        """
    )

    @Argument(help: "The table folder (or one Sift file).") var path: String
    @Option(name: .long, help: "Only rows for which this predicate is true (spec/predicates.md).") var `where`: String?
    @Option(name: .long, help: "Comma-separated columns the query reads (default: all).") var columns: String?
    @Option(name: .customLong("as-of"), help: "Plan the table as of a version number or an ISO-8601 time.") var asOf: String?
    @Flag(name: .long, help: "Print the table's version, schema and size instead of a plan (what an engine asks first).") var describe = false

    func run() throws {
        let predicate = try wherePredicate(`where`)
        let names = columns.map { $0.split(separator: ",").map { String($0).trimmingWhitespace() } }
        var out = StandardOutput()
        if describe {
            out.write(try ScanPlanJSON.describe(path: path, asOf: asOf) + "\n")
            out.flush()
            return
        }
        out.write(try ScanPlanJSON.plan(path: path, asOf: asOf, predicate: predicate, columns: names) + "\n")
        out.flush()
    }
}
