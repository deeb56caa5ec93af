import Foundation
import SiftFormat
import SiftIndex
import SiftNDJSON
import SiftPipeline
import SiftScan
import SiftTable

// libFuzzer targets for every decoder and parser that reads bytes an attacker may write
// (issue 18). One product, `sift-fuzz`; the target is chosen by `SIFT_FUZZ_TARGET`:
//
//   reader      a Sift file: footer, page index, every encoding and codec, blooms, statistics
//   predicate   the predicate parser and binder, and evaluation over bounds
//   log         a table log entry (both decoders) replayed into a snapshot
//   checkpoint  a checkpoint file
//   index       a table index segment
//   ndjson      NDJSON schema inference and import
//   wrapper     the ingest wrapper and every event parser
//   rules       a detection rules file
//
// `make fuzz FUZZ_SECONDS=N` builds it with `-sanitize=fuzzer,address -DSIFT_FUZZING` (the
// fuzzing build skips checksum comparisons so mutations reach the decoders) and runs each.
// Every input must end in success or a thrown error: a trap, a hang or a leak is a finding.
// Without the fuzzer (`swift build`), `sift-fuzz TARGET FILE...` replays inputs, so a
// crasher found once becomes a test (`Tests/.../FuzzRegressionTests` replays corpus/fuzz).

/// Runs one input through one target.
public func fuzzOne(_ target: String, _ data: [UInt8]) {
    switch target {
    case "reader": fuzzReader(data)
    case "predicate": fuzzPredicate(data)
    case "log": fuzzLog(data)
    case "checkpoint": fuzzCheckpoint(data)
    case "index": fuzzIndex(data)
    case "ndjson": fuzzNDJSON(data)
    case "wrapper": fuzzWrapper(data)
    case "rules": fuzzRules(data)
    default: break
    }
}

/// The targets, in the order `make fuzz` runs them.
public let fuzzTargets = ["reader", "predicate", "log", "checkpoint", "index", "ndjson", "wrapper", "rules"]

func fuzzReader(_ data: [UInt8]) {
    guard let reader = try? SiftReader(source: MemorySource(data, name: "fuzz.sift")) else { return }
    _ = try? reader.verify()
    let schema = reader.schema
    for g in reader.metadata.rowGroups.indices.prefix(4) {
        for c in schema.fields.indices.prefix(16) { _ = try? reader.readColumn(rowGroup: g, column: c) }
    }
    // A needle on the first column, through the planner's blooms, page indexes and the scan.
    if let first = schema.fields.first, let text = needle(for: first) {
        _ = try? Scanner(reader: reader, where: text).scan { _ in true }
    }
}

/// A predicate on `field` that exercises its blooms and zone maps.
func needle(for field: Field) -> String? {
    switch field.type {
    case .ipv4, .ipv6: "\(field.name) in 10.0.0.0/8 or \(field.name) = 203.0.113.7"
    case .string: field.hint == .domain ? "\(field.name) ends_with '.evil.example'" : "\(field.name) = 'x'"
    case .int32, .int64, .uint16, .uint32: "\(field.name) between 10 and 1000"
    case .timestamp: "\(field.name) >= '2026-08-01'"
    case .float64: "\(field.name) > 0.5"
    case .bool: "\(field.name) = true"
    case .binary: nil
    }
}

let predicateSchema = try! Schema([
    Field("ts", .timestamp), Field("src_ip", .ipv4), Field("dst_ip", .ipv6), Field("domain", .string, hint: .domain),
    Field("port", .uint16), Field("bytes", .int64), Field("score", .float64), Field("ok", .bool), Field("blob", .binary),
])

func fuzzPredicate(_ data: [UInt8]) {
    guard let text = String(validating: data, as: UTF8.self),
          let parsed = try? RowPredicate.parse(text, fileSystem: nil),
          let bound = try? parsed.bind(to: predicateSchema) else { return }
    let stats = Statistics(nullCount: 1, min: [0, 0, 0, 0, 0, 0, 0, 0], max: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0], minExact: true, maxExact: false)
    _ = Evidence(bounds: { c in ColumnBounds(stats, rows: 10, type: predicateSchema.fields[c].type) }, membership: { _, _ in false }).evaluate(bound)
    _ = parsed.columns
}

