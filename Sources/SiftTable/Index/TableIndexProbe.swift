import Synchronization
import SiftFormat
import SiftIndex

/// The segment bytes one scan reads (headers, checked blocks), shared by the probes of the
/// parts of a plan that runs on several threads, so each block is read and counted once. A
/// segment that failed to read stays failed for every probe.
final class SegmentReads: Sendable {
    private struct State {
        var headers: [Int: IndexSegment] = [:]
        var blocks: [Int: [Int: ArraySlice<UInt8>]] = [:]
        var failed: Set<Int> = []
        var bytesRead: UInt64 = 0
    }
    private let state = Mutex(State())
    /// Held while a header or block is read, so parts asking for the same one at once read it once.
    private let loading = Mutex(())
    let root: String
    let fileSystem: any FileSystem
    let segments: [IndexAction]
    let fileCounts: [Int]

    init(snapshot: Snapshot, root: String, fileSystem: any FileSystem) {
        self.root = root
        self.fileSystem = fileSystem
        segments = snapshot.segmentList.heads
        fileCounts = snapshot.segmentList.fileCounts
    }

    /// Bytes read from segments.
    var bytesRead: UInt64 { state.withLock { $0.bytesRead } }

    private func read(_ s: Int, offset: Int, count: Int) throws -> [UInt8] {
        let fd = try fileSystem.openForReading(root + "/" + segments[s].path)
        defer { fileSystem.close(fd) }
        let bytes = try fileSystem.read(fd, count: count, at: UInt64(offset))
        state.withLock { $0.bytesRead += UInt64(bytes.count) }
        guard bytes.count == count else { throw IndexSegmentError("ends early") }
        return bytes
    }

    /// What `cached` finds in the state, or else what `load` makes (and stores): made once
    /// however many parts ask at the same time (under `loading`), and a failure of segment `s`
    /// remembered, so later calls fail at once.
    private func once<T>(_ s: Int, _ cached: (State) -> T?, _ load: () throws -> T) throws -> T {
        if let known = state.withLock({ cached($0) }) { return known }
        return try loading.withLock { _ in
            if let known = state.withLock({ cached($0) }) { return known }
            if state.withLock({ $0.failed.contains(s) }) { throw IndexSegmentError("failed before") }
            do { return try load() } catch {
                state.withLock { _ = $0.failed.insert(s) }
                throw error
            }
        }
    }

    func header(_ s: Int) throws -> IndexSegment {
        try once(s, { $0.headers[s] }) {
            guard let header = IndexSegment(header: try read(s, offset: 0, count: IndexSegment.headerSize)[...], size: Int(segments[s].size)),
                  header.fileCount == fileCounts[s] else { throw IndexSegmentError("bad header") }
            state.withLock { $0.headers[s] = header }
            return header
        }
    }

    /// A block's rows, read once and checked against their checksum.
    func blockRows(_ s: Int, _ header: IndexSegment, _ b: Int) throws -> ArraySlice<UInt8> {
        try once(s, { $0.blocks[s]?[b] }) {
            let range = header.blockRange(b)
            // The block's rows and, separately, its checksum: two ranged reads of one segment.
            let rows = try read(s, offset: range.lowerBound, count: range.count)
            let stored: UInt64 = IndexSegment.get(try read(s, offset: header.checksumOffset(b), count: 8)[...], 0)
            guard rows.withUnsafeBytes({ Checksum.hash($0) }) == stored else { throw IndexSegmentError("block \(b) fails its checksum") }
            state.withLock { $0.blocks[s, default: [:]][b] = rows[...] }
            return rows[...]
        }
    }
}

/// Answers "may this file hold this key?" from a snapshot's index segments, for the planner's
/// `table_index` rule, reading each segment block at most once per scan and counting what it
/// reads. A segment that is missing or damaged answers nothing (nil), so its files are opened
/// as if there were no index: never a wrong answer.
///
/// Built for tables of 100,000 files: a key's answer for every file of a segment is computed
/// once (one bitmap of candidate slots), so each file then costs a bit test.
final class TableIndexProbe {
    private let reads: SegmentReads
    private let schema: Schema
    /// The snapshot's segments, in log order (their lists of files may be left out).
    private let segments: [IndexAction]
    /// The segment and slot of each live file, by position in the snapshot's sorted files.
    private let slots: [PlanningAids.IndexSlot]
    /// Each column's fingerprint salt, computed on first use.
    private var salts: [UInt64?]
    private var broken: Set<Int> = []
    /// Candidate slots by segment and fingerprint.
    private var bitmaps: [[UInt32: [UInt8]]]
    /// Each segment's indexed contents by table column, decoded on first use.
    private var contentsBySegment: [[BloomKeys.Contents?]?]
    private var lastFingerprint: (column: Int, key: BloomProbe, contents: BloomKeys.Contents, fingerprint: UInt32)?
    private var lastBitmap: (segment: Int, fingerprint: UInt32, bitmap: [UInt8])?
    /// Each segment's pairs of columns (§11.1) as table column positions, resolved on first use.
    private var pairsBySegment: [[(a: Int, b: Int)]?]
    private var lastPair: (a: Int, x: Key, b: Int, y: Key, fingerprint: UInt32)?
    /// Bytes read from segments (by every probe sharing this one's reads).
    var bytesRead: UInt64 { reads.bytesRead }

    /// A probe reading through `reads` (shared with the other parts of one plan).
    init(snapshot: Snapshot, reads: SegmentReads) {
        self.reads = reads
        schema = snapshot.schema
        segments = reads.segments
        slots = snapshot.planningAids.indexSlots(snapshot)
        salts = Array(repeating: nil, count: snapshot.schema.fields.count)
        bitmaps = Array(repeating: [:], count: segments.count)
        contentsBySegment = Array(repeating: nil, count: segments.count)
        pairsBySegment = Array(repeating: nil, count: segments.count)
    }

