import Benchmark
import CBenchKernels
import SiftScan

/// Issue 4's kernel targets: Sift's equality and range kernels on 32-bit values next to the
/// same loops in C at -O3, in the same run. Throughput is iterations per second; each
/// iteration filters 1,048,576 values (4 MiB), so values/s = throughput x 1,048,576.
func kernelBenchmarks() {
    let config = Benchmark.Configuration(metrics: [.wallClock, .throughput], scalingFactor: .one, maxDuration: .seconds(2))
    var random = BenchRandom(state: 11)
    let n = 1 << 20
    let values = (0..<n).map { _ in UInt32(truncatingIfNeeded: random.next() % 1000) }
    var out = [UInt64](repeating: 0, count: n / 64)

    Benchmark("kernel equal uint32 (1M values)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(values.withUnsafeBufferPointer { CompareKernels.equal($0, 443) }.words.count)
        }
    }
    Benchmark("baseline C -O3 equal uint32 (1M values)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { o in c_equal_u32(v.baseAddress, n, 443, o.baseAddress) } }
            blackHole(out[0])
        }
    }
    Benchmark("kernel between uint32 (1M values)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(values.withUnsafeBufferPointer { CompareKernels.between($0, 100, 200) }.words.count)
        }
    }
    Benchmark("baseline C -O3 between uint32 (1M values)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { o in c_between_u32(v.baseAddress, n, 100, 200, o.baseAddress) } }
            blackHole(out[0])
        }
    }
}
