/// The page bloom filters of one column chunk (`spec/format.md` §7.7), read and checked: one
/// split-block filter per page, all of the same size, so a probe of any page is one block.
public struct PageBloomFilters: Sendable, Equatable {
    /// Blocks of each page's filter.
    public let blocksPerPage: Int
    /// What the filters hold.
    public let contents: BloomKeys.Contents
    /// The filters' bytes, page after page.
    let bytes: [UInt8]

    /// Filters over `bytes` (`pageCount · blocksPerPage · 32` bytes).
    package init(bytes: [UInt8], blocksPerPage: Int, contents: BloomKeys.Contents) {
        precondition(blocksPerPage >= 1 && bytes.count % (blocksPerPage * 32) == 0, "page bloom filters must be whole pages of blocks")
        self.bytes = bytes
        self.blocksPerPage = blocksPerPage
        self.contents = contents
    }

    /// Pages the filters cover.
    public var pageCount: Int { bytes.count / (blocksPerPage * 32) }

    /// False means no key inserted into page `page`'s filter has this hash (§7.5's probe, over
    /// that page's blocks).
    public func mightContain(page: Int, hash: UInt64) -> Bool {
        let block = Int(((hash >> 32) &* UInt64(blocksPerPage)) >> 32)
        let base = (page * blocksPerPage + block) * 32
        let key = UInt32(truncatingIfNeeded: hash)
        for i in 0..<8 where loadLE(UInt32.self, bytes, at: base + 4 * i) & (1 << ((key &* BloomFilter.salt[i]) >> 27)) == 0 {
            return false
        }
        return true
    }

    /// Builds the filters of a chunk whose pages hold `pageKeys` (each page's distinct key
    /// hashes): every page gets the blocks the fullest page needs at rate `fpp`.
    package static func build(pageKeys: [[UInt64]], fpp: Double) -> (bytes: [UInt8], blocksPerPage: Int, maxKeys: Int) {
        let maxKeys = pageKeys.map(\.count).max() ?? 0
        let blocks = BloomFilter.blocks(distinct: max(1, maxKeys), fpp: fpp)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pageKeys.count * blocks * 32)
        for keys in pageKeys {
            var filter = BloomFilter(blocks: blocks)
            filter.insert(hashes: keys)
            bytes += filter.bytes
        }
        return (bytes, blocks, maxKeys)
    }
}
