import SiftPlatform
import SiftFormat
import SiftTable

/// A warehouse: a folder of Sift tables (`spec/pipeline.md` §2): `staging/` (every event, as
/// it arrived), `quarantine/` (everything rejected, with the reason), `refined/<name>/` (parsed
/// events of a common schema), and `_pipeline/` (the checkpoints of ingest and parse).
public struct Warehouse: Sendable {
    public let root: String
    public let staging: Table
    public let quarantine: Table
    /// Called as parse and reparse work through staged files (from any thread): what they are
    /// doing, and the rows and bytes of staged data just done out of `totalBytes`.
    public var progress: (@Sendable (PipelineStep) -> Void)?

    /// Opens a warehouse, creating its folder and the staging and quarantine tables if missing.
    public init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root + "/_pipeline", withIntermediateDirectories: true)
        staging = try Self.openOrCreate(root + "/staging", schema: Self.stagingSchema, partitionBy: ["date(ts)", "event_type"])
        quarantine = try Self.openOrCreate(root + "/quarantine", schema: Self.quarantineSchema, partitionBy: ["stage"])
    }

    /// A refined table, created on first use with its schema, partitioned by date and source
    /// event type, clustered by IP (and domain) for optimize.
    public func refined(_ kind: RefinedKind) throws -> Table {
        try Self.openOrCreate(refinedPath(kind), schema: kind.schema, partitionBy: ["date(time)", "event_type"],
                              clusterBy: ClusteringSpec(curve: .hilbert, columns: kind.clusterColumns))
    }

    public func refinedPath(_ kind: RefinedKind) -> String { root + "/refined/" + kind.rawValue }

    /// The refined tables that exist.
    public func existingRefined() -> [(RefinedKind, Table)] {
        RefinedKind.allCases.compactMap { kind in (try? Table(root: refinedPath(kind))).map { (kind, $0) } }
    }

    static func openOrCreate(_ path: String, schema: Schema, partitionBy: [String], clusterBy: ClusteringSpec? = nil) throws -> Table {
        // A listing of the log says whether the table exists (reading its history would read
        // every commit).
        if let table = try? Table(root: path), (try? table.store.listLog().commits.isEmpty) == false { return table }
        do {
            return try Table.create(at: path, schema: schema, partitionBy: partitionBy, clusterBy: clusterBy)
        } catch let error as TableError where error.code == .alreadyExists {
            return try Table(root: path)   // another process created it first
        }
    }

    /// Every wrapped event as it arrived (`spec/pipeline.md` §3).
    public static let stagingSchema = try! Schema([
        Field("ts", .timestamp, nullable: false), Field("event_type", .string, nullable: false),
        Field("source", .string, nullable: false), Field("raw", .string, nullable: false, hint: .json),
        Field("file", .string), Field("line", .int64),
    ])

    /// Everything rejected: wrappers that do not parse, events no parser takes or a parser rejects.
    public static let quarantineSchema = try! Schema([
        Field("time", .timestamp, nullable: false), Field("stage", .string, nullable: false),
        Field("reason", .string, nullable: false), Field("file", .string), Field("line", .int64),
        Field("event_type", .string), Field("parser", .string), Field("parser_version", .int32),
        Field("event_ts", .timestamp), Field("raw", .binary, nullable: false),
    ])
}

/// A step of pipeline work, for progress reports.
public struct PipelineStep: Sendable {
    /// What is being done ("parsing staged files", "writing conn").
    public var stage: String
    /// Rows just done.
    public var rows: Int
    /// Bytes of staged files just read.
    public var bytes: Int
    /// Bytes of staged files the stage reads in all (0: not known).
    public var totalBytes: Int
}
