/// Whether readers compare checksums: always, except in the fuzzing build (`make fuzz`
/// compiles with `-DSIFT_FUZZING`), where a mutation almost never survives a checksum and the
/// decoders behind the checksums would otherwise go unexercised. No production build sets it.
#if SIFT_FUZZING
package let checksumsEnforced = false
#else
package let checksumsEnforced = true
#endif
