// swift-tools-version:6.1
// A small package that depends on Sift by path, as another project would, with one import:
// it writes a file, queries it, and builds, appends to and scans a table. Built and run by
// `make test`.
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, which differs between clones, so the
// package name is derived rather than hard-coded.
let siftPath = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let siftPackage = siftPath.lastPathComponent

let package = Package(
    name: "QuickStart",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: siftPath.path)],
    targets: [
        .executableTarget(
            name: "quickstart",
            dependencies: [.product(name: "Sift", package: siftPackage)]
        ),
    ],
    swiftLanguageModes: [.v6]
)
