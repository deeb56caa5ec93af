/// A 64-bit value as 16 lowercase hex digits.
func hex64(_ v: UInt64) -> String {
    let digits = String(v, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
