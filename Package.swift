// swift-tools-version:6.1
// Sift: a columnar storage format and indexing library for security telemetry.
//
// Modules layer one way, lowest first:
//   CZstd / CLZ4 / CXXHash (system libraries) -> SiftFormat -> SiftIndex -> SiftScan
//   -> SiftTable -> SiftPipeline -> the `sift` command;
//   CSimdJSON (a C view of Debian's libsimdjson) -> SiftNDJSON (text in and out, schema
//   inference) beside SiftFormat, used from SiftTable up.
// No library target carries unsafeFlags, so other packages can depend on Sift.
import PackageDescription

/// Settings shared by every Swift target of the package.
let swiftSettings: [SwiftSetting] = [
    // Compiled-in invariant checks for debug builds (see `SiftInvariants`).
    .define("SIFT_INVARIANTS", .when(configuration: .debug)),
]

let package = Package(
    name: "Sift",
    // macOS 15: `Synchronization.Mutex`, the one lock primitive of the package.
    platforms: [.macOS(.v15)],
    products: [
        // What a dependent imports: `import Sift` re-exports the layers below the pipeline.
        .library(name: "Sift", targets: ["Sift"]),
        .library(name: "SiftFormat", targets: ["SiftFormat"]),
        .library(name: "SiftNDJSON", targets: ["SiftNDJSON"]),
        .library(name: "SiftIndex", targets: ["SiftIndex"]),
        .library(name: "SiftScan", targets: ["SiftScan"]),
        .library(name: "SiftTable", targets: ["SiftTable"]),
        .library(name: "SiftPipeline", targets: ["SiftPipeline"]),
        .library(name: "SiftArrow", targets: ["SiftArrow"]),
        // libSiftC: the C API of `sift.h` (Arrow C streams in and out), loaded by the Python package.
        .library(name: "SiftC", type: .dynamic, targets: ["SiftC"]),
        .executable(name: "sift", targets: ["SiftCommand"]),
        .executable(name: "sift-corpus-gen", targets: ["SiftCorpusGen"]),
        // libFuzzer targets (`make fuzz`); without the fuzzer it replays inputs.
        .executable(name: "sift-fuzz", targets: ["SiftFuzzMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `make docs` only: the `generate-documentation` command (a plugin; nothing links it).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // Debian's libraries; `make` installs the -dev packages (providers only print a hint).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        // gzip input (rotated logs), for NDJSON ingest only.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // simdjson (libsimdjson-dev) is C++; this target gives Swift a small C interface to it.
        .target(
            name: "CSimdJSON",
            linkerSettings: [.linkedLibrary("simdjson")]
        ),

        // The C library and FoundationEssentials, imported in one place for every module (never
        // full Foundation: start-up).
        .target(name: "SiftPlatform", swiftSettings: swiftSettings),
        // Bytes <-> values: the file format of spec/format.md, and nothing above it (no JSON, no C++).
        .target(
            name: "SiftFormat",
            dependencies: ["SiftPlatform", "CZstd", "CLZ4", "CXXHash"],
            swiftSettings: swiftSettings
        ),
        // Text in and out: NDJSON import with schema inference (simdjson's fast path), rows as
        // NDJSON, CSV and table text.
        .target(
            name: "SiftNDJSON",
            dependencies: ["SiftFormat", "CSimdJSON", "CZlib"],
            swiftSettings: swiftSettings
        ),
        // Predicates and the decisions they allow: which row groups and pages cannot match.
        .target(
            name: "SiftIndex",
            dependencies: ["SiftFormat"],
            swiftSettings: swiftSettings
        ),
        // Reading what pruning left: filtering rows, projecting columns, counting bytes read.
        .target(
            name: "SiftScan",
            dependencies: ["SiftFormat", "SiftIndex"],
            swiftSettings: swiftSettings
        ),
        // Tables: a transaction log of immutable files, partitions, optimize, vacuum, time travel.
        .target(
            name: "SiftTable",
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftIndex", "SiftScan"],
            swiftSettings: swiftSettings
        ),
        // The reference pipeline: ingest, staging, parsers, refined tables, quarantine, hunt.
        .target(
            name: "SiftPipeline",
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftIndex", "SiftScan", "SiftTable"],
            swiftSettings: swiftSettings
        ),
        // The umbrella module (re-exports only) and its DocC catalog.
        .target(
            name: "Sift",
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftIndex", "SiftScan", "SiftTable"],
            swiftSettings: swiftSettings
        ),
        // The Arrow C data and stream interface structs, and the header of Sift's C API.
        .target(name: "CSiftABI"),
        // Sift schemas and batches to and from Arrow's C data interface (zero-copy out).
        .target(
            name: "SiftArrow",
            dependencies: ["SiftFormat", "CSiftABI"],
            swiftSettings: swiftSettings
        ),
        // The C API (`Sources/CSiftABI/include/sift.h`) over tables and scans, for other languages.
        .target(
            name: "SiftC",
            dependencies: ["SiftFormat", "SiftIndex", "SiftScan", "SiftTable", "SiftArrow", "CSiftABI"],
            swiftSettings: swiftSettings
        ),
        // glibc allocator settings for the command (libraries leave the allocator alone).
        .target(name: "CAllocatorTuning"),
        .executableTarget(
            name: "SiftCommand",
            dependencies: [
                "SiftFormat", "SiftNDJSON", "SiftIndex", "SiftScan", "SiftTable", "SiftPipeline", "SiftArrow", "SiftC", "CAllocatorTuning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Writes corpus/: the conformance files and their expectations. Committed so the corpus
        // can be regenerated and audited; `make corpus` runs it.
        .executableTarget(
            name: "SiftCorpusGen",
            // CZstd: zstd frames the writer never makes (no content size, two frames).
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftTable", "CZstd"],
            swiftSettings: swiftSettings
        ),

        // The fuzz targets (a library, so tests replay the fuzz corpus through them too).
        .target(
            name: "SiftFuzz",
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftIndex", "SiftScan", "SiftTable", "SiftPipeline"],
            swiftSettings: swiftSettings
        ),
        // `make log-scale`: planning on a table of 100,000 files behind 10,000 commits.
        .executableTarget(
            name: "SiftLogScale",
            dependencies: ["SiftFormat", "SiftIndex", "SiftTable"],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "SiftFuzzMain",
            dependencies: ["SiftFuzz"]
        ),

        .target(
            name: "SiftTestSupport",
            dependencies: ["SiftFormat"],
            path: "Tests/SiftTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SiftFormatTests",
            dependencies: ["SiftFormat", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SiftNDJSONTests",
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SiftIndexTests",
            dependencies: ["SiftFormat", "SiftIndex", "SiftScan", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SiftScanTests",
            dependencies: ["SiftFormat", "SiftScan", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SiftArrowTests",
            dependencies: ["SiftFormat", "SiftScan", "SiftArrow", "CSiftABI", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SiftTableTests",
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftIndex", "SiftScan", "SiftTable", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SiftPipelineTests",
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftIndex", "SiftTable", "SiftPipeline", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Runs the built `sift` binary as a user would (write, cat, inspect, verify).
        .testTarget(
            name: "SiftCommandTests",
            dependencies: ["SiftCommand", "SiftFormat", "SiftNDJSON", "SiftTable", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SiftFuzzTests",
            dependencies: ["SiftFuzz", "SiftFormat", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["SiftFormat", "SiftNDJSON", "SiftTestSupport"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
