import Foundation
import SiftFormat
import SiftScan
import SiftTable
import SiftTestSupport
import Testing

/// Thousands of file-system faults (ENOSPC, EIO, short and torn writes, fsync failures) at
/// random calls of appends, optimize, checkpoints, vacuum and the file writer, through the
/// library's one seam. After each: the table opens, every acknowledged commit is there exactly
/// once and nothing else, every live file reads, vacuum deletes no live file, and a failed
/// file write leaves no file and no temporary file. `SIFT_FAULT_ROUNDS` sets the size
/// (`make faults` runs a long one).
@Suite("Tables: injected file-system faults")
struct FaultInjectionTests {
    static let rounds = ProcessInfo.processInfo.environment["SIFT_FAULT_ROUNDS"].flatMap(Int.init) ?? 1500
    static let seed: UInt64 = ProcessInfo.processInfo.environment["SIFT_FAULT_SEED"].flatMap(UInt64.init) ?? 0xFA17

    static func randomFault(_ rng: inout SeededRandom, operation: String) -> FaultyFileSystem.Fault? {
        switch operation {
        case "write":
            return [.error(FileSystemError.noSpace), .error(FileSystemError.ioFailure), .shortWrite, .tornWrite][Int(rng.next() % 4)]
        case "fsync", "create", "link", "rename", "mkdir", "open", "read", "list", "stat", "remove", "mmap":
            return .error(rng.next() % 2 == 0 ? FileSystemError.ioFailure : FileSystemError.noSpace)
        default:
            return nil  // fsync-folder after a link: reported as success by design (tested apart)
        }
    }

    @Test("no acknowledged commit is lost or duplicated, whatever call fails")
    func randomizedFaults() throws {
        print("fault injection: seed \(Self.seed), \(Self.rounds) rounds")
        var rng = SeededRandom(seed: Self.seed)
        var dir = TemporaryDirectory()
        var clean = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
        var expectedRows: Int64 = 0
        var injected = 0, failed = 0, byOperation: [String: Int] = [:]
        for round in 0..<Self.rounds {
            if round % 60 == 0, round > 0 {
                // A fresh table now and then keeps rounds fast.
                dir = TemporaryDirectory()
                clean = try TableFixtures.create(dir, partitionBy: ["date(ts)"])
                expectedRows = 0
            }
            let choice = Int(rng.next() % 10)
            // A file write makes a dozen calls; a table operation up to a few dozen.
            let target = Int(rng.next() % (choice == 9 ? 12 : 60))
            let kindSeed = rng.next()
            let fs = FaultyFileSystem { call in
                guard call.index == target else { return nil }
                var r = SeededRandom(seed: kindSeed)
                return FaultInjectionTests.randomFault(&r, operation: call.operation)
            }
            let batch = TableFixtures.batch(rows: 40, seed: UInt64(round))
            do {
                var faulty = try Table(root: dir.file("t"), store: FileLogStore(root: dir.file("t"), fileSystem: fs))
                faulty.checkpointInterval = 3
                switch choice {
                case 0..<6:
                    let result = try TableFixtures.append(faulty, batch)
                    if result.version != nil { expectedRows += result.rows }
                case 6, 7:
                    _ = try faulty.optimize(targetFileBytes: 1 << 20, full: choice == 7)
                case 8:
                    let live = Set(try clean.snapshot().files.keys)
                    _ = try faulty.vacuum(retainHours: -1)
                    for path in live { #expect(FileManager.default.fileExists(atPath: dir.file("t/" + path)), "round \(round): vacuum deleted live \(path)") }
                default:
                    let path = dir.file("w-\(round).sift")
                    do {
                        try SiftWriter.write(to: path, schema: TableFixtures.schema, fileSystem: fs) { try $0.write(batch) }
                        #expect(try SiftReader(path: path).metadata.rowCount == 40, "round \(round)")
                    } catch {
                        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("w-\(round).sift") }
                        #expect(left.isEmpty, "round \(round): a failed write left \(left)")
                        throw error
                    }
                }
            } catch {
                failed += 1
            }
            injected += fs.injected
            if fs.injected > 0 { byOperation[choice < 6 ? "append" : choice < 8 ? "optimize" : choice == 8 ? "vacuum" : "write", default: 0] += 1 }
            // A reader opening the table afresh sees every acknowledged append exactly once.
            let reader = try Table(root: dir.file("t"))
            let snapshot = try reader.snapshot()
            #expect(snapshot.rowCount == expectedRows, "round \(round) (seed \(Self.seed)): the log holds \(snapshot.rowCount) rows, \(expectedRows) acknowledged")
            var scanned = 0
            try TableScan(table: reader, snapshot: snapshot, predicate: nil, columns: ["ts"]).run { scanned += $0.rowCount; return true }
            #expect(Int64(scanned) == expectedRows, "round \(round) (seed \(Self.seed)): \(scanned) rows read")
        }
        print("fault injection: \(injected) faults injected, \(failed) operations failed, by operation: \(byOperation.sorted { $0.key < $1.key })")
        #expect(injected > Self.rounds / 2, "most rounds really injected a fault")
    }
}
