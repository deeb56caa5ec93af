// swift-tools-version:6.1
// Sift's benchmarks, a package of their own so `make test` and CI never build the benchmark
// tool (a cold release build of ordo-one/benchmark takes minutes on 2 cores).
//
//   cd Benchmarks && swift package benchmark                  # all suites
//   cd Benchmarks && swift package benchmark --filter 'decode'
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, which differs between clones.
let sift = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()

let package = Package(
    name: "SiftBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: sift.path),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The same Debian libraries Sift uses, for the raw-codec baselines.
        .systemLibrary(name: "CBenchLZ4", pkgConfig: "liblz4"),
        .systemLibrary(name: "CBenchZstd", pkgConfig: "libzstd"),
        // The filter kernels' C baseline, at -O3 (a benchmark-only target; nothing depends on it).
        .target(name: "CBenchKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .executableTarget(
            name: "FormatBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SiftFormat", package: sift.lastPathComponent),
                .product(name: "SiftIndex", package: sift.lastPathComponent),
                .product(name: "SiftScan", package: sift.lastPathComponent),
                "CBenchLZ4", "CBenchZstd", "CBenchKernels",
            ],
            path: "Benchmarks/FormatBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TableBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SiftFormat", package: sift.lastPathComponent),
                .product(name: "SiftIndex", package: sift.lastPathComponent),
                .product(name: "SiftTable", package: sift.lastPathComponent),
            ],
            path: "Benchmarks/TableBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
