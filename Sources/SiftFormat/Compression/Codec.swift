/// Page compression codecs (`spec/format.md` §8). Raw values are the ids in page headers.
public enum Codec: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0
    /// One LZ4 block (no frame); the uncompressed size is the page header's `uncompressed_size`.
    case lz4 = 1
    /// One zstd frame.
    case zstd = 2

    public var description: String {
        switch self {
        case .none: "none"
        case .lz4: "lz4"
        case .zstd: "zstd"
        }
    }

    /// The codec named `name` (`none`, `lz4`, `zstd`), as options and the CLI spell it; nil for another name.
    public init?(name: String) {
        guard let match = Codec.allCases.first(where: { $0.description == name }) else { return nil }
        self = match
    }
}

/// A codec with its writer-side settings.
public struct Compression: Sendable, Equatable {
    /// The codec pages are compressed with.
    public var codec: Codec
    /// zstd level (1...19); ignored by other codecs.
    public var level: Int32

    /// A codec and its level (zstd: 1 to 22; ignored by the others).
    public init(_ codec: Codec, level: Int32 = 3) {
        self.codec = codec
        self.level = level
    }

    /// Pages stored as encoded.
    public static let none = Compression(.none)
    /// LZ4 block compression: fast to decode.
    public static let lz4 = Compression(.lz4)
    /// Zstandard at level 3: smaller pages.
    public static let zstd = Compression(.zstd)
}
