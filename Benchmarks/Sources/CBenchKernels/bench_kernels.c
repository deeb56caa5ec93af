#include "bench_kernels.h"

void c_equal_u32(const uint32_t *values, size_t n, uint32_t x, uint64_t *out) {
    for (size_t w = 0; w < n / 64; w++) {
        uint64_t word = 0;
        for (size_t j = 0; j < 64; j++) word |= (uint64_t)(values[w * 64 + j] == x) << j;
        out[w] = word;
    }
}

void c_between_u32(const uint32_t *values, size_t n, uint32_t low, uint32_t high, uint64_t *out) {
    uint32_t width = high - low;
    for (size_t w = 0; w < n / 64; w++) {
        uint64_t word = 0;
        for (size_t j = 0; j < 64; j++) word |= (uint64_t)(values[w * 64 + j] - low <= width) << j;
        out[w] = word;
    }
}
