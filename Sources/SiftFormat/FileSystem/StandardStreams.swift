import SiftPlatform

/// The process's standard input, output and error through POSIX calls, for the modules of the
/// package (the library does not load Foundation, whose `FileHandle` would otherwise do this).
package enum StandardStreams {
    /// Writes all of `bytes` to file descriptor `fd`, retrying interrupted and partial writes.
    /// Returns false when the descriptor refuses them (a closed pipe, a full disk): callers that
    /// print diagnostics have nowhere better to report that.
    @discardableResult
    package static func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = posixWrite(fd, raw.baseAddress! + done, raw.count - done)
                if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { return false }
            }
            return true
        }
    }

    /// Writes `bytes` to standard output.
    package static func writeOutput(_ bytes: [UInt8]) { write(bytes, to: 1) }

    /// Writes `text` to standard output.
    package static func writeOutput(_ text: String) { write(Array(text.utf8), to: 1) }

    /// Writes `text` to standard error.
    package static func writeError(_ text: String) { write(Array(text.utf8), to: 2) }

    /// Reads standard input to its end.
    /// - Throws: ``FileSystemError`` when a read fails.
    package static func readAllInput() throws(FileSystemError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(0, $0.baseAddress!, $0.count) }
            if n > 0 { result.append(contentsOf: chunk[0..<n]) } else if n == 0 { return result } else if errno != EINTR {
                let code = errno
                throw FileSystemError("read", path: "<standard input>", code: code, message: String(cString: strerror(code)))
            }
        }
    }
}

// `write` and `read` are shadowed by the methods above inside the enum; these name the C calls.
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func posixRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }
