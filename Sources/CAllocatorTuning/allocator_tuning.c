#include "allocator_tuning.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void sift_keep_freed_memory(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 16 << 20);  // glibc refuses more than 32 MiB
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}
