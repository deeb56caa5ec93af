import SiftIndex

/// A file scan's running account: the ledger it returns, and what it has read already, so
/// each bloom filter segment and page index is counted once however often it is used.
struct ScanAccount {
    var ledger = SkipLedger()
    /// Bloom filter segments read, as (row group << 40 | column << 20 | segment).
    var bloomSegmentsRead = Set<Int>()
    /// Page indexes loaded, as (row group << 20 | column).
    var pageIndexesLoaded = Set<Int>()
    /// Page bloom filter block rows read, as (row group << 40 | column << 20 | row).
    var pageBloomRowsRead = Set<Int>()

    /// Adds a row group's account (read on another thread) to the file's.
    mutating func merge(_ o: ScanAccount) {
        ledger.merge(o.ledger)
        bloomSegmentsRead.formUnion(o.bloomSegmentsRead)
        pageIndexesLoaded.formUnion(o.pageIndexesLoaded)
        pageBloomRowsRead.formUnion(o.pageBloomRowsRead)
    }
}
