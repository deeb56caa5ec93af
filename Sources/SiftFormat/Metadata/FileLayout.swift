/// The fixed parts of a file (`spec/format.md` §2).
///
/// ```
/// +----------------------+----------------------+-----------+---------------------------------------------------+
/// | header (8 bytes)     | row groups: pages... | footer    | trailer (20 bytes)                                |
/// | "SIFT" major minor 0 |                      | (wire fmt)| footer_checksum u64 | footer_length u32 | major   |
/// |                      |                      |           | minor | 0 0 | "SIFT"                              |
/// +----------------------+----------------------+-----------+---------------------------------------------------+
/// ```
public enum FileLayout {
    /// `SIFT`, at both ends of a file.
    public static let magic: [UInt8] = Array("SIFT".utf8)
    /// Bytes before the first row group: magic and version.
    public static let headerSize = 8
    /// Bytes after the footer: checksum, length, version and magic.
    public static let trailerSize = 20
    /// The major version this library writes and reads.
    public static let majorVersion: UInt8 = 1
    /// The minor version this library writes.
    /// The newest minor version this library reads and writes. 1 added page bloom filters
    /// (§7.7); a writer marks a file 1.1 only when it uses them, so files without them stay 1.0.
    public static let minorVersion: UInt8 = 1

    package static func header(minorVersion: UInt8 = 0) -> [UInt8] { magic + [majorVersion, minorVersion, 0, 0] }

    package static func trailer(footerChecksum: UInt64, footerLength: UInt32, minorVersion: UInt8 = 0) -> [UInt8] {
        var w = ByteWriter(capacity: trailerSize)
        w.le(footerChecksum)
        w.le(footerLength)
        w.u8(majorVersion)
        w.u8(minorVersion)
        w.le(UInt16(0))
        w.raw(magic)
        return w.bytes
    }
}
