#ifndef SIFT_ALLOCATOR_TUNING_H
#define SIFT_ALLOCATOR_TUNING_H

/// Raises glibc's mmap and trim thresholds so freed scan buffers are reused instead of being
/// returned to the kernel and faulted in again (a no-op on other C libraries).
void sift_keep_freed_memory(void);

#endif
