// The C baseline for the filter kernels: the same comparisons, written the plain way and
// compiled with -O3, so the compiler's own vectorisation is what Sift's kernels are held to.
#include <stddef.h>
#include <stdint.h>

void c_equal_u32(const uint32_t *values, size_t n, uint32_t x, uint64_t *out);
void c_between_u32(const uint32_t *values, size_t n, uint32_t low, uint32_t high, uint64_t *out);
