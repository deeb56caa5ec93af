import SiftFormat
import SiftNDJSON
import Testing

/// Nested objects become dotted keys, byte for byte, one output line per input line.
@Suite("NDJSON: flattening nested objects")
struct NestedFlatteningTests {
    func flatten(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return String(decoding: bytes.withUnsafeBufferPointer { NestedFlattening.flatten($0) }, as: UTF8.self)
    }

    @Test("objects flatten, values keep their text, arrays and empty objects stay, lines keep their numbers")
    func shapes() {
        let input = """
        {"a":{"b":{"c":1e999,"d":"x\\u0041"}},"n":12345678901234567890,"arr":[{"k":1}],"e":{},"t":true,"z":null}

        not json
        {"we\\"ird":{"k\\n":2}}
        """
        let out = flatten(input).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(out.count == 4)
        #expect(out[0] == #"{"a.b.c":1e999,"a.b.d":"x\u0041","n":12345678901234567890,"arr":[{"k":1}],"e":{},"t":true,"z":null}"#)
        #expect(out[1] == "")
        #expect(out[2] == "not json", "a line that is not an object is left for the importer to report")
        #expect(out[3] == #"{"we\"ird.k\n":2}"#)
    }

    @Test("objects deeper than the limit stay JSON text; only inputs with nested objects are flattened")
    func depthAndDetection() {
        var deep = "1"
        for i in (0..<10).reversed() { deep = "{\"l\(i)\":\(deep)}" }
        let out = flatten(deep)
        #expect(out.hasPrefix("{\"l0.l1.l2.l3.l4.l5.l6.l7\":{\"l8\":"), "\(out)")
        let flat = Array("{\"a\":1,\"b\":[{\"c\":2}]}\n".utf8)
        #expect(!flat.withUnsafeBufferPointer { NestedFlattening.hasNestedObjects($0) })
        let nested = Array("{\"a\":{\"b\":1}}\n".utf8)
        #expect(nested.withUnsafeBufferPointer { NestedFlattening.hasNestedObjects($0) })
    }
}
