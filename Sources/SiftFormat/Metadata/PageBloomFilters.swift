/// The page bloom filters of one column chunk (`spec/format.md` §7.7): one split-block filter
/// per page, all of `B` blocks, stored *transposed*: block row `r` holds block `r` of every
/// page, then an XXH3-64 of the row. A key's block index is the same on every page, so one
/// probe reads one row (`32 · pages + 8` bytes) and answers for every page of the chunk.
public struct PageBloomFilters: Sendable, Equatable {
    /// Blocks of each page's filter (block rows of the chunk).
    public let blocksPerPage: Int
    /// Pages the filters cover.
    public let pageCount: Int
    /// What the filters hold.
    public let contents: BloomKeys.Contents
    /// Every block row with its checksum, row after row.
    let bytes: [UInt8]

    /// Bytes of one block row with its checksum.
    public static func rowBytes(pageCount: Int) -> Int { 32 * pageCount + 8 }

    /// The block row a key hash falls in, in filters of `blocksPerPage` blocks (§7.5's block).
    public static func row(of hash: UInt64, blocksPerPage: Int) -> Int {
        Int(((hash >> 32) &* UInt64(blocksPerPage)) >> 32)
    }

    /// Whether page `page`'s block in a block row (its `32 · pages` bytes, checksum excluded or
    /// not) may hold the key: §7.5's probe of that one block.
    public static func mightContain(row: [UInt8], page: Int, hash: UInt64) -> Bool {
        probe(row, blockAt: 32 * page, hash: hash)
    }

    /// §7.5's probe of the block at byte `base` of `bytes`.
    static func probe(_ bytes: [UInt8], blockAt base: Int, hash: UInt64) -> Bool {
        let key = UInt32(truncatingIfNeeded: hash)
        for i in 0..<8 where loadLE(UInt32.self, bytes, at: base + 4 * i) & (1 << ((key &* BloomFilter.salt[i]) >> 27)) == 0 {
            return false
        }
        return true
    }

    /// Filters over all of a chunk's block rows (`blocksPerPage · (32 · pageCount + 8)` bytes).
    package init(bytes: [UInt8], blocksPerPage: Int, pageCount: Int, contents: BloomKeys.Contents) {
        precondition(blocksPerPage >= 1 && bytes.count == blocksPerPage * Self.rowBytes(pageCount: pageCount), "page bloom filters must be whole block rows")
        self.bytes = bytes
        self.blocksPerPage = blocksPerPage
        self.pageCount = pageCount
        self.contents = contents
    }

    /// False means no key inserted into page `page`'s filter has this hash.
    public func mightContain(page: Int, hash: UInt64) -> Bool {
        let start = Self.row(of: hash, blocksPerPage: blocksPerPage) * Self.rowBytes(pageCount: pageCount)
        return Self.probe(bytes, blockAt: start + 32 * page, hash: hash)
    }

    /// The first block row whose stored checksum differs from its bytes, if any.
    public func firstDamagedRow() -> Int? {
        let rowBytes = Self.rowBytes(pageCount: pageCount)
        return (0..<blocksPerPage).first { r in
            let start = r * rowBytes
            return Checksum.hash(bytes, start..<(start + rowBytes - 8)) != loadLE(UInt64.self, bytes, at: start + rowBytes - 8)
        }
    }

    /// Builds the filters of a chunk whose pages hold `pageKeys` (each page's distinct key
    /// hashes): every page gets the blocks the fullest page needs at rate `fpp`, stored as
    /// block rows with their checksums.
    package static func build(pageKeys: [[UInt64]], fpp: Double) -> (bytes: [UInt8], blocksPerPage: Int, maxKeys: Int) {
        let maxKeys = pageKeys.map(\.count).max() ?? 0
        let blocks = BloomFilter.blocks(distinct: max(1, maxKeys), fpp: fpp)
        let pages = pageKeys.map { keys -> [UInt8] in
            var filter = BloomFilter(blocks: blocks)
            filter.insert(hashes: keys)
            return filter.bytes
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(blocks * rowBytes(pageCount: pages.count))
        var w = ByteWriter()
        for r in 0..<blocks {
            let start = bytes.count
            for page in pages { bytes += page[(32 * r)..<(32 * r + 32)] }
            w.bytes.removeAll(keepingCapacity: true)
            w.le(Checksum.hash(bytes, start..<bytes.count))
            bytes += w.bytes
        }
        return (bytes, blocks, maxKeys)
    }
}
