/// ASCII character classes over UTF-8 bytes, shared by the text forms and the JSON parsers.

/// '0'...'9'.
@inline(__always) package func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
/// '0'...'9', 'a'...'f', 'A'...'F'.
@inline(__always) package func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) }
/// The value of a hex digit (`isHex(c)` must hold).
@inline(__always) package func hexValue(_ c: UInt8) -> UInt8 { isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10 }
