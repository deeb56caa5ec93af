/// Canonical text forms of Sift values, used by `sift write` (parsing) and `sift cat`
/// (formatting). Parsing is strict about canonical forms so that text round-trips exactly: an
/// IP or timestamp string that is not canonical stays a string.
public enum TextForms {
    // MARK: IPv4

    /// Parses a dotted quad without leading zeros ("10.0.0.1", not "010.0.0.1").
    public static func parseIPv4<C: Collection>(_ s: C) -> UInt32? where C.Element == UInt8 {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var parts = 0
        var leadingZero = false
        for c in s {
            if isDigit(c) {
                if digits == 1 && leadingZero { return nil }
                if digits == 0 { leadingZero = c == 0x30 }
                octet = octet * 10 + UInt32(c - 0x30)
                digits += 1
                if digits > 3 || octet > 255 { return nil }
            } else if c == 0x2E {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | octet
                parts += 1
                octet = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | octet
    }

    /// An IPv4 address as a dotted quad.
    public static func formatIPv4(_ v: UInt32) -> String {
        "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
    }

    // MARK: IPv6

    /// Parses an IPv6 address (RFC 4291 text forms, including `::` and a trailing dotted quad).
    /// `canonicalOnly` accepts only the RFC 5952 form that ``formatIPv6(_:)`` writes.
    public static func parseIPv6(_ text: String, canonicalOnly: Bool = false) -> IPv6Address? {
        let s = Array(text.utf8)
        guard s.count >= 2, s.count <= 45 else { return nil }
        var groups: [UInt16] = []
        var gapAt: Int?
        var i = 0
        if s.starts(with: [0x3A, 0x3A]) { gapAt = 0; i = 2 }
        while i < s.count {
            // A trailing dotted quad.
            var j = i
            while j < s.count, s[j] != 0x3A { j += 1 }
            let part = s[i..<j]
            if j == s.count, part.contains(0x2E) {
                guard let v4 = parseIPv4(part) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                i = j
                break
            }
            guard !part.isEmpty, part.count <= 4, part.allSatisfy(isHex) else { return nil }
            groups.append(part.reduce(0) { $0 << 4 | UInt16(hexValue($1)) })
            i = j
            if i < s.count {
                // Skip ':' and detect '::'.
                i += 1
                if i < s.count, s[i] == 0x3A {
                    guard gapAt == nil else { return nil }
                    gapAt = groups.count
                    i += 1
                } else if i == s.count {
                    return nil
                }
            }
        }
        if let gap = gapAt {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for g in groups[0..<4] { high = high << 16 | UInt64(g) }
        for g in groups[4..<8] { low = low << 16 | UInt64(g) }
        let address = IPv6Address(high: high, low: low)
        if canonicalOnly && formatIP(address) != text { return nil }
        return address
    }

    /// Parses IPv4 or IPv6 text into the ipv6 column form (IPv4 becomes IPv4-mapped).
    /// `canonicalOnly` accepts only text that ``formatIP(_:)`` writes back unchanged.
    public static func parseIP(_ text: some Collection<UInt8>, canonicalOnly: Bool = false) -> IPv6Address? {
        if let v4 = parseIPv4(text) { return IPv6Address(mapping: v4) }
        guard text.contains(0x3A) else { return nil }
        return parseIPv6(String(decoding: text, as: UTF8.self), canonicalOnly: canonicalOnly)
    }

    /// RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups as `::`,
    /// IPv4-mapped addresses as `::ffff:a.b.c.d`. Plain IPv4 text comes from ``formatIP(_:)``.
    public static func formatIPv6(_ a: IPv6Address) -> String {
        if let v4 = a.mappedIPv4 { return "::ffff:" + formatIPv4(v4) }
        var groups: [UInt16] = []
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: a.high >> UInt64(shift))) }
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: a.low >> UInt64(shift))) }
        var bestStart = -1, bestLength = 1
        var i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8, groups[j] == 0 { j += 1 }
                if j - i > bestLength { bestStart = i; bestLength = j - i }
                i = j
            } else { i += 1 }
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    /// An ipv6 column's value as text: IPv4-mapped addresses print as plain dotted quads, since
    /// that is how they arrived in a mixed column.
    public static func formatIP(_ a: IPv6Address) -> String {
        if let v4 = a.mappedIPv4 { return formatIPv4(v4) }
        return formatIPv6(a)
    }

    // MARK: Timestamps

    /// Parses a time as people write one: an ISO-8601 timestamp (``parseTimestamp(_:)``) or a
    /// date alone, `YYYY-MM-DD`, meaning midnight UTC. The one place that rule lives.
    public static func parseTime(_ text: String) -> Int64? {
        parseDate(text) ?? parseTimestamp(Array(text.utf8))
    }

    /// Parses a date alone, `YYYY-MM-DD`, into microseconds since the epoch at midnight UTC.
    public static func parseDate(_ text: String) -> Int64? {
        guard text.utf8.count == 10 else { return nil }
        return parseTimestamp(Array((text + "T00:00:00Z").utf8))
    }

    /// Parses ISO-8601 `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]` into microseconds
    /// since the epoch, UTC. A missing zone means UTC. Fractions past microseconds must be zero.
    public static func parseTimestamp<C: Collection>(_ text: C) -> Int64? where C.Element == UInt8 {
        if let r = text.withContiguousStorageIfAvailable({ parseTimestamp(buffer: $0) }) { return r }
        return Array(text).withUnsafeBufferPointer { parseTimestamp(buffer: $0) }
    }

    package static func parseTimestamp(buffer s: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard s.count >= 19 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard i < s.count, isDigit(s[i]) else { return nil }; v = v * 10 + Int(s[i] - 0x30) }
            return v
        }
        guard let year = num(0..<4), s[4] == 0x2D, let month = num(5..<7), s[7] == 0x2D, let day = num(8..<10),
              s[10] == 0x54 || s[10] == 0x20, let hour = num(11..<13), s[13] == 0x3A, let minute = num(14..<16),
              s[16] == 0x3A, let second = num(17..<19)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60 else { return nil }
        var i = 19
        var micros = 0
        if i < s.count, s[i] == 0x2E {
            i += 1
            var digits = 0
            while i < s.count, isDigit(s[i]) {
                if digits < 6 { micros = micros * 10 + Int(s[i] - 0x30) } else if s[i] != 0x30 { return nil }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            // More than six digits (zeros past microseconds) are allowed: `digits..<6` would
            // then be an invalid range, a trap on input a log can hold (found by `make fuzz`).
            if digits < 6 { for _ in digits..<6 { micros *= 10 } }
        }
        var offsetSeconds = 0
        if i < s.count {
            if s[i] == 0x5A {
                i += 1
            } else if s[i] == 0x2B || s[i] == 0x2D {
                let sign = s[i] == 0x2D ? -1 : 1
                guard let oh = num((i + 1)..<(i + 3)) else { return nil }
                var om = 0
                var j = i + 3
                if j < s.count, s[j] == 0x3A { j += 1 }
                if j < s.count {
                    guard let m = num(j..<(j + 2)) else { return nil }
                    om = m
                    j += 2
                }
                guard oh < 24, om < 60 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
                i = j
            } else { return nil }
        }
        guard i == s.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, always six fraction digits, UTC.
    public static func formatTimestamp(_ micros: Int64) -> String {
        let (secs, us) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        let s = us < 0 ? secs - 1 : secs
        let frac = us < 0 ? us + 1_000_000 : us
        let (days, sod) = s.quotientAndRemainder(dividingBy: 86400)
        let d = sod < 0 ? days - 1 : days
        let secOfDay = sod < 0 ? sod + 86400 : sod
        let (y, m, dd) = civilFromDays(Int(d))
        func pad(_ v: Int, _ n: Int) -> String {
            let t = String(v)
            return String(repeating: "0", count: max(0, n - t.count)) + t
        }
        let year = y < 0 ? "-" + pad(-y, 4) : pad(y, 4)
        return "\(year)-\(pad(m, 2))-\(pad(dd, 2))T\(pad(Int(secOfDay / 3600), 2)):\(pad(Int(secOfDay / 60 % 60), 2)):\(pad(Int(secOfDay % 60), 2)).\(pad(Int(frac), 6))Z"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    // MARK: Other values

    /// The shortest text that reads back as the same double; NaN and infinities, which JSON
    /// cannot hold, as the strings "NaN", "Infinity", "-Infinity".
    public static func formatDouble(_ v: Double) -> String {
        if v.isNaN { return "\"NaN\"" }
        if v.isInfinite { return v < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        return v.description
    }

    /// `bytes` in standard base64 with padding (binary values' text form).
    public static func base64(_ bytes: some Collection<UInt8>) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        let b = Array(bytes)
        var i = 0
        while i + 3 <= b.count {
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        if b.count - i == 1 {
            let n = UInt32(b[i]) << 16
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], 0x3D, 0x3D]
        } else if b.count - i == 2 {
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], 0x3D]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of standard base64 text; nil when it is not base64.
    public static func decodeBase64(_ text: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        var padding = 0
        for c in text {
            let v: UInt32
            switch c {
            case 0x41...0x5A: v = UInt32(c - 0x41)
            case 0x61...0x7A: v = UInt32(c - 0x61 + 26)
            case 0x30...0x39: v = UInt32(c - 0x30 + 52)
            case 0x2B: v = 62
            case 0x2F: v = 63
            case 0x3D: padding += 1; continue
            default: return nil
            }
            guard padding == 0 else { return nil }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return padding <= 2 ? out : nil
    }

    /// Appends `bytes` as a JSON string literal (quotes and escapes included).
    /// Appends `bytes` (UTF-8) as a JSON string. Besides what JSON requires (quote, backslash,
    /// C0 controls), DEL, the C1 controls (U+0080-U+009F, which some terminals read as escape
    /// sequences) and the bidirectional marks, overrides and isolates (U+200E-F, U+202A-E,
    /// U+2066-9) are written as `\uXXXX`: NDJSON on a terminal cannot be made to act or to
    /// read differently, and every JSON reader still gets the same string back.
    public static func appendJSONString(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        func escape(_ v: UInt32) {
            out += [0x5C, 0x75, hex[Int(v >> 12 & 15)], hex[Int(v >> 8 & 15)], hex[Int(v >> 4 & 15)], hex[Int(v & 15)]]
        }
        out.append(0x22)
        var pending: [UInt8] = []  // the bytes of a multi-byte sequence being looked at
        for c in bytes {
            if !pending.isEmpty {
                pending.append(c)
                let lead = pending[0]
                let need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                guard pending.count == need else { continue }
                var scalar: UInt32 = 0
                if need == 2 { scalar = UInt32(lead & 0x1F) << 6 | UInt32(pending[1] & 0x3F) }
                if need == 3 { scalar = UInt32(lead & 0x0F) << 12 | UInt32(pending[1] & 0x3F) << 6 | UInt32(pending[2] & 0x3F) }
                switch scalar {
                case 0x80...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: escape(scalar)
                default: out += pending
                }
                pending.removeAll(keepingCapacity: true)
                continue
            }
            switch c {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case 0..<0x20, 0x7F: escape(UInt32(c))
            case 0xC2, 0xE2: pending.append(c)  // leads of the C1 and bidi ranges
            default: out.append(c)
            }
        }
        out += pending  // a cut sequence (not from a validated string column) is passed on as is
        out.append(0x22)
    }
}
