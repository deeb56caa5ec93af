import SiftFormat
import Dispatch
import SiftPlatform


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
///
/// Large inputs are scanned in pieces on all cores (this pass also faults the file's pages in,
/// and it runs before any other work can start): each piece counts its newlines and notes where
/// every 1024th one is, and the boundaries are then found from those notes.
func lineChunkStarts(_ bytes: UnsafeBufferPointer<UInt8>, linesPerChunk: Int, minPieceBytes: Int = 16 << 20, pieces: Int? = nil) -> [Int] {
    let pieceCount = min(pieces ?? Cores.available, bytes.count / max(1, minPieceBytes))
    guard pieceCount > 1 else { return newlines(bytes, 0..<bytes.count, every: linesPerChunk).marks }
    // Pieces end just after a newline (or at the end), so every line lies in one piece.
    var bounds = [0]
    for k in 1..<pieceCount {
        let from = max(bounds.last!, k * bytes.count / pieceCount)
        bounds.append(NDJSONLines.memchrNewline(bytes, from: from).map { $0 + 1 } ?? bytes.count)
    }
    bounds.append(bytes.count)
    let pieceBounds = bounds
    let shared = ReadOnlyBytes(buffer: bytes)
    let notes = ParallelResults<(lines: Int, marks: [Int])>(count: pieceCount)
    DispatchQueue.concurrentPerform(iterations: pieceCount) { k in
        notes[k] = newlines(shared.buffer, pieceBounds[k]..<pieceBounds[k + 1], every: newlineMarkSpacing)
    }
    var starts: [Int] = []
    var linesBefore = 0
    for k in 0..<pieceCount {
        let (lines, marks) = notes[k]!
        // The next boundary is after global newline number `target`.
        var target = (linesBefore / linesPerChunk + 1) * linesPerChunk
        while target <= linesBefore + lines {
            let local = target - linesBefore
            let mark = local / newlineMarkSpacing
            var at = mark == 0 ? bounds[k] : marks[mark - 1]
            for _ in 0..<(local - mark * newlineMarkSpacing) { at = NDJSONLines.memchrNewline(bytes, from: at)! + 1 }
            starts.append(at)
            target += linesPerChunk
        }
        linesBefore += lines
    }
    return starts
}

/// Newlines between the notes `lineChunkStarts` keeps of a piece.
private let newlineMarkSpacing = 1024

/// The newlines within `range`: how many, and the offsets just after every `every`-th one.
private func newlines(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, every: Int) -> (lines: Int, marks: [Int]) {
    var marks: [Int] = []
    var lines = 0
    var sinceMark = 0
    var i = range.lowerBound
    while let newline = NDJSONLines.memchrNewline(bytes, from: i), newline < range.upperBound {
        lines += 1
        sinceMark += 1
        if sinceMark == every {
            marks.append(newline + 1)
            sinceMark = 0
        }
        i = newline + 1
    }
    return (lines, marks)
}
