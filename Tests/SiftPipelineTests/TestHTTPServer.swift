#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A one-thread HTTP receiver for the sink tests: records each request's Idempotency-Key and
/// body; answers 500 to the first `failFirst`, then 200; or never answers (`silent`).
final class TestHTTPServer: @unchecked Sendable {
    struct Request { var key: String; var body: String }
    // Safety: `received` and `running` are only touched under `lock`.
    private let lock = NSLock()
    private var received: [Request] = []
    private let fd: Int32
    let port: UInt16

    init(failFirst: Int, silent: Bool = false) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(sock, 16)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &length) } }
        fd = sock
        port = UInt16(bigEndian: address.sin_port)
        let listener = sock
        Thread {
            var served = 0
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var data: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                // Read the head, then the body by Content-Length.
                while true {
                    let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress!, 65536, 0) }
                    if n <= 0 { break }
                    data += buffer[0..<n]
                    let text = String(decoding: data, as: UTF8.self)
                    if let split = text.range(of: "\r\n\r\n") {
                        let head = text[..<split.lowerBound]
                        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                        if text.utf8.count - text.utf8.distance(from: text.utf8.startIndex, to: split.upperBound) >= length { break }
                    }
                }
                if silent { usleep(3_000_000); close(client); continue }
                let text = String(decoding: data, as: UTF8.self)
                let key = text.split(separator: "\r\n").first { $0.hasPrefix("Idempotency-Key:") }.map { String($0.dropFirst(16)).trimmingCharacters(in: .whitespaces) } ?? ""
                let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
                served += 1
                self.record(Request(key: key, body: body))
                let status = served <= failFirst ? "500 Internal Server Error" : "200 OK"
                let reply = Array("HTTP/1.1 \(status)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
                _ = reply.withUnsafeBytes { send(client, $0.baseAddress!, reply.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }.start()
    }

    private func record(_ r: Request) { lock.lock(); received.append(r); lock.unlock() }
    var requests: [Request] { lock.lock(); defer { lock.unlock() }; return received }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}
