import SiftFormat
import SiftIndex

/// Answers "may this file hold this key?" from a snapshot's index segments, for the planner's
/// `table_index` rule, reading each segment block at most once per scan and counting what it
/// reads. A segment that is missing or damaged answers nothing (nil), so its files are opened
/// as if there were no index: never a wrong answer.
///
/// Built for tables of 100,000 files: a key's answer for every file of a segment is computed
/// once (one bitmap of candidate slots), so each file then costs a bit test.
final class TableIndexProbe {
    private let root: String
    private let fileSystem: any FileSystem
    private let schema: Schema
    /// The snapshot's segments, in log order.
    private let segments: [IndexAction]
    /// The segment (by position in `segments`) and slot of each covered file.
    private var slotOf: [String: (segment: Int, slot: Int)] = [:]
    /// Each column's fingerprint salt, computed on first use.
    private var salts: [UInt64?]
    private var headers: [Int: IndexSegment] = [:]
    private var broken: Set<Int> = []
    /// Block rows read, by segment and block.
    private var blocks: [Int: [Int: ArraySlice<UInt8>]] = [:]
    /// Candidate slots by segment and fingerprint.
    private var bitmaps: [Int: [UInt32: [UInt8]]] = [:]
    /// Bytes read from segments.
    private(set) var bytesRead: UInt64 = 0

    init(snapshot: Snapshot, root: String, fileSystem: any FileSystem) {
        self.root = root
        self.fileSystem = fileSystem
        schema = snapshot.schema
        segments = snapshot.indexSegments
        salts = Array(repeating: nil, count: snapshot.schema.fields.count)
        // In log order: a later segment that lists a file replaces an earlier one. Files no
        // longer live are never asked about.
        slotOf.reserveCapacity(snapshot.files.count)
        for (s, segment) in segments.enumerated() {
            for (slot, file) in segment.files.enumerated() { slotOf[file] = (s, slot) }
        }
    }

    /// Whether any live file is covered (otherwise the rule has nothing to say).
    var isEmpty: Bool { slotOf.isEmpty }

    /// The membership probe of one file; nil when no usable segment covers it.
    func membership(of file: String) -> ((Int, BloomProbe) -> Bool?)? {
        guard let (segment, slot) = slotOf[file], !broken.contains(segment) else { return nil }
        return { [self] c, key in
            let field = schema.fields[c]
            guard let raw = segments[segment].columns[field.name], Planner.holds(BloomKeys.Contents(rawValue: raw), key),
                  let hash = key.hash(type: field.type) else { return nil }
            let salt = salts[c] ?? IndexSegment.salt(column: field.name)
            salts[c] = salt
            return self.mayHold(segment, slot: slot, fingerprint: IndexSegment.fingerprint(salt: salt, keyHash: hash))
        }
    }

    private func mayHold(_ s: Int, slot: Int, fingerprint f: UInt32) -> Bool? {
        do {
            let bitmap: [UInt8]
            if let known = bitmaps[s]?[f] {
                bitmap = known
            } else {
                let header = try self.header(s)
                bitmap = header.candidateBitmap(f, blockRows: try blockRows(s, header, header.block(f)))
                bitmaps[s, default: [:]][f] = bitmap
            }
            guard slot / 8 < bitmap.count else { throw IndexSegmentError("slot \(slot) past the segment's files") }
            return bitmap[slot / 8] & (1 << UInt8(slot % 8)) != 0
        } catch {
            broken.insert(s)
            return nil
        }
    }

    private func read(_ s: Int, offset: Int, count: Int) throws -> [UInt8] {
        let fd = try fileSystem.openForReading(root + "/" + segments[s].path)
        defer { fileSystem.close(fd) }
        let bytes = try fileSystem.read(fd, count: count, at: UInt64(offset))
        bytesRead += UInt64(bytes.count)
        guard bytes.count == count else { throw IndexSegmentError("ends early") }
        return bytes
    }

    private func header(_ s: Int) throws -> IndexSegment {
        if let known = headers[s] { return known }
        guard let header = IndexSegment(header: try read(s, offset: 0, count: IndexSegment.headerSize)[...], size: Int(segments[s].size)),
              header.fileCount == segments[s].files.count else { throw IndexSegmentError("bad header") }
        headers[s] = header
        return header
    }

    /// A block's rows, read once and checked against their checksum.
    private func blockRows(_ s: Int, _ header: IndexSegment, _ b: Int) throws -> ArraySlice<UInt8> {
        if let known = blocks[s]?[b] { return known }
        let range = header.blockRange(b)
        // The block's rows and, separately, its checksum: two ranged reads of one segment.
        let rows = try read(s, offset: range.lowerBound, count: range.count)
        let stored: UInt64 = IndexSegment.get(try read(s, offset: header.checksumOffset(b), count: 8)[...], 0)
        guard rows.withUnsafeBytes({ Checksum.hash($0) }) == stored else { throw IndexSegmentError("block \(b) fails its checksum") }
        blocks[s, default: [:]][b] = rows[...]
        return rows[...]
    }
}