func fuzzLog(_ data: [UInt8]) {
    guard let actions = try? LogEntryCodec.decode(data, version: 1) else { return }
    var builder = SnapshotBuilder()
    let create: [Action] = [.protocol(.current), .metadata(MetadataAction(id: "f", schema: MetadataAction.fields(predicateSchema), partitionBy: [],
                                                                          clusterBy: nil, properties: [:], createdTime: 0)),
                          .commitInfo(CommitInfo(timestamp: 0, operation: "create", parameters: [:], readVersion: nil, isBlindAppend: false, engine: "fuzz", metrics: [:]))]
    // The create commit must apply, or the mutated entry would never be replayed.
    do { try builder.apply(create, version: 0) } catch { fatalError("the fuzz target's create commit is refused: \(error)") }
    try? builder.apply(actions, version: 1)
    _ = try? builder.snapshot()
}

func fuzzCheckpoint(_ data: [UInt8]) {
    guard let reader = try? SiftReader(source: MemorySource(data, name: "fuzz.checkpoint.sift")),
          let builder = try? Checkpoint.read(reader, version: Int64(reader.metadata.keyValues.first { $0.0 == Checkpoint.versionKey }.flatMap { Int64($0.1) } ?? 0)),
          let snapshot = try? builder.snapshot() else { return }
    // What planning and the index's users ask of a snapshot loaded from a checkpoint: files by
    // position and by path, each column's bounds, partition groups, index slots and the
    // segments' lists of files put together from them.
    Snapshot.exerciseForFuzzing(snapshot)
}

func fuzzIndex(_ data: [UInt8]) {
    guard let segment = try? IndexSegment.check(data) else { return }
    for f in [UInt32(0), 0xFFFF_FFFF, 0x1234_5678] {
        _ = segment.candidates(f, blockRows: data[segment.blockRange(segment.block(f))])
    }
}

func fuzzNDJSON(_ data: [UInt8]) {
    data.withUnsafeBufferPointer { buffer in
        var inference = SchemaInference()
        var ok = true
        NDJSONLines.forEach(buffer) { range, _ in
            if ok { do { try inference.observe(buffer, range) } catch { ok = false } }
        }
        guard ok, let schema = try? inference.schema() else { return }
        var builder = NDJSONBatchBuilder(schema: schema)
        NDJSONLines.forEach(buffer) { range, line in try? builder.append(buffer, range, line: line) }
        _ = builder.takeBatch()
    }
}

func fuzzWrapper(_ data: [UInt8]) {
    data.withUnsafeBufferPointer { buffer in
        let parsers = Array(ParserRegistry.standard.parsers.values)
        NDJSONLines.forEach(buffer) { range, line in
            guard let event = try? WrappedEvent.parse(buffer, range) else { return }
            let parser = ParserRegistry.standard.parser(for: event.eventType) ?? parsers[line % parsers.count]
            guard let fields = try? RawFields(json: event.raw) else { return }
            var row = RowWriter()
            try? parser.parse(fields, source: event.source, into: &row)
        }
    }
}

func fuzzRules(_ data: [UInt8]) {
    _ = try? RulesFile(data: Data(data), path: "/nonexistent/rules.json")
}

// MARK: Entry points for the C `main` (Sources/SiftFuzzMain/main.c)

/// libFuzzer's callback: one input for the target `SIFT_FUZZ_TARGET` names (default `reader`).
@_cdecl("sift_fuzz_one")
public func fuzzEntry(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    fuzzOne(currentTarget, data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
    return 0
}

let currentTarget = ProcessInfo.processInfo.environment["SIFT_FUZZ_TARGET"] ?? "reader"

/// Without the fuzzer: `sift-fuzz TARGET FILE...` replays inputs through a target.
@_cdecl("sift_fuzz_replay")
public func fuzzReplay(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    let arguments = (1..<Int(argc)).map { String(cString: argv[$0]!) }
    guard let target = arguments.first, fuzzTargets.contains(target) else {
        FileHandle.standardError.write(Data("usage: sift-fuzz \(fuzzTargets.joined(separator: "|")) FILE...\n".utf8))
        return 2
    }
    for path in arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else { continue }
        fuzzOne(target, Array(data))
    }
    print("replayed \(arguments.count - 1) inputs through \(target)")
    return 0
}
