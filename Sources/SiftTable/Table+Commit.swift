import SiftPlatform
import SiftFormat

/// What a commit changes, so a writer that loses a race knows whether it may retry
/// (`spec/table.md` §8).
public struct PendingCommit: Sendable {
    /// What the commit adds and removes.
    public var actions: [Action]
    /// The operation's name in the history (`append`, `optimize`, ...).
    public var operation: String
    /// Parameters recorded in the commit info.
    public var parameters: [String: String] = [:]
    /// Counts recorded in the commit info (`rows_added`, ...).
    public var metrics: [String: Int64] = [:]

    /// A commit to make.
    public init(actions: [Action], operation: String, parameters: [String: String] = [:], metrics: [String: Int64] = [:]) {
        self.actions = actions
        self.operation = operation
        self.parameters = parameters
        self.metrics = metrics
    }

    /// Only adds files (and records a writer's transaction): commutes with other appends.
    var isBlindAppend: Bool {
        actions.allSatisfy { if case .add = $0 { true } else if case .txn = $0 { true } else { false } }
    }
    var removedPaths: Set<String> { Set(actions.compactMap { if case .remove(let r) = $0 { r.path } else { nil } }) }
    var txnIDs: Set<String> { Set(actions.compactMap { if case .txn(let t) = $0 { t.appId } else { nil } }) }
}

extension Table {
    /// Commits `pending` on top of `read` (the snapshot the writer based its change on) and
    /// returns the new version. If other writers committed first, their entries are checked
    /// against this change: when they cannot conflict the commit is retried at the next
    /// version; otherwise a `.conflict` error says which version got in the way.
    @discardableResult
    public func commit(_ pending: PendingCommit, read: Snapshot) throws -> Int64 {
        var base = read.version
        var previousTimestamp = read.timestamp
        while true {
            let version = base + 1
            // Timestamps strictly increase along the log, whatever the clocks say, so a time
            // always names one version.
            let info = CommitInfo(timestamp: max(Self.nowMillis(), previousTimestamp + 1), operation: pending.operation,
                                  parameters: pending.parameters, readVersion: read.version,
                                  isBlindAppend: pending.isBlindAppend, engine: Self.engine, metrics: pending.metrics)
            let bytes = try LogEntryCodec.encode(pending.actions + [.commitInfo(info)])
            if try store.createEntry(version, bytes) {
                if version % checkpointInterval == 0 || bytes.count >= checkpointAfterBytes { try? writeCheckpoint(version) }
                return version
            }
            // Another writer took `version`: check every entry it and others added since.
            let latest = try store.listLog().commits.last ?? version
            var v = version
            while v <= latest {
                guard let winner = try store.readEntry(v) else { break }
                for action in try LogEntryCodec.decode(winner, version: v) {
                    try check(action, against: pending, winner: v)
                    if case .commitInfo(let i) = action { previousTimestamp = max(previousTimestamp, i.timestamp) }
                }
                base = v
                v += 1
            }
        }
    }

    /// Throws when a concurrent action makes `pending` invalid.
    func check(_ action: Action, against pending: PendingCommit, winner: Int64) throws {
        switch action {
        case .protocol, .metadata:
            throw TableError(.conflict, "the table's schema or protocol changed concurrently; re-read the table and try again", version: winner)
        case .remove(let r) where pending.removedPaths.contains(r.path):
            throw TableError(.conflict, "file '\(r.path)' was removed concurrently (another optimize?); re-read the table and try again", version: winner)
        case .txn(let t) where pending.txnIDs.contains(t.appId):
            throw TableError(.conflict, "application '\(t.appId)' committed its version \(t.version) concurrently", version: winner)
        default:
            return
        }
    }

    /// Writes the checkpoint of `version` and points `_last_checkpoint` at it.
    public func writeCheckpoint(_ version: Int64) throws {
        let snapshot = try self.snapshot(asOf: .version(version))
        try Checkpoint.write(snapshot, path: root + "/" + LogLayout.checkpointName(version), fileSystem: store.fileSystem)
        let text = "{\"version\":\(version),\"files\":\(snapshot.fileCount)}\n"
        // Replaced atomically (temporary name, rename). A slow writer may point it back at an
        // older checkpoint; that costs readers some replay, never correctness: they pick the
        // newest checkpoint file they list and only check that this one exists.
        do { try store.fileSystem.replaceFile(root + "/" + LogLayout.lastCheckpoint, with: Array(text.utf8)) } catch {
            throw TableError(.io, "cannot update \(LogLayout.lastCheckpoint): \(error.message)", path: LogLayout.lastCheckpoint)
        }
    }
}
