import Foundation
import SiftFormat

// sift-corpus-gen DIR: writes DIR/v1/valid/* and DIR/v1/invalid/*, each NAME.sift with its
// NAME.json expectation. A file that exists with different bytes is not overwritten: a corpus
// file never changes meaning (a new format version adds files instead).
let root = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "corpus"
/// Writes entries; returns (written or confirmed, differing).
func store(_ entries: [CorpusEntry], in folder: String) throws -> (Int, Int) {
    var written = 0, changed = 0
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for e in entries {
        let path = "\(folder)/\(e.name).sift"
        if let existing = FileManager.default.contents(atPath: path), Array(existing) != e.bytes {
            print("differs, kept the committed file: \(path)")
            changed += 1
            continue
        }
        try Data(e.bytes).write(to: URL(fileURLWithPath: path))
        try e.expectation().write(toFile: "\(folder)/\(e.name).json", atomically: true, encoding: .utf8)
        written += 1
    }
    return (written, changed)
}
let (w1, c1) = try store(try validEntries(), in: "\(root)/v1/valid")
let (w2, c2) = try store(try invalidEntries(), in: "\(root)/v1/invalid")
let written = w1 + w2, changed = c1 + c2
print("corpus: \(written) files written or confirmed, \(changed) differ")
exit(changed == 0 ? 0 : 1)
