import SiftPlatform
import SiftFormat

/// A table index segment (`spec/table.md` §11): which of a set of data files may hold a key,
/// for every file at once, in one read.
///
/// Keys are those of the files' bloom filters (values, IP network prefixes, domain suffixes of
/// the indexed columns), each reduced to a 32-bit fingerprint salted by its column. The
/// segment is a split-block bloom filter per file, stored transposed: for each of the 256 bits
/// of each block, one bitmap over the files. A probe computes its block and 8 bits and reads
/// the block's rows: `256 × ceil(files / 8)` bytes, verified by the block's checksum.
///
/// ```
/// +------------------------------------------------------------------+
/// | magic "SIDX" | version u16 = 1 | 0 u16 | files u32 | blocks u32     |  header, 16 bytes
/// +------------------------------------------------------------------+
/// | block 0: bit 0 -> files bitmap (rowBytes) ... bit 255 -> bitmap    |  blocks × 256 × rowBytes
/// | block 1 ...                                                        |
/// +------------------------------------------------------------------+
/// | XXH3-64 of each block's rows, u64 × blocks                         |
/// +------------------------------------------------------------------+
/// | XXH3-64 of the header and the block checksums | "SIDX"            |  trailer, 12 bytes
/// +------------------------------------------------------------------+
/// ```
/// All integers little-endian; `rowBytes = ceil(files / 8)`, file `i` is bit `i % 8` of byte
/// `i / 8`. Keys themselves are not stored (they would cost more
/// than the filters): merging segments re-reads the indexed columns of their files.
public struct IndexSegment: Sendable, Equatable {
    /// The folder of segments inside the table folder.
    public static let folder = "_sift_index"
    static let magic: [UInt8] = Array("SIDX".utf8)
    static let headerSize = 16
    static let trailerSize = 12
    /// Bits per distinct key of the largest file: about 1% false positives.
    static let bitsPerKey = 10
    /// Salts of the 8 bit positions in a block (those of Parquet's split-block filter).
    static let salts: [UInt32] = [0x47b6_137b, 0x4497_4d91, 0x8824_ad5b, 0xa2b7_289d, 0x7054_95c7, 0x2df1_424b, 0x9efc_4947, 0x5c6b_fb31]

    /// Number of files the segment covers.
    public let fileCount: Int
    /// Blocks of 256 bits per file.
    public let blockCount: Int
    /// Bytes of one bit's bitmap over the files.
    var rowBytes: Int { (fileCount + 7) / 8 }
    /// Bytes of one block's rows.
    var blockBytes: Int { 256 * rowBytes }

    /// The fingerprint of a bloom filter key hash in a column: what segments hold.
    public static func fingerprint(column: String, keyHash: UInt64) -> UInt32 {
        fingerprint(salt: salt(column: column), keyHash: keyHash)
    }

    /// A column's salt (`spec/table.md` §11.1): computed once per column where many keys are
    /// fingerprinted.
    static func salt(column: String) -> UInt64 { BloomKeys.hash(bytes: Array(column.utf8)) }

