import SiftFormat
import SiftNDJSON

/// One event in the ingest wrapper (`spec/pipeline.md` §3):
/// `{"ts": "<ISO-8601>", "event_type": "<type>", "source": "<where from>", "raw": <the original event>}`.
public struct WrappedEvent: Sendable, Equatable {
    /// Microseconds since the epoch, UTC.
    public var ts: Int64
    public var eventType: String
    public var source: String
    /// The original event's JSON text, byte for byte as it stood in the wrapper.
    public var raw: [UInt8]

    /// Parses one line; the error says what is wrong and at which byte.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(JSONSyntaxError) -> WrappedEvent {
        var ts: Int64?, eventType: String?, source: String?, raw: [UInt8]?
        func text(_ value: JSONFieldValue, _ key: String) throws -> String {
            guard case .string(let r, let escaped) = value else { throw JSONSyntaxError(message: "\"\(key)\" must be a string", column: 0) }
            let bytesOfValue = escaped ? try JSONLineParser.unescape(bytes, r) : Array(bytes[r])
            guard let s = String(validating: bytesOfValue, as: UTF8.self) else { throw JSONSyntaxError(message: "\"\(key)\" is not valid UTF-8", column: 0) }
            return s
        }
        do {
            try JSONLineParser().parseObject(bytes, range) { keyRange, escaped, value in
                let key = String(decoding: escaped ? try JSONLineParser.unescape(bytes, keyRange) : Array(bytes[keyRange]), as: UTF8.self)
                switch key {
                case "ts":
                    let s = try text(value, key)
                    guard let micros = TextForms.parseTimestamp(Array(s.utf8)) else {
                        throw JSONSyntaxError(message: "\"ts\" is not an ISO-8601 time: \(s)", column: 0)
                    }
                    ts = micros
                case "event_type":
                    let s = try text(value, key)
                    guard !s.isEmpty, s.utf8.allSatisfy({ isTypeByte($0) }) else {
                        throw JSONSyntaxError(message: "\"event_type\" must be lowercase letters, digits, '.', '_' or '-': \(s)", column: 0)
                    }
                    eventType = s
                case "source": source = try text(value, key)
                case "raw":
                    let r: Range<Int>
                    switch value {
                    case .nested(let n): r = n
                    case .string(let s, _): r = (s.lowerBound - 1)..<(s.upperBound + 1)   // with its quotes
                    default: throw JSONSyntaxError(message: "\"raw\" must be an object or a string", column: 0)
                    }
                    guard let valid = String(validating: bytes[r], as: UTF8.self) else { throw JSONSyntaxError(message: "\"raw\" is not valid UTF-8", column: 0) }
                    raw = Array(valid.utf8)
                default:
                    throw JSONSyntaxError(message: "unknown key \"\(key)\" (a wrapper has ts, event_type, source and raw)", column: 0)
                }
            }
        } catch let e as JSONSyntaxError {
            throw e
        } catch {
            throw JSONSyntaxError(message: "\(error)", column: 0)
        }
        guard let ts else { throw JSONSyntaxError(message: "missing \"ts\"", column: 0) }
        guard let eventType else { throw JSONSyntaxError(message: "missing \"event_type\"", column: 0) }
        guard let raw else { throw JSONSyntaxError(message: "missing \"raw\"", column: 0) }
        return WrappedEvent(ts: ts, eventType: eventType, source: source ?? "", raw: raw)
    }

    static func isTypeByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F || b == 0x2D
    }
}
