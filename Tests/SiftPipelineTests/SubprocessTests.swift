@testable import SiftPipeline
import Testing

/// Running Graphviz without Foundation's `Process`: input, both outputs and the exit status.
@Suite("Pipeline: running a program")
struct SubprocessTests {
    @Test("a megabyte goes through cat and back without either side blocking")
    func largeEcho() throws {
        let input = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let outcome = try Subprocess.run(["cat"], input: input)
        #expect(outcome.status == 0)
        #expect(outcome.output == input)
        #expect(outcome.errors.isEmpty)
    }

    @Test("standard error and a failing exit status are reported apart from the output")
    func errorsAndStatus() throws {
        let outcome = try Subprocess.run(["sh", "-c", "head -c 200000 /dev/zero; echo oops >&2; exit 3"], input: [])
        #expect(outcome.status == 3)
        #expect(outcome.output.count == 200_000)
        #expect(String(decoding: outcome.errors, as: UTF8.self) == "oops\n")
    }

    @Test("a program that is not installed is an error naming it")
    func missingProgram() {
        #expect(throws: PipelineError.self) { try Subprocess.run(["sift-no-such-program-here"], input: [1]) }
    }
}

extension SubprocessTests {
    @Test("a program that exits without reading its input does not take this process with it")
    func unreadInput() throws {
        let outcome = try Subprocess.run(["sh", "-c", "exit 4"], input: [UInt8](repeating: 7, count: 1 << 20))
        #expect(outcome.status == 4)
    }
}
