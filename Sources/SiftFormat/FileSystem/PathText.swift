/// Parts of a `/`-separated path, as text (what `NSString`'s path methods did, without loading
/// Foundation): nothing here touches the file system.
package enum PathText {
    /// The last component: `"/a/b.log"` gives `"b.log"`, `"/a/b/"` gives `"b"`, `"/"` gives `"/"`.
    package static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        let last = trimmed[trimmed.index(after: slash)...]
        return last.isEmpty ? "/" : String(last)
    }

    /// The path without its last component: `"/a/b.log"` gives `"/a"`, `"b.log"` gives `""`,
    /// `"/b"` gives `"/"`.
    package static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        var parent = p[..<slash]
        while parent.count > 1 && parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }

    /// The extension of the last component without its dot (`"x.tar.gz"` gives `"gz"`); empty
    /// when there is none or the name only starts with a dot.
    package static func fileExtension(_ path: String) -> String {
        let name = lastComponent(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }
}