    /// The fingerprint of a key hash with its column's salt.
    @inline(__always)
    static func fingerprint(salt: UInt64, keyHash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: ((keyHash ^ salt) &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }

    /// The pairs of columns a segment of files written with `clustering` holds (§11.1): its
    /// first two columns, when both are indexed (have bloom filters); none otherwise.
    static func pairs(clustering: ClusteringSpec?, indexed: Set<String>) -> [[String]] {
        guard let columns = clustering?.columns, columns.count >= 2, columns[0] != columns[1],
              indexed.contains(columns[0]), indexed.contains(columns[1]) else { return [] }
        return [[columns[0], columns[1]]]
    }

    /// A pair of columns' salt (§11.1): that of the name `a,b`.
    static func pairSalt(_ a: String, _ b: String) -> UInt64 { salt(column: a + "," + b) }

    /// The pairs of several segments (or writers), each once, in the order first listed.
    static func union(ofPairs lists: some Sequence<[[String]]>) -> [[String]] {
        var out: [[String]] = []
        for list in lists { for pair in list where !out.contains(pair) { out.append(pair) } }
        return out
    }

    /// The key hash of a pair of values (§11.1): XXH64 of the two value key hashes, each a
    /// u64 little-endian, first column first.
    static func pairKeyHash(_ a: UInt64, _ b: UInt64) -> UInt64 {
        withUnsafeBytes(of: (a.littleEndian, b.littleEndian)) { BloomKeys.hash(bytes: $0) }
    }

    /// The fingerprints of the pairs of values of rows of `a` and `b` (two columns of one
    /// batch), rows where either is null left out.
    static func pairFingerprints(_ a: ColumnVector, _ b: ColumnVector, salt: UInt64, into keys: inout Set<UInt32>) {
        let (ha, hb) = (BloomKeys.valueHashes(a), BloomKeys.valueHashes(b))
        for i in ha.indices {
            guard let x = ha[i], let y = hb[i] else { continue }
            keys.insert(fingerprint(salt: salt, keyHash: pairKeyHash(x, y)))
        }
    }

    /// The block a fingerprint falls in.
    package func block(_ f: UInt32) -> Int { Int((UInt64(f) &* UInt64(blockCount)) >> 32) }

    /// The 8 bits (0..<256) a fingerprint sets in its block: one in each 32-bit word.
    static func bits(_ f: UInt32) -> [Int] { salts.enumerated().map { i, salt in 32 * i + Int((f &* salt) >> 27) } }

    /// The encoded segment of files with these fingerprint sets (each sorted and distinct).
    public static func encode(_ fingerprints: [[UInt32]]) -> [UInt8] {
        let largest = fingerprints.map(\.count).max() ?? 0
        let blocks = max(1, (largest * bitsPerKey + 255) / 256)
        let segment = IndexSegment(fileCount: fingerprints.count, blockCount: blocks)
        var rows = [UInt8](repeating: 0, count: blocks * segment.blockBytes)
        for (file, keys) in fingerprints.enumerated() {
            let (byte, mask) = (file / 8, UInt8(1) << UInt8(file % 8))
            for f in keys {
                let base = segment.block(f) * segment.blockBytes
                for bit in bits(f) { rows[base + bit * segment.rowBytes + byte] |= mask }
            }
        }
        var out = magic
        out.reserveCapacity(headerSize + rows.count + 8 * blocks + trailerSize)
        put(UInt16(1), &out); put(UInt16(0), &out); put(UInt32(fingerprints.count), &out); put(UInt32(blocks), &out)
        out += rows
        var tail: [UInt8] = []
        for b in 0..<blocks {
            let region = (b * segment.blockBytes)..<((b + 1) * segment.blockBytes)
            put(rows.withUnsafeBytes { Checksum.hash(UnsafeRawBufferPointer(rebasing: $0[region])) }, &tail)
        }
        out += tail
        put(Checksum.hash(Array(out[0..<headerSize]) + tail), &out)
        out += magic
        return out
    }

    static func put<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }

