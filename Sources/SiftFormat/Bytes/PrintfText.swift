import SiftPlatform

/// `format` filled in by C's `vsnprintf` (`%.1f`, `%g`, `%d`, ...): the package's replacement
/// for Foundation's `String(format:)`, so that no module loads Foundation. Arguments must be C
/// scalars (`Double`, `Int`, ...); `%s` and `%@` are not for Swift strings, interpolate those.
package func printfText(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 128)
        // vsnprintf consumes the va_list, so a second attempt with a larger buffer needs a copy.
        let needed = Int(vsnprintf(&buffer, buffer.count, format, list))
        if needed < buffer.count { return String(decoding: buffer[0..<max(needed, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return withVaList(arguments) { again in
            var large = [CChar](repeating: 0, count: needed + 1)
            _ = vsnprintf(&large, large.count, format, again)
            return String(decoding: large[0..<needed].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
