import Foundation

/// Paths inside the repository, found from this file's location so tests run from any folder.
public enum RepositoryPaths {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/SiftTestSupport/RepositoryPaths.swift
        return url.path
    }()

    public static var corpus: String { root + "/corpus" }
}
