import SiftFormat
import SiftIndex
@testable import SiftScan
import SiftTestSupport
import Testing

/// Filters on pages as stored (dictionary codes, frame-of-reference offsets) against the same
/// leaves on the decoded pages, for every filterable type, value shape, null pattern and the
/// encodings a writer picks or is told to use.
@Suite("Scan: filters on encoded pages")
struct EncodedFilterTests {
    static let types: [ColumnType] = [.uint16, .uint32, .ipv4, .int32, .int64, .timestamp, .string, .binary, .ipv6]

    @Test("equal to decode-then-filter on every page", arguments: types)
    func agreesWithDecodeThenFilter(type: ColumnType) throws {
        var gen = RandomColumns(seed: 0xE7C0 ^ UInt64(type.rawValue))
        var rng = SeededRandom(seed: 0x5EED ^ UInt64(type.rawValue))
        let dir = TemporaryDirectory()
        var seen = Set<String>()
        var checked = 0
        let forced: [Encoding?] = [nil, .dictionary, .frameOfReference]
        for shape in [ValueShape.lowCardinality, .narrowRange, .extremes, .uniform] {
            for nulls in [NullPattern.none, .sparse, .runs] {
                for encoding in forced where encoding == nil || Encoding.allowed(for: type, narrow: false).contains(encoding!) {
                    let column = gen.column(type, count: 3000, shape: shape, nulls: nulls)
                    var options = WriterOptions()
                    options.pageRows = 1024
                    if let encoding { options.columnEncoding = ["v": encoding] }
                    let path = dir.file("\(shape)-\(nulls)-\(encoding.map { "\($0)" } ?? "auto").sift")
                    let reader = try SingleColumnFile.write(column, to: path, options: options)
                    for p in try reader.pages(rowGroup: 0, column: 0).indices {
                        let decoded = try reader.readPage(rowGroup: 0, column: 0, page: p)
                        let encoded = try reader.readEncodedPage(rowGroup: 0, column: 0, page: p)
                        switch encoded.values {
                        case .dictionary: seen.insert("dictionary")
                        case .frameOfReference: seen.insert("frameOfReference")
                        case .decoded: seen.insert("decoded")
                        }
                        for _ in 0..<25 {
                            let leaf = Self.randomLeaf(decoded, type: type, &rng)
                            let want = VectorFilter.evaluate(leaf, [0: decoded], decoded.count).t
                            let got = EncodedFilter.select(leaf, column: 0, type: type, page: encoded)
                            #expect(got.indices == want.indices, "\(type) \(shape) \(nulls) \(String(describing: encoding)) page \(p): \(leaf)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 1000)
        #expect(seen.contains("dictionary"), "dictionary pages were exercised: \(seen)")
        if [.uint16, .uint32, .ipv4, .int32, .int64, .timestamp].contains(type) {
            #expect(seen.contains("frameOfReference"), "frame-of-reference pages were exercised: \(seen)")
        }
    }

    /// A value leaf with keys mostly taken from the page (so tests hit), sometimes made up.
    static func randomLeaf(_ page: ColumnVector, type: ColumnType, _ rng: inout SeededRandom) -> BoundPredicate {
        func key() -> Key {
            if page.count > 0, rng.next() % 4 != 0 { return RowFilter.key(page, Int(rng.next() % UInt64(page.count))) }
            switch type {
            case .string, .binary: return .bytes(Array("zz\(rng.next() % 10)".utf8))
            case .ipv6: return .ip(IPv6Address(high: rng.next() % 3, low: rng.next()))
            case .uint16: return .int(Int64(rng.next() % 70_000))
            case .uint32, .ipv4: return .int(Int64(rng.next() % (1 << 33)))
            default: return .int(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64))
            }
        }
        switch rng.next() % 5 {
        case 0, 1: return .compare(column: 0, ComparisonOperator.allCases[Int(rng.next() % 6)], key())
        case 2:
            let (a, b) = (key(), key())
            return .between(column: 0, Swift.min(a, b), Swift.max(a, b))
        case 3: return .inSet(column: 0, (0..<Int(rng.next() % 6)).map { _ in key() })
        default:
            if type == .string || type == .binary, case .bytes(let b) = key() {
                let cut = b.isEmpty ? 0 : Int(rng.next() % UInt64(b.count + 1))
                return rng.next() % 2 == 0 ? .startsWith(column: 0, Array(b.prefix(cut))) : .endsWith(column: 0, Array(b.suffix(cut)))
            }
            return .compare(column: 0, .notEqual, key())
        }
    }

    @Test("a corrupt dictionary code is still an error on the encoded path")
    func corruptCodesAreCaught() throws {
        // Conformance file with a dictionary code past the entries: the reader must refuse it
        // whether the page is decoded or filtered as stored.
        let path = "corpus/v1/invalid/dictionary-index-out-of-range.sift"
        let reader = try SiftReader(path: path)
        var failures = 0
        for g in reader.metadata.rowGroups.indices {
            for c in reader.schema.fields.indices {
                for p in try reader.pages(rowGroup: g, column: c).indices {
                    do { _ = try reader.readEncodedPage(rowGroup: g, column: c, page: p) } catch let error {
                        #expect(error.code == .dictionaryIndexOutOfRange, "\(error)")
                        failures += 1
                    }
                }
            }
        }
        #expect(failures == 1)
    }
}
