import ArgumentParser
import SiftPlatform
import Dispatch
import SiftFormat
import SiftTable


/// The `sift` command line: thin wrappers over the library, one file per subcommand.
@main
struct Sift: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sift",
        abstract: "A columnar format for security telemetry that finds the few rows about one IP or domain without reading the rest.",
        discussion: """
        Typical use:
          sift gen conn --rows 100000 --output conn.ndjson  # a realistic sample
          sift write --input conn.ndjson --output conn.sift # schema inferred
          sift inspect conn.sift                            # layout, statistics
          sift cat conn.sift --columns ts,src_ip --limit 5  # NDJSON, CSV, table
          sift verify conn.sift                             # every checksum, rule

        The file format is specified in spec/format.md.
        """,
        version: "sift \(FileLayout.majorVersion).\(FileLayout.minorVersion) (file format \(FileLayout.majorVersion).\(FileLayout.minorVersion), table protocol \(ProtocolAction.current.readerVersion))",
        subcommands: [Write.self, Cat.self, Inspect.self, Verify.self, Gen.self, TableCommand.self, Query.self, Plan.self,
                      Wrap.self, Ingest.self, Parse.self, Reparse.self, Hunt.self, Optimize.self,
                      Detect.self, Alerts.self, Graph.self]
    )

    static func main() {
        AllocatorTuning.apply()
        // Handlers only once a file is being written: a query writes none.
        TemporaryFiles.onFirstRegistration { Interrupts.removeTemporaryFilesOnExit() }
        var command: ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do {
            try command.run()
        } catch let error as ValidationError {
            // A bad argument found while running: the subcommand's usage, not the top level's.
            let type = Swift.type(of: command)
            let path = (["sift"] + Self.path(to: type)).joined(separator: " ")
            StandardStreams.writeError("Error: \(error)\nUsage: \(usageString(for: type))\n  See '\(path) --help' for more information.\n")
            Self.exit(withError: ExitCode(64))  // EX_USAGE, as ArgumentParser uses for parse errors
        } catch {
            // Everything else (a damaged file, a failed commit): the message alone.
            exit(withError: error)
        }
    }

    /// The subcommand names leading to `type` (`["table", "append"]`).
    static func path(to type: ParsableCommand.Type, from root: ParsableCommand.Type = Sift.self) -> [String] {
        for sub in root.configuration.subcommands {
            let name = sub.configuration.commandName ?? String(describing: sub).lowercased()
            if sub == type { return [name] }
            let deeper = path(to: type, from: sub)
            if !deeper.isEmpty { return [name] + deeper }
        }
        return []
    }
}

/// SIGINT and SIGTERM end the command without leaving half-written files: the signals are
/// taken on a dispatch queue (not in a signal handler, where removing files safely is not
/// possible in Swift), every temporary file being written is removed, and the process exits
/// with 128 + the signal's number, as a shell expects.
enum Interrupts {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (once: `TemporaryFiles` calls this at the first registration).
    static func removeTemporaryFilesOnExit() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                TemporaryFiles.removeAll()
                exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
