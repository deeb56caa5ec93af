// swift-tools-version:6.1
// A small package that depends on Sift by path, as another project would: it writes a file
// and reads it back. Built and run by `make test`.
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, which differs between clones, so the
// package name is derived rather than hard-coded.
let siftPath = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let siftPackage = siftPath.lastPathComponent

let package = Package(
    name: "QuickStart",
    dependencies: [.package(path: siftPath.path)],
    targets: [
        .executableTarget(
            name: "quickstart",
            dependencies: [.product(name: "SiftFormat", package: siftPackage)]
        ),
    ],
    swiftLanguageModes: [.v6]
)
