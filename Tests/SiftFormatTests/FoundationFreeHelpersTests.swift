import Foundation
@testable import SiftFormat
import Testing

/// The package's replacements for the Foundation APIs it used to call (the library loads only
/// FoundationEssentials), checked against Foundation itself where Foundation has the same call.
@Suite("Format: replacements for Foundation")
struct FoundationFreeHelpersTests {
    @Test("path parts agree with NSString's on ordinary paths")
    func pathParts() {
        for path in ["/a/b.log", "a/b", "b.log", "/b", "/a/b/", "x.tar.gz", "/a/.hidden", "dir/", "a//b", "//b", "/a//b//", "rules.json"] {
            let ns = path as NSString
            #expect(PathText.lastComponent(path) == ns.lastPathComponent, "last component of \(path)")
            #expect(PathText.parent(path) == ns.deletingLastPathComponent, "parent of \(path)")
            #expect(PathText.fileExtension(path) == ns.pathExtension, "extension of \(path)")
        }
    }

    @Test("printf text agrees with String(format:)")
    func printf() {
        let values: [Double] = [0, 0.05, 1.25, 99.999, -3.14159, 1e-9, 123456789.5, .infinity]
        for v in values {
            for format in ["%.1f", "%.3f", "%.0f KB", "%g", "(%.1f%%)"] {
                #expect(printfText(format, v) == String(format: format, v), "\(format) of \(v)")
            }
        }
        let long = String(repeating: "x", count: 300) + "%.2f"
        #expect(printfText(long, 2.0) == String(repeating: "x", count: 300) + "2.00", "output longer than the first buffer")
    }

    @Test("white space is trimmed at both ends only")
    func trimming() {
        #expect("  a, b \t".trimmingWhitespace() == "a, b")
        #expect(" \n ".trimmingWhitespace() == "")
        #expect("x".trimmingWhitespace() == "x")
        #expect(Substring(" src_ip ").trimmingWhitespace() == "src_ip")
    }

    @Test("JSON values round-trip, keep 64-bit integers exact and report bad text")
    func json() throws {
        let text = #"{"a": [1, 2.5, true, null, "x\u00e9"], "big": 9007199254740993, "nested": {"k": -1}}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value["big"]?.integer == 9_007_199_254_740_993)
        #expect(value["a"]?.array?.count == 5)
        #expect(value["a"]?.array?[1] == .number(2.5))
        #expect(value["a"]?.array?[3] == .null)
        #expect(value["a"]?.array?[4].string == "xé")
        #expect(value["nested"]?["k"]?.integer == -1)
        #expect(value["missing"] == nil)
        #expect(try JSONValue.parse(Array(value.text().utf8)) == value)
        #expect(value.text() == #"{"a":[1,2.5,true,null,"xé"],"big":9007199254740993,"nested":{"k":-1}}"#)
        #expect(throws: JSONValueError.self) { try JSONValue.parse(Array("{\"a\": ".utf8)) }
    }

    @Test("a detached thread runs its body with the stack it asked for")
    func detachedThread() {
        let done = Guarded(false)
        startDetachedThread(stackSize: 8 << 20) {
            // Deep enough to need more than a small default stack would give.
            var buffer = [UInt8](repeating: 1, count: 1 << 16)
            buffer.withUnsafeMutableBufferPointer { p in p[p.count - 1] = 2 }
            done.withLock(notify: true) { $0 = buffer.last == 2 }
        }
        #expect(done.wait(until: { $0 }) { $0 })
    }
}