    static func get<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, _ at: Int) -> T {
        var v: T = 0
        withUnsafeMutableBytes(of: &v) { dst in for i in 0..<MemoryLayout<T>.size { dst[i] = bytes[bytes.startIndex + at + i] } }
        return T(littleEndian: v)
    }

    /// The segment described by a header; nil when the bytes are not a segment header.
    init?(header: ArraySlice<UInt8>, size: Int) {
        guard header.count >= Self.headerSize, Array(header.prefix(4)) == Self.magic, Self.get(header, 4) as UInt16 == 1 else { return nil }
        let files = Int(Self.get(header, 8) as UInt32), blocks = Int(Self.get(header, 12) as UInt32)
        guard files > 0, blocks > 0, blocks <= 1 << 24 else { return nil }
        self.init(fileCount: files, blockCount: blocks)
        // The blocks, their checksums and the trailer must fit the file.
        guard Self.headerSize + blocks * blockBytes + 8 * blocks + Self.trailerSize <= size else { return nil }
    }

    init(fileCount: Int, blockCount: Int) {
        self.fileCount = fileCount
        self.blockCount = blockCount
    }

    /// Byte range of a block's rows, and of its checksum, in the segment.
    package func blockRange(_ b: Int) -> Range<Int> { (Self.headerSize + b * blockBytes)..<(Self.headerSize + (b + 1) * blockBytes) }
    func checksumOffset(_ b: Int) -> Int { Self.headerSize + blockCount * blockBytes + 8 * b }

    /// Whether file `slot`'s filter may hold fingerprint `f`, given the rows of `f`'s block:
    /// its bit in all eight rows.
    package func mayHold(_ f: UInt32, slot: Int, blockRows: ArraySlice<UInt8>) -> Bool {
        let (byte, mask) = (slot / 8, UInt8(1) << UInt8(slot % 8))
        return Self.bits(f).allSatisfy { blockRows[blockRows.startIndex + $0 * rowBytes + byte] & mask != 0 }
    }

    /// Files (by position in the segment) whose filter may hold fingerprint `f`, given its
    /// block's rows.
    package func candidates(_ f: UInt32, blockRows: ArraySlice<UInt8>) -> [Bool] {
        let bitmap = candidateBitmap(f, blockRows: blockRows)
        return (0..<fileCount).map { bitmap[$0 / 8] & (1 << UInt8($0 % 8)) != 0 }
    }

    /// The same as a bitmap (file `i` is bit `i % 8` of byte `i / 8`): the AND of the eight rows
    /// `f` selects, computed once for every file of the segment, so a planner asking about
    /// 100,000 files pays one bit test per file.
    package func candidateBitmap(_ f: UInt32, blockRows: ArraySlice<UInt8>) -> [UInt8] {
        var bitmap = [UInt8](repeating: 0xFF, count: rowBytes)
        blockRows.withUnsafeBufferPointer { rows in
            bitmap.withUnsafeMutableBufferPointer { out in
                for bit in Self.bits(f) {
                    let start = bit * rowBytes
                    for j in 0..<rowBytes { out[j] &= rows[start + j] }
                }
            }
        }
        return bitmap
    }

    /// Checks a whole segment: its header, every block's checksum and the trailer.
    /// Throws a description of the first problem.
    package static func check(_ bytes: [UInt8]) throws -> IndexSegment {
        let all = bytes[...]
        guard let segment = IndexSegment(header: all, size: bytes.count) else { throw IndexSegmentError("not an index segment") }
        guard bytes.count == checksumsEnd(segment) + trailerSize, Array(bytes.suffix(4)) == magic else {
            throw IndexSegmentError("\(bytes.count) bytes, the header implies \(checksumsEnd(segment) + trailerSize)")
        }
        for b in 0..<segment.blockCount {
            let range = segment.blockRange(b)
            let stored: UInt64 = get(all, segment.checksumOffset(b))
            guard bytes.withUnsafeBytes({ Checksum.hash(UnsafeRawBufferPointer(rebasing: $0[range])) }) == stored else {
                throw IndexSegmentError("block \(b) fails its checksum")
            }
        }
        let tail = Array(bytes[segment.checksumOffset(0)..<checksumsEnd(segment)])
        guard (get(all, checksumsEnd(segment)) as UInt64) == Checksum.hash(Array(bytes[0..<headerSize]) + tail) else {
            throw IndexSegmentError("the trailer checksum does not match")
        }
        return segment
    }

    static func checksumsEnd(_ s: IndexSegment) -> Int { s.checksumOffset(s.blockCount) }
}

extension IndexSegment {
    /// The fingerprints of the keys a data file's `columns` hold (read from the file): what a
    /// segment holds of it, for merging segments and for `verify`.
    static func fingerprints(of reader: SiftReader, columns: some Sequence<String>, pairs: [[String]] = []) throws -> Set<UInt32> {
        var keys = Set<UInt32>()
        for name in columns {
            guard let c = reader.schema.index(of: name) else { continue }
            let salt = salt(column: name)
            for g in reader.metadata.rowGroups.indices {
                for key in BloomKeys.keys(of: try reader.readColumn(rowGroup: g, column: c), field: reader.schema.fields[c]) {
                    keys.insert(fingerprint(salt: salt, keyHash: key))
                }
            }
        }
        for pair in pairs {
            guard pair.count == 2, let a = reader.schema.index(of: pair[0]), let b = reader.schema.index(of: pair[1]) else { continue }
            let salt = pairSalt(pair[0], pair[1])
            for g in reader.metadata.rowGroups.indices {
                pairFingerprints(try reader.readColumn(rowGroup: g, column: a), try reader.readColumn(rowGroup: g, column: b), salt: salt, into: &keys)
            }
        }
        return keys
    }

    /// Writes the segment of these files' keys into `_sift_index/` under a new name (temporary
    /// name, fsync, rename), for the commit that will reference it.
    static func write(_ files: [(path: String, keys: [UInt32])], columns: [String: UInt8], pairs: [[String]] = [], root: String,
                      fileSystem: any FileSystem) throws -> IndexAction {
        let bytes = encode(files.map(\.keys))
        let path = folder + "/" + UUID().uuidString.lowercased() + ".sidx"
        do {
            try fileSystem.createFolder(root + "/" + folder)
            try fileSystem.replaceFile(root + "/" + path, with: bytes)
        } catch {
            throw TableError(.io, "cannot write the index segment: \(error.message)", path: path)
        }
        return IndexAction(path: path, files: files.map(\.path), columns: columns, size: Int64(bytes.count), pairs: pairs)
    }
}

/// A damaged or unreadable index segment. Readers fall back to opening files; `verify` reports it.
struct IndexSegmentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
