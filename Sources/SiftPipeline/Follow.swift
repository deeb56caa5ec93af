import SiftPlatform
import SiftFormat
import SiftNDJSON
import SiftTable

/// Where `ingest --follow DIR` is: the files of DIR already ingested (`spec/pipeline.md` §3.3).
struct FollowCheckpoint: Codable {
    var dir: String
    /// File name -> the sequence number its ingest committed with.
    var done: [String: Int64] = [:]
    /// The file being ingested, if the last run stopped in the middle of it.
    var pending: String?
    var next: Int64 = 1
}

/// What one pass over a followed folder did.
public struct FollowPass: Sendable {
    public var files: [String] = []
    public var result = IngestResult()
}

extension Warehouse {
    func followCheckpointPath(_ dir: String) -> String {
        let key = Checksum.hash(Array(URL(fileURLWithPath: dir).standardizedFileURL.path.utf8))
        return root + "/_pipeline/follow-\(String(key, radix: 16)).json"
    }

    /// Ingests, in name order, every file of `dir` (names ending in .ndjson, .json or .jsonl,
    /// possibly followed by .gz or .zst: rotated logs are decompressed) not ingested before. Files must appear in `dir` complete (written elsewhere and renamed
    /// in), as log shippers do. Each file is one idempotent ingest numbered by the checkpoint,
    /// which is saved before (as pending) and after (as done), so a restart at any point
    /// neither loses nor duplicates a file.
    public func followOnce(_ dir: String, progress: ((String) -> Void)? = nil) throws -> FollowPass {
        let path = followCheckpointPath(dir)
        var checkpoint = FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(FollowCheckpoint.self, from: $0) }
            ?? FollowCheckpoint(dir: dir)
        let appId = "follow:" + path.split(separator: "/").last!.dropLast(5)
        var pass = FollowPass()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { name in [".ndjson", ".json", ".jsonl"].contains { name.hasSuffix($0) || name.hasSuffix($0 + ".gz") || name.hasSuffix($0 + ".zst") } }
            .filter { !$0.hasPrefix(".") }
            .sorted()
        // A file left pending keeps its number, so its ingest is recognised as done if it was.
        let order = (checkpoint.pending.map { [$0] } ?? []) + names.filter { checkpoint.done[$0] == nil && $0 != checkpoint.pending }
        for name in order {
            guard FileManager.default.fileExists(atPath: dir + "/" + name) else { checkpoint.pending = nil; continue }
            let sequence = checkpoint.next
            checkpoint.pending = name
            try save(checkpoint, to: path)
            progress?(name)
            let result = try InputFile(path: dir + "/" + name).withBytes { try ingest($0, file: name, txn: WriterTransaction(appId: appId, version: sequence)) }
            pass.files.append(name)
            pass.result.lines += result.lines
            pass.result.staged += result.staged
            pass.result.quarantined += result.quarantined
            checkpoint.done[name] = sequence
            checkpoint.pending = nil
            checkpoint.next = sequence + 1
            try save(checkpoint, to: path)
        }
        return pass
    }

    func save<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Written whole under a temporary name beside it, synced and renamed, as every durable
        // write of the project is (the file-system seam's replaceFile): never half a checkpoint.
        try LocalFileSystem().replaceFile(path, with: Array(try encoder.encode(value)))
    }
}
