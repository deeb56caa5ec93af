import SiftFormat
import SiftIndex

/// Answers "may this file hold this key?" from a snapshot's index segments, for the planner's
/// `table_index` rule, reading each segment block at most once per scan and counting what it
/// reads. A segment that is missing or damaged answers nothing (nil), so its files are opened
/// as if there were no index: never a wrong answer.
final class TableIndexProbe {
    private let root: String
    private let fileSystem: any FileSystem
    private let schema: Schema
    /// The segment and slot of each covered live file.
    private var slotOf: [String: (segment: IndexAction, slot: Int)] = [:]
    private var headers: [String: IndexSegment] = [:]
    private var broken: Set<String> = []
    /// Block rows read, by segment path and block.
    private var blocks: [String: [Int: ArraySlice<UInt8>]] = [:]
    /// Bytes read from segments.
    private(set) var bytesRead: UInt64 = 0

    init(snapshot: Snapshot, root: String, fileSystem: any FileSystem) {
        self.root = root
        self.fileSystem = fileSystem
        schema = snapshot.schema
        // In log order: a later segment that lists a file replaces an earlier one.
        for segment in snapshot.indexSegments {
            for (slot, file) in segment.files.enumerated() where snapshot.files[file] != nil {
                slotOf[file] = (segment, slot)
            }
        }
    }

    /// Whether any live file is covered (otherwise the rule has nothing to say).
    var isEmpty: Bool { slotOf.isEmpty }

    /// The membership probe of one file; nil when no usable segment covers it.
    func membership(of file: String) -> ((Int, BloomProbe) -> Bool?)? {
        guard let (segment, slot) = slotOf[file], !broken.contains(segment.path) else { return nil }
        return { [self] c, key in
            let field = schema.fields[c]
            guard let raw = segment.columns[field.name], Planner.holds(BloomKeys.Contents(rawValue: raw), key),
                  let hash = key.hash(type: field.type) else { return nil }
            return self.mayHold(segment, slot: slot, fingerprint: IndexSegment.fingerprint(column: field.name, keyHash: hash))
        }
    }

    private func mayHold(_ segment: IndexAction, slot: Int, fingerprint f: UInt32) -> Bool? {
        do {
            let header = try self.header(segment)
            guard slot < header.fileCount else { throw IndexSegmentError("slot \(slot) past \(header.fileCount) files") }
            let b = header.block(f)
            let rows = try blockRows(segment, header, b)
            return header.mayHold(f, slot: slot, blockRows: rows)
        } catch {
            broken.insert(segment.path)
            return nil
        }
    }

    private func read(_ segment: IndexAction, offset: Int, count: Int) throws -> [UInt8] {
        let fd = try fileSystem.openForReading(root + "/" + segment.path)
        defer { fileSystem.close(fd) }
        let bytes = try fileSystem.read(fd, count: count, at: UInt64(offset))
        bytesRead += UInt64(bytes.count)
        guard bytes.count == count else { throw IndexSegmentError("ends early") }
        return bytes
    }

    private func header(_ segment: IndexAction) throws -> IndexSegment {
        if let known = headers[segment.path] { return known }
        guard let header = IndexSegment(header: try read(segment, offset: 0, count: IndexSegment.headerSize)[...], size: Int(segment.size)),
              header.fileCount == segment.files.count else { throw IndexSegmentError("bad header") }
        headers[segment.path] = header
        return header
    }

    private func blockRows(_ segment: IndexAction, _ header: IndexSegment, _ b: Int) throws -> ArraySlice<UInt8> {
        if let known = blocks[segment.path]?[b] { return known }
        let range = header.blockRange(b)
        // The block's rows and, separately, its checksum: two ranged reads of one segment.
        let rows = try read(segment, offset: range.lowerBound, count: range.count)
        let stored: UInt64 = IndexSegment.get(try read(segment, offset: header.checksumOffset(b), count: 8)[...], 0)
        guard rows.withUnsafeBytes({ Checksum.hash($0) }) == stored else { throw IndexSegmentError("block \(b) fails its checksum") }
        blocks[segment.path, default: [:]][b] = rows[...]
        return rows[...]
    }
}
