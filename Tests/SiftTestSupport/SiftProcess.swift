import Foundation

/// Runs the `sift` binary that `swift build` put beside the test runner.
public enum SiftProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: String
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    public static var binary: String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // The runner is .build/<config>/<Package>PackageTests.xctest (a file on Linux).
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("sift").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return RepositoryPaths.root + "/.build/debug/sift"
    }

    /// Runs `sift` with `arguments`, feeding `stdin` if given.
    @discardableResult
    public static func run(_ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        // Output goes to files, so a large output can never block the child on a full pipe.
        let dir = TemporaryDirectory("sift-process")
        FileManager.default.createFile(atPath: dir.file("out"), contents: nil)
        FileManager.default.createFile(atPath: dir.file("err"), contents: nil)
        let out = FileHandle(forWritingAtPath: dir.file("out"))!
        let err = FileHandle(forWritingAtPath: dir.file("err"))!
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin))
            try input.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdoutData = FileManager.default.contents(atPath: dir.file("out")) ?? Data()
        let stderrData = FileManager.default.contents(atPath: dir.file("err")) ?? Data()
        return Result(status: process.terminationStatus, stdout: Array(stdoutData), stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
