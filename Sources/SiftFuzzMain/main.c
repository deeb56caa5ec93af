// sift-fuzz's entry points, in C so that the fuzzing build has no `main` of its own: there
// libFuzzer's runtime provides `main` and calls LLVMFuzzerTestOneInput for each input (a Swift
// executable would bring a second `main`). The targets themselves are Swift, in SiftFuzz.
#include <stddef.h>
#include <stdint.h>

int sift_fuzz_one(const uint8_t *data, size_t size);
int sift_fuzz_replay(int argc, char **argv);

#ifdef SIFT_FUZZING
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return sift_fuzz_one(data, size); }
#else
int main(int argc, char **argv) { return sift_fuzz_replay(argc, argv); }
#endif
