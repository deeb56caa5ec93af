import CAllocatorTuning

/// Keeps freed memory in the process instead of handing it back to the kernel at once.
///
/// A scan decodes page after page into buffers of a few hundred kilobytes. With glibc's
/// defaults each such buffer was mapped fresh (or the heap top trimmed and grown again), so
/// every page decoded paid for zeroed pages from the kernel: 16% of a needle query's time went
/// to page faults. A command-line process that exits soon can afford to keep what it freed.
/// Only the command does this; the libraries leave the allocator to the program using them.
enum AllocatorTuning {
    static func apply() { sift_keep_freed_memory() }
}
