import Foundation
import SiftFormat
import SiftFuzz
import SiftTestSupport
import Testing

/// Every seed and every former crasher in `corpus/fuzz/<target>/` (and the conformance corpus
/// for the reader), replayed through its fuzz target in process: each must end in success or a
/// thrown error. A crash here is a regression of a fix `make fuzz` once prompted.
@Suite("Fuzz corpus: every seed and former crasher, replayed")
struct FuzzRegressionTests {
    @Test("each target takes its corpus without crashing", arguments: fuzzTargets)
    func replay(_ target: String) throws {
        var folders = [RepositoryPaths.root + "/corpus/fuzz/" + target]
        if target == "reader" { folders += [RepositoryPaths.root + "/corpus/v1/valid", RepositoryPaths.root + "/corpus/v1/invalid"] }
        var replayed = 0
        for folder in folders where FileManager.default.fileExists(atPath: folder) {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
                guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { continue }
                fuzzOne(target, Array(data))
                replayed += 1
            }
        }
        #expect(replayed > 0, "no input for \(target)")
    }

    @Test("a timestamp with more than six fraction digits parses (zeros) or is refused (others), never traps")
    func fractionDigits() {
        #expect(TextForms.parseTimestamp(Array("2026-08-01T00:00:00.1234560Z".utf8)) == TextForms.parseTimestamp(Array("2026-08-01T00:00:00.123456Z".utf8)))
        #expect(TextForms.parseTimestamp(Array("2026-08-02T12:00:00.2026500".utf8)) == TextForms.parseTimestamp(Array("2026-08-02T12:00:00.20265".utf8)))
        #expect(TextForms.parseTimestamp(Array("2026-08-02T12:00:00.2026501".utf8)) == nil, "a digit past microseconds that is not zero")
        #expect(TextForms.parseTimestamp(Array("2026-08-01T00:00:00.000000000000Z".utf8)) == TextForms.parseTimestamp(Array("2026-08-01T00:00:00Z".utf8)))
    }
}
