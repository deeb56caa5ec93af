import SiftPlatform
import SiftFormat

/// Where delivered alerts go: one JSON object per alert.
public protocol AlertSink {
    /// Identifies the sink for its delivery checkpoint.
    var name: String { get }
    /// Called once before delivering, with the position the checkpoint recorded after the last
    /// alert known to be delivered: a file sink cuts off anything written after it (a write the
    /// process died in the middle of, or one it finished but never recorded).
    mutating func resume(at position: Int64) throws
    /// Delivers one alert; returns the position after it. Throws when delivery failed (after
    /// its own bounded retries): the alert counts as not delivered.
    mutating func deliver(_ line: [UInt8], id: String) throws -> Int64
}

/// Appends to a file; exactly once across crashes, by cutting the file back to the checkpoint.
public struct FileAlertSink: AlertSink {
    public let path: String
    public var name: String { "file:" + URL(fileURLWithPath: path).standardizedFileURL.path }

    public init(path: String) { self.path = path }

    public mutating func resume(at position: Int64) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw PipelineError("\(path): cannot create the sink file") }
        }
        guard truncate(path, off_t(position)) == 0 else { throw PipelineError("\(path): cannot cut the sink back to \(position) bytes: \(String(cString: strerror(errno)))") }
    }

    public mutating func deliver(_ line: [UInt8], id: String) throws -> Int64 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw PipelineError("\(path): cannot open the sink: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var done = 0
        while done < line.count {
            let n = line.withUnsafeBytes { write(fd, $0.baseAddress! + done, line.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw PipelineError("\(path): write failed: \(String(cString: strerror(errno)))") }
            done += n
        }
        guard fsync(fd) == 0 else { throw PipelineError("\(path): fsync failed") }
        return Int64(lseek(fd, 0, SEEK_END))
    }
}

/// Standard output. A crash between writing an alert and recording it may repeat that alert.
public struct StandardOutputAlertSink: AlertSink {
    public var name: String { "stdout" }
    public init() {}
    public mutating func resume(at position: Int64) throws {}
    public mutating func deliver(_ line: [UInt8], id: String) throws -> Int64 {
        StandardStreams.writeOutput(line)
        return 0
    }
}

/// POSTs each alert to `http://HOST:PORT/PATH` with an `Idempotency-Key: <alert id>` header, so
/// a receiver can drop the repeat a crash between delivery and checkpoint may cause. A failing
/// or silent receiver is retried a bounded number of times, each attempt with a timeout.
public struct HTTPAlertSink: AlertSink {
    public let host: String
    public let port: UInt16
    public let path: String
    public var attempts = 5
    public var timeoutSeconds = 5
    public var name: String { "http://\(host):\(port)\(path)" }

    public init(url: String) throws {
        guard url.hasPrefix("http://") else { throw PipelineError("sink '\(url)': only http:// URLs are supported") }
        let rest = url.dropFirst("http://".count)
        let hostPort = rest.prefix { $0 != "/" }
        path = rest.count > hostPort.count ? String(rest.dropFirst(hostPort.count)) : "/"
        let parts = hostPort.split(separator: ":")
        guard parts.count == 2, let p = UInt16(parts[1]) else { throw PipelineError("sink '\(url)': expected http://HOST:PORT/PATH") }
        host = String(parts[0])
        port = p
    }

    public mutating func resume(at position: Int64) throws {}

    public mutating func deliver(_ line: [UInt8], id: String) throws -> Int64 {
        var lastError = ""
        for attempt in 0..<attempts {
            if attempt > 0 { usleep(useconds_t(200_000 << min(attempt - 1, 4))) }
            do {
                let status = try post(line, id: id)
                if (200..<300).contains(status) { return 0 }
                lastError = "HTTP status \(status)"
            } catch {
                lastError = "\(error)"
            }
        }
        throw PipelineError("\(name): alert \(id) not delivered after \(attempts) attempts: \(lastError)")
    }

    /// One POST over a fresh connection; the status code of the reply.
    func post(_ body: [UInt8], id: String) throws -> Int {
        var hints = addrinfo(ai_flags: 0, ai_family: AF_INET, ai_socktype: Int32(SOCK_STREAM.rawValue), ai_protocol: 0,
                             ai_addrlen: 0, ai_addr: nil, ai_canonname: nil, ai_next: nil)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else { throw PipelineError("cannot resolve \(host)") }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw PipelineError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else { throw PipelineError("connect: \(String(cString: strerror(errno)))") }
        let head = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\nIdempotency-Key: \(id)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw PipelineError("send: \(String(cString: strerror(errno)))") }
            sent += n
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while reply.count < 64 * 1024 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 4096, 0) }
            if n < 0 { throw PipelineError("no reply within \(timeoutSeconds) s") }
            if n == 0 { break }
            reply += buffer[0..<n]
            if reply.contains(UInt8(ascii: "\n")) { break }
        }
        let status = String(decoding: reply.prefix(while: { $0 != UInt8(ascii: "\r") }), as: UTF8.self).split(separator: " ")
        guard status.count >= 2, let code = Int(status[1]) else { throw PipelineError("not an HTTP reply") }
        return code
    }
}
