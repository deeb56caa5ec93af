import Benchmark
import CBenchLZ4
import CBenchZstd
import SiftFormat

// Encode and decode throughput per encoding and codec, with raw LZ4_decompress_safe and
// ZSTD_decompress on the same stored bytes as the baseline in the same run. Throughput is
// bytes of decoded output (4 bytes per uint32 value). Setup stays outside the measured region.

let rows = 65_536

/// uint32 values shaped for each encoding (what the writer would pick them for).
func values(for encoding: Encoding) -> [UInt32] {
    var random = BenchRandom(state: 42)
    func next() -> UInt64 { random.next() }
    var acc: UInt32 = 0
    return (0..<rows).map { i in
        switch encoding {
        case .plain: return UInt32(truncatingIfNeeded: next())
        case .frameOfReference: return 1_000_000 + UInt32(next() % 65_536)   // 16 bits
        case .dictionary: return [53, 80, 443, 8080, 22, 25, 123, 3389][Int(next() % 8)]
        case .delta: acc &+= UInt32(next() % 1000); return acc
        case .runLength: return UInt32(i / 500)
        case .lengths: preconditionFailure("LENGTHS is for strings")
        }
    }
}

let field = Field("v", .uint32, nullable: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(2), maxIterations: 10_000)
    let config = Benchmark.Configuration(metrics: [.wallClock, .throughput], scalingFactor: .one, maxDuration: .seconds(2))
    bloomBenchmarks()
    kernelBenchmarks()
    encodedFilterBenchmarks()

    for encoding in Encoding.allowed(for: .uint32, narrow: false) {
        let column = ColumnVector(.uint32(values(for: encoding)))
        for codec in Codec.allCases {
            let (page, meta) = PageCodec.encode(column, field: field, compression: Compression(codec), encoding: encoding)
            Benchmark("decode uint32 \(encoding) \(codec) (\(rows * 4 / 1024) KiB out)", configuration: config) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(try PageCodec.decode(page, metadata: meta, field: field))
                }
            }
            Benchmark("encode uint32 \(encoding) \(codec) (\(rows * 4 / 1024) KiB in)", configuration: config) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(PageCodec.encode(column, field: field, compression: Compression(codec), encoding: encoding))
                }
            }
        }
    }

    // Strings: Zeek-like uids (LENGTHS) and domains (DICTIONARY), 8192 a page.
    let uids = VarBytes((0..<8192).map { "C\(String(UInt64($0) &* 0x9E37_79B9_7F4A_7C15 >> 8, radix: 36))" })
    let domains = VarBytes((0..<8192).map { "cdn\($0 % 300).example-\($0 % 17).com" })
    let stringField = Field("s", .string, nullable: false)
    for (name, strings, encoding) in [("uid", uids, Encoding.lengths), ("domain", domains, Encoding.dictionary)] {
        let column = ColumnVector(.string(strings))
        let (page, meta) = PageCodec.encode(column, field: stringField, compression: .none, encoding: encoding)
        Benchmark("decode string \(name) \(encoding) none (\(strings.bytes.count / 1024) KiB of text)", configuration: config) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try PageCodec.decode(page, metadata: meta, field: stringField)) }
        }
    }

    // Raw codec baselines on exactly the bytes of a plain uint32 page's body.
    let lz4Values = values(for: .plain).map { $0 % 5000 }
    let lz4Column = ColumnVector(.uint32(lz4Values))
    let lz4Body: [UInt8] = lz4Values.withUnsafeBytes { Array($0) }
    for (name, body) in [("low-entropy", lz4Body)] {
        let bound = Int(LZ4_compressBound(Int32(body.count)))
        var compressed = [UInt8](repeating: 0, count: bound)
        let n = body.withUnsafeBytes { src in compressed.withUnsafeMutableBytes { dst in
            LZ4_compress_default(src.baseAddress!.assumingMemoryBound(to: CChar.self), dst.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(body.count), Int32(bound))
        } }
        compressed.removeSubrange(Int(n)...)
        Benchmark("baseline LZ4_decompress_safe \(name) (\(body.count / 1024) KiB out)", configuration: config) { benchmark in
            var out = [UInt8](repeating: 0, count: body.count)
            for _ in benchmark.scaledIterations {
                let r = compressed.withUnsafeBytes { src in out.withUnsafeMutableBytes { dst in
                    LZ4_decompress_safe(src.baseAddress!.assumingMemoryBound(to: CChar.self), dst.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(compressed.count), Int32(dst.count))
                } }
                blackHole(r)
            }
        }
        let (page, meta) = PageCodec.encode(lz4Column, field: field, compression: .lz4, encoding: .plain)
        Benchmark("read page plain lz4 \(name) (\(body.count / 1024) KiB out)", configuration: config) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try PageCodec.decode(page, metadata: meta, field: field)) }
        }

        var zcompressed = [UInt8](repeating: 0, count: ZSTD_compressBound(body.count))
        let zn = body.withUnsafeBytes { src in zcompressed.withUnsafeMutableBytes { dst in ZSTD_compress(dst.baseAddress, dst.count, src.baseAddress, src.count, 3) } }
        zcompressed.removeSubrange(zn...)
        Benchmark("baseline ZSTD_decompress \(name) (\(body.count / 1024) KiB out)", configuration: config) { benchmark in
            var out = [UInt8](repeating: 0, count: body.count)
            for _ in benchmark.scaledIterations {
                let r = zcompressed.withUnsafeBytes { src in out.withUnsafeMutableBytes { dst in ZSTD_decompress(dst.baseAddress, dst.count, src.baseAddress, src.count) } }
                blackHole(r)
            }
        }
        let (zpage, zmeta) = PageCodec.encode(lz4Column, field: field, compression: .zstd, encoding: .plain)
        Benchmark("read page plain zstd \(name) (\(body.count / 1024) KiB out)", configuration: config) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try PageCodec.decode(zpage, metadata: zmeta, field: field)) }
        }
    }
}
