#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SiftTable
import SiftTestSupport
import Testing

/// Appenders, optimize and vacuum run as separate `sift` processes at the same time, and some of
/// them are killed with SIGKILL at random moments. After every round the table must open, hold
/// every append that was acknowledged (exit 0) exactly once, and hold no row twice; every file
/// its snapshot names must still be readable (vacuum never deleted a live file).
/// `SIFT_KILL_ROUNDS` sets the number of rounds (`make kills` runs enough for 200+ kills).
@Suite("sift table: concurrent appenders, optimize and vacuum killed together", .serialized)
struct KillLoopTests {
    static let rounds = ProcessInfo.processInfo.environment["SIFT_KILL_ROUNDS"].flatMap(Int.init) ?? 30

    @Test func killedTogetherNoCommitIsLostOrDuplicated() throws {
        let dir = TemporaryDirectory()
        let inputs = try TableCommandTests.setUp(dir, files: 3, rows: { 400 * ($0 + 1) })
        let table = dir.file("t")
        var rng = SeededRandom(seed: 0x5161_C1)
        var kills = 0, acknowledged: [String] = [], processes = 0
        for round in 0..<Self.rounds {
            // Two appenders (each with its own txn, so an acknowledged append can be found),
            // one optimize, one vacuum that keeps only a few seconds of history.
            var commands: [[String]] = (0..<2).map { j in ["table", "append", table, inputs[Int(rng.next() % 3)], "--txn", "w\(j):\(round)"] }
            commands.append(["table", "optimize", table])
            commands.append(["table", "vacuum", table, "--retain-hours", "0.002"])
            let running: [(Process, [String])] = try commands.map { args in
                let p = Process()
                p.executableURL = URL(fileURLWithPath: SiftProcess.binary)
                p.arguments = args
                p.standardError = FileHandle.nullDevice
                p.standardOutput = FileHandle.nullDevice
                try p.run()
                return (p, args)
            }
            processes += running.count
            // Kill about two thirds of them, each after its own random delay.
            let victims = running.filter { _ in rng.next() % 3 != 0 }
            for (p, _) in victims {
                usleep(useconds_t(rng.next() % 60_000))
                kill(p.processIdentifier, SIGKILL)
            }
            for (p, args) in running {
                p.waitUntilExit()
                if p.terminationReason == .uncaughtSignal { kills += 1 }
                if p.terminationReason == .exit, p.terminationStatus == 0, args[1] == "append" { acknowledged.append(args[5]) }
                // A survivor may fail only on a conflict (optimize racing optimize); never otherwise.
                if p.terminationReason == .exit, p.terminationStatus != 0 {
                    #expect(args[1] == "optimize", "round \(round): \(args) exited \(p.terminationStatus)")
                }
            }
            let t = try Table(root: table)
            let history = try t.history()
            let txns = history.compactMap { $0.info?.parameters["txn"] }
            #expect(Set(txns).count == txns.count, "round \(round): an append committed twice")
            for txn in acknowledged { #expect(txns.contains(txn), "round \(round): acknowledged append \(txn) is lost") }
            let appended = history.filter { $0.info?.operation == "append" }.reduce(Int64(0)) { $0 + ($1.info?.metrics["rows_added"] ?? 0) }
            let snapshot = try t.snapshot()
            #expect(snapshot.rowCount == appended, "round \(round): \(snapshot.rowCount) rows live, appends added \(appended)")
            #expect(Int64(try TableCommandTests.rowsRead(t)) == snapshot.rowCount, "round \(round): a live file is missing or short")
        }
        print("kill loop: \(Self.rounds) rounds, \(processes) processes, \(kills) killed by SIGKILL, \(acknowledged.count) appends acknowledged")
        #expect(kills >= Self.rounds, "most rounds killed something (\(kills))")
    }
}
