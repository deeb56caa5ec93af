import ArgumentParser

/// The `sift` command line: thin wrappers over the library, one file per subcommand.
@main
struct Sift: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sift",
        abstract: "A columnar format for security telemetry that finds the few rows about one IP or domain without reading the rest.",
        discussion: """
        Typical use:
          sift gen conn --rows 100000 --output conn.ndjson     # a realistic sample
          sift write --input conn.ndjson --output conn.sift    # NDJSON -> Sift (schema inferred)
          sift inspect conn.sift                               # layout, encodings, statistics
          sift cat conn.sift --columns ts,src_ip --limit 5     # back to NDJSON / CSV / table
          sift verify conn.sift                                # every checksum and rule

        The file format is specified in spec/format.md.
        """,
        subcommands: [Write.self, Cat.self, Inspect.self, Verify.self, Gen.self, TableCommand.self, Query.self,
                      Wrap.self, Ingest.self, Parse.self, Reparse.self, Hunt.self, Optimize.self,
                      Detect.self, Alerts.self, Graph.self]
    )

    static func main() {
        AllocatorTuning.apply()
        main(nil)
    }
}
