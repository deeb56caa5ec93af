// The platform for every module of the package, imported in one place: the C library (Glibc,
// or Darwin) and FoundationEssentials (Data, JSON coders, FileManager, Date), or Foundation
// where FoundationEssentials does not exist (Apple's platforms). The modules import this, never
// Foundation itself, so on Linux neither the library nor `sift` loads full Foundation and ICU:
// a `sift` process starts in about half the time (BENCHMARKS.md §12), and `make test` checks
// that the binaries link no full Foundation.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif
#if canImport(FoundationEssentials)
@_exported import FoundationEssentials
#else
@_exported import Foundation
#endif
