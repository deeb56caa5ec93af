#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks the lines of NDJSON bytes: `\n` ends a line, a `\r` before it is dropped, and blank
/// lines are passed over (they hold no record, so nothing is lost).
public enum NDJSONLines {
    /// Calls `body` with each non-blank line's byte range and 1-based line number; with `lines`,
    /// stops after that many lines (blank ones included).
    public static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, lines: Int? = nil, _ body: (Range<Int>, Int) throws -> Void) rethrows {
        var start = 0
        var line = 1
        let n = bytes.count
        let last = lines ?? Int.max
        while start < n, line <= last {
            var end = start
            // memchr is far faster than a byte loop on long lines.
            if let p = memchrNewline(bytes, from: start) { end = p } else { end = n }
            var stop = end
            if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
            var blank = true
            for i in start..<stop where !(bytes[i] == 0x20 || bytes[i] == 0x09) { blank = false; break }
            if !blank { try body(start..<stop, line) }
            start = end + 1
            line += 1
        }
    }

    @inline(__always)
    static func memchrNewline(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + from, 0x0A, bytes.count - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }
}

/// Where each run of `linesPerChunk` lines starts: the byte offsets just after every
/// `linesPerChunk`-th newline. glibc's vectorised memchr finds each newline; a portable SWAR
/// count was slower here, because a plain x86-64 build has no POPCNT instruction.
func lineChunkStarts(_ bytes: UnsafeBufferPointer<UInt8>, linesPerChunk: Int) -> [Int] {
    var starts: [Int] = []
    var lines = 0
    var i = 0
    while let newline = NDJSONLines.memchrNewline(bytes, from: i) {
        lines += 1
        if lines == linesPerChunk {
            starts.append(newline + 1)
            lines = 0
        }
        i = newline + 1
    }
    return starts
}
