import Dispatch
import SiftFormat
import SiftIndex
import SiftScan

/// The batches of a table scan, pulled rather than pushed: `for try await batch in batches` in
/// async code, or `while let batch = try batches.next()` in synchronous code.
///
/// The scan runs on a thread of its own, at most a few batches ahead of the consumer, so memory
/// stays bounded however large the result (`BatchPuller`). Leaving the loop early, cancelling
/// the task or calling ``close()`` stops it; ``ledger`` says what it read and skipped once it
/// has run to its end.
///
/// ```swift
/// let batches = try table.scan(where: "dst_port = 443", columns: ["ts", "dst_ip"])
/// for try await batch in batches {
///     rows += batch.rowCount
///     let ips = batch["dst_ip"]?.ipv4s ?? []
/// }
/// print(batches.ledger?.bytesRead ?? 0)
/// ```
public final class ScanBatches: AsyncSequence, Sendable {
    public typealias Element = RecordBatch

    private let puller: BatchPuller<RecordBatch, SkipLedger>
    /// The scan's output schema (the projected columns, in order).
    public let schema: Schema

    /// Batches of `scan` (its planning happens when the first batch is asked for).
    public init(_ scan: TableScan) throws {
        schema = try scan.outputSchema
        puller = BatchPuller { sink in try scan.run(sink) }
    }

    /// The next batch, waiting for it; nil at the end.
    /// - Throws: the scan's error (a damaged file, say), after the batches before it.
    public func next() throws -> RecordBatch? { try puller.next() }

    /// What the scan read and skipped; nil until it has run to its end.
    public var ledger: SkipLedger? { puller.summary }

    /// Stops the scan and waits for its thread; further `next()` calls return nil.
    public func close() { puller.close() }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(puller: puller) }

    /// Pulls batches without blocking the caller's executor: each wait happens on a dispatch
    /// thread. Cancelling the task stops the scan.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let puller: BatchPuller<RecordBatch, SkipLedger>

        public mutating func next() async throws -> RecordBatch? {
            try Task.checkCancellation()
            let puller = self.puller
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RecordBatch?, Error>) in
                    DispatchQueue.global().async { continuation.resume(with: Result { try puller.next() }) }
                }
            } onCancel: {
                puller.close()
            }
        }
    }
}

extension TableScan {
    /// This scan's batches, pulled (see ``ScanBatches``).
    public func batches() throws -> ScanBatches { try ScanBatches(self) }
}

extension Table {
    /// Scans the table (its latest version, or as of `asOf`) for the rows a predicate accepts.
    /// - Parameters:
    ///   - predicate: a predicate in the language of `spec/predicates.md`, or nil for every row.
    ///   - columns: the columns to return, in order; nil for all.
    ///   - asOf: a version or time to read instead of the latest version.
    /// - Returns: the matching rows as pulled batches, in file order.
    /// - Throws: `PredicateSyntaxError` for a predicate that does not parse, `BindError` for one that
    ///   does not fit the schema, `TableError` for an unknown column or a damaged log.
    public func scan(where predicate: String? = nil, columns: [String]? = nil, asOf: TimeTravel? = nil) throws -> ScanBatches {
        try scan(try predicate.map { try RowPredicate.parse($0) }, columns: columns, asOf: asOf)
    }

    /// Scans the table for the rows a parsed predicate accepts (see ``scan(where:columns:asOf:)``).
    public func scan(_ predicate: RowPredicate?, columns: [String]? = nil, asOf: TimeTravel? = nil) throws -> ScanBatches {
        try TableScan(table: self, snapshot: try snapshot(asOf: asOf), predicate: predicate, columns: columns).batches()
    }
}
