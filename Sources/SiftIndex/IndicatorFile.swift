import SiftFormat

/// The values of `column in file('path')` (`spec/predicates.md`, "Indicator files"): one value
/// a line, an IP address, a network (`a.b.c.d/len`), a number or any other text (a domain);
/// blank lines and lines starting with `#` are skipped, and text after a `#` preceded by a
/// space is a comment. An indicator sweep then reads as one `in` list plus one test per
/// network.
enum IndicatorFile {
    /// The largest list read: 64 MiB.
    static let maxBytes: UInt64 = 64 << 20

    /// The predicate for `column in file(path)`; `fail` builds the error at the path's position.
    static func predicate(column: String, path: String, fileSystem: any FileSystem,
                          fail: (String) -> PredicateSyntaxError) throws(PredicateSyntaxError) -> RowPredicate {
        let status: FileStatus?
        do { status = try fileSystem.status(path) } catch { throw fail("file('\(path)'): \(error.message)") }
        guard let status else { throw fail("file('\(path)') does not exist") }
        guard status.kind == .file else { throw fail("file('\(path)') is not a regular file") }
        guard status.size <= maxBytes else { throw fail("file('\(path)') has \(status.size) bytes; an indicator list may have at most \(maxBytes)") }
        let bytes: [UInt8]?
        do { bytes = try fileSystem.readFile(path) } catch { throw fail("file('\(path)'): \(error.message)") }
        guard let bytes else { throw fail("file('\(path)') does not exist") }
        guard UTF8Validation.isValid(bytes) else { throw fail("file('\(path)') is not UTF-8 text") }
        var values: [Literal] = [], networks: [RowPredicate] = []
        for (index, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let comment = line.firstRange(of: " #") { line = line[..<comment.lowerBound] }
            line = line.drop { $0.isWhitespace }
            while let last = line.last, last.isWhitespace { line = line.dropLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let text = String(line)
            if let slash = text.firstIndex(of: "/"), let ip = TextForms.parseIP(Array(text[..<slash].utf8)) {
                let isV4 = TextForms.parseIPv4(Array(text[..<slash].utf8)) != nil
                guard let length = Int(text[text.index(after: slash)...]), length >= 0, length <= (isV4 ? 32 : 128) else {
                    throw fail("file('\(path)') line \(index + 1): '\(text)' is not a network")
                }
                networks.append(.inNetwork(column: column, ip, length: length, isV4: isV4))
            } else if let v4 = TextForms.parseIPv4(Array(text.utf8)) {
                values.append(.ip(IPv6Address(mapping: v4), isV4: true))
            } else if text.contains(":"), let v6 = TextForms.parseIPv6(text) {
                values.append(.ip(v6, isV4: false))
            } else if let first = text.first, first.isNumber || first == "-", Double(text) != nil {
                values.append(.number(text))
            } else {
                values.append(.string(text))
            }
        }
        let list: [RowPredicate] = values.isEmpty ? [] : [.inList(column: column, values)]
        let all = list + networks
        // An empty list matches nothing: `in ()` is not in the grammar, so a false constant.
        if all.isEmpty { return .and([.isNull(column: column, negated: false), .isNull(column: column, negated: true)]) }
        return all.count == 1 ? all[0] : .or(all)
    }
}