    /// Whether a usable segment covers file `file` (by position in the snapshot's sorted
    /// files); a file that is not covered is opened as if there were no index.
    func covers(_ file: Int) -> Bool {
        let s = slots[file].segment
        return s >= 0 && !broken.contains(Int(s))
    }

    /// Whether file `file` may hold `key` in column `c`; nil when no usable segment answers.
    func mayHold(file: Int, column c: Int, key: BloomProbe) -> Bool? {
        let location = slots[file]
        guard location.segment >= 0 else { return nil }
        let segment = Int(location.segment)
        guard !broken.contains(segment), let contents = contents(segment, c), Planner.holds(contents, key),
              let f = fingerprint(column: c, key: key, contents: contents) else { return nil }
        return mayHold(segment, slot: Int(location.slot), fingerprint: f)
    }

    /// Whether file `file` may hold a row with value `a` in column `ca` and `b` in column `cb`,
    /// from the segment's pair keys (§11.1); nil when its segment holds no such pair (or is
    /// unusable).
    func mayHoldPair(file: Int, _ ca: Int, _ a: Key, _ cb: Int, _ b: Key) -> Bool? {
        let location = slots[file]
        guard location.segment >= 0 else { return nil }
        let segment = Int(location.segment)
        guard !broken.contains(segment), let f = pairFingerprint(segment, ca, a, cb, b) else { return nil }
        return mayHold(segment, slot: Int(location.slot), fingerprint: f)
    }

    /// The fingerprint of a pair of values in a segment that holds that pair of columns (in
    /// either order: the key is made in the segment's order); the last one asked is kept, as a
    /// needle asks the same pair of every file in turn.
    private func pairFingerprint(_ s: Int, _ ca: Int, _ a: Key, _ cb: Int, _ b: Key) -> UInt32? {
        if pairsBySegment[s] == nil {
            pairsBySegment[s] = segments[s].pairs.compactMap { p in schema.index(of: p[0]).flatMap { x in schema.index(of: p[1]).map { (x, $0) } } }
        }
        let pairs = pairsBySegment[s]!
        let (c0, v0, c1, v1): (Int, Key, Int, Key)
        if pairs.contains(where: { $0 == (ca, cb) }) { (c0, v0, c1, v1) = (ca, a, cb, b) } else if pairs.contains(where: { $0 == (cb, ca) }) { (c0, v0, c1, v1) = (cb, b, ca, a) } else { return nil }
        if let last = lastPair, last.a == c0, last.b == c1, last.x == v0, last.y == v1 { return last.fingerprint }
        guard let h0 = BloomProbe.value(v0).hash(type: schema.fields[c0].type, contents: .values),
              let h1 = BloomProbe.value(v1).hash(type: schema.fields[c1].type, contents: .values) else { return nil }
        let f = IndexSegment.fingerprint(salt: IndexSegment.pairSalt(schema.fields[c0].name, schema.fields[c1].name), keyHash: IndexSegment.pairKeyHash(h0, h1))
        lastPair = (c0, v0, c1, v1, f)
        return f
    }

    /// What segment `s` indexes of column `c` (nil: not that column), looked up once.
    private func contents(_ s: Int, _ c: Int) -> BloomKeys.Contents? {
        if contentsBySegment[s] == nil {
            let columns = segments[s].columns
            contentsBySegment[s] = schema.fields.map { field in columns[field.name].map { BloomKeys.Contents(rawValue: $0) } }
        }
        return contentsBySegment[s]![c]
    }

    /// The fingerprint of `key` in column `c` of a segment holding `contents`: the same for
    /// segments alike, so the last one asked is kept (a needle asks one key of every file in
    /// turn). Segments written before fine network prefixes hold a /20 search as its /16.
    private func fingerprint(column c: Int, key: BloomProbe, contents: BloomKeys.Contents) -> UInt32? {
        if let last = lastFingerprint, last.column == c, last.key == key, last.contents == contents { return last.fingerprint }
        let field = schema.fields[c]
        guard let hash = key.hash(type: field.type, contents: contents) else { return nil }
        let salt = salts[c] ?? IndexSegment.salt(column: field.name)
        salts[c] = salt
        let f = IndexSegment.fingerprint(salt: salt, keyHash: hash)
        lastFingerprint = (c, key, contents, f)
        return f
    }

    private func mayHold(_ s: Int, slot: Int, fingerprint f: UInt32) -> Bool? {
        // Files in path order mostly share a segment: the bitmap asked last answers without a
        // dictionary lookup.
        if let last = lastBitmap, last.segment == s, last.fingerprint == f {
            return slot / 8 < last.bitmap.count ? last.bitmap[slot / 8] & (1 << UInt8(slot % 8)) != 0 : mayHoldChecked(s, slot: slot, fingerprint: f)
        }
        return mayHoldChecked(s, slot: slot, fingerprint: f)
    }

    private func mayHoldChecked(_ s: Int, slot: Int, fingerprint f: UInt32) -> Bool? {
        do {
            let bitmap: [UInt8]
            if let known = bitmaps[s][f] {
                bitmap = known
            } else {
                let header = try reads.header(s)
                bitmap = header.candidateBitmap(f, blockRows: try reads.blockRows(s, header, header.block(f)))
                bitmaps[s][f] = bitmap
            }
            lastBitmap = (s, f, bitmap)
            guard slot / 8 < bitmap.count else { throw IndexSegmentError("slot \(slot) past the segment's files") }
            return bitmap[slot / 8] & (1 << UInt8(slot % 8)) != 0
        } catch {
            broken.insert(s)
            return nil
        }
    }
}
