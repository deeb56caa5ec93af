import SiftFormat

/// A predicate that could not be parsed: what was expected, and where (0-based character
/// offset into the text).
public struct PredicateSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the text.
    public var message: String
    /// The 0-based character offset of the problem in `text`.
    public var position: Int
    /// The predicate as given.
    public var text: String

    public var description: String {
        let caret = String(repeating: " ", count: position) + "^"
        return "at character \(position + 1): \(message)\n  \(text)\n  \(caret)"
    }
}

extension RowPredicate {
    /// Parses the predicate grammar of `spec/predicates.md`. `file('path')` lists are read
    /// through `fileSystem`; with nil, a predicate that names one is refused (a service that
    /// parses predicates from clients should not read its own files for them).
    public static func parse(_ text: String, fileSystem: (any FileSystem)? = LocalFileSystem()) throws(PredicateSyntaxError) -> RowPredicate {
        var parser = PredicateParser(text)
        parser.fileSystem = fileSystem
        let p = try parser.parseOr()
        guard parser.peek == .end else { throw parser.error("expected 'and', 'or' or the end of the expression") }
        return p
    }
}

enum Token: Equatable {
    case identifier(String)
    case number(String)
    case string(String)
    case ip(IPv6Address, isV4: Bool)
    case network(IPv6Address, length: Int, isV4: Bool)
    case symbol(String)
    case end
}

struct PredicateParser {
    let text: String
    let chars: [Character]
    var position = 0
    private(set) var peek: Token = .end
    /// Levels of `not` and `(` the parser is inside.
    var depth = 0
    var tokenStart = 0
    /// Where `file('...')` lists are read from (nil: refused).
    var fileSystem: (any FileSystem)?

    init(_ text: String) {
        self.text = text
        chars = Array(text)
        peek = .end
        // Errors in the first token surface at the first parse call.
        advanceOrEnd()
    }

    func error(_ message: String, at: Int? = nil) -> PredicateSyntaxError {
        PredicateSyntaxError(message: message, position: at ?? tokenStart, text: text)
    }

    private var lexError: PredicateSyntaxError?

    private mutating func advanceOrEnd() {
        do throws(PredicateSyntaxError) { try advance() } catch { lexError = error; peek = .end }
    }

    mutating func advance() throws(PredicateSyntaxError) {
        while position < chars.count, chars[position].isWhitespace { position += 1 }
        tokenStart = position
        guard position < chars.count else { peek = .end; return }
        let c = chars[position]
        if c == "'" || c == "\"" {
            var s = ""
            position += 1
            while position < chars.count, chars[position] != c {
                // A backslash escapes the quote and itself; before anything else it stays, so
                // regular expressions keep `\\d` and `\\.` as written.
                if chars[position] == "\\", position + 1 < chars.count, chars[position + 1] == c || chars[position + 1] == "\\" { position += 1 }
                s.append(chars[position])
                position += 1
            }
            guard position < chars.count else { throw error("unterminated string") }
            position += 1
            peek = .string(s)
            return
        }
        if c == "(" || c == ")" || c == "," || c == "=" { position += 1; peek = .symbol(String(c)); return }
        if c == "!" || c == "<" || c == ">" {
            position += 1
            if position < chars.count, chars[position] == "=" { position += 1; peek = .symbol(String(c) + "="); return }
            guard c != "!" else { throw error("expected '!='") }
            peek = .symbol(String(c))
            return
        }
        // A word: identifier, keyword, number, IP, or network. IPv6 text holds ':'.
        var word = ""
        while position < chars.count {
            let ch = chars[position]
            guard ch.isLetter || ch.isNumber || "._-:/+".contains(ch) else { break }
            word.append(ch)
            position += 1
        }
        guard !word.isEmpty else { throw error("unexpected character '\(c)'") }
        peek = try classify(word)
    }

    func classify(_ word: String) throws(PredicateSyntaxError) -> Token {
        if let slash = word.firstIndex(of: "/") {
            let address = String(word[..<slash])
            guard let ip = TextForms.parseIP(Array(address.utf8)), let length = Int(word[word.index(after: slash)...]) else {
                throw error("'\(word)' is not a network (a.b.c.d/len or an IPv6 address/len)")
            }
            let isV4 = TextForms.parseIPv4(Array(address.utf8)) != nil
            guard length >= 0, length <= (isV4 ? 32 : 128) else { throw error("prefix length \(length) is out of range") }
            return .network(ip, length: length, isV4: isV4)
        }
        if let v4 = TextForms.parseIPv4(Array(word.utf8)) { return .ip(IPv6Address(mapping: v4), isV4: true) }
        if word.contains(":"), let v6 = TextForms.parseIPv6(word) { return .ip(v6, isV4: false) }
        if let first = word.first, first.isNumber || first == "-" || first == "+" {
            guard Double(word) != nil else {
                // Two dots or a colon: meant as an address, so say what an address looks like.
                if word.contains(":") || word.filter({ $0 == "." }).count > 1 {
                    throw error("'\(word)' is neither a number nor an IP address (a.b.c.d with parts 0-255, or IPv6 text)")
                }
                throw error("'\(word)' is not a number")
            }
            return .number(word)
        }
        return .identifier(word)
    }

    mutating func next() throws(PredicateSyntaxError) -> Token {
        if let lexError { throw lexError }
        let t = peek
        try advance()
        return t
    }

    func isKeyword(_ k: String) -> Bool {
        if case .identifier(let w) = peek { return w.lowercased() == k }
        return false
    }

    mutating func expectKeyword(_ k: String) throws(PredicateSyntaxError) {
        guard isKeyword(k) else { throw error("expected '\(k)'") }
        _ = try next()
    }

    mutating func parseOr() throws(PredicateSyntaxError) -> RowPredicate {
        if let lexError { throw lexError }
        var terms = [try parseAnd()]
        while isKeyword("or") { _ = try next(); terms.append(try parseAnd()) }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    mutating func parseAnd() throws(PredicateSyntaxError) -> RowPredicate {
        var terms = [try parseNot()]
        while isKeyword("and") { _ = try next(); terms.append(try parseNot()) }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    mutating func parseNot() throws(PredicateSyntaxError) -> RowPredicate {
        // Each `not` and `(` is one level of recursion here and in every later walk of the
        // predicate: past the limit the text is refused rather than the stack exhausted.
        let nests = isKeyword("not") || peek == .symbol("(")
        if nests {
            depth += 1
            guard depth <= Self.maxNesting else {
                throw error("'not' and '(' nest deeper than \(Self.maxNesting) levels (spec/predicates.md, Limits)")
            }
        }
        defer { if nests { depth -= 1 } }
        if isKeyword("not") { _ = try next(); return .not(try parseNot()) }
        if peek == .symbol("(") {
            _ = try next()
            let inner = try parseOr()
            guard peek == .symbol(")") else { throw error("expected ')'") }
            _ = try next()
            return inner
        }
        return try parseComparison()
    }

    /// The deepest nesting of `not` and parentheses a predicate may have.
    static let maxNesting = 256

    mutating func parseLiteral() throws(PredicateSyntaxError) -> Literal {
        switch peek {
        case .number(let n): _ = try next(); return .number(n)
        case .string(let s): _ = try next(); return .string(s)
        case .ip(let a, let v4): _ = try next(); return .ip(a, isV4: v4)
        case .identifier(let w) where w.lowercased() == "true" || w.lowercased() == "false":
            _ = try next(); return .bool(w.lowercased() == "true")
        default: throw error("expected a value (a number, a 'string', or an IP address)")
        }
    }

    mutating func parseComparison() throws(PredicateSyntaxError) -> RowPredicate {
        guard case .identifier(let column) = peek, !["and", "or", "not", "in", "is", "between"].contains(column.lowercased()) else {
            throw error("expected a column name, 'not' or '('")
        }
        _ = try next()
        if case .symbol(let s) = peek, let op = ComparisonOperator(rawValue: s) {
            _ = try next()
            return .compare(column: column, op, try parseLiteral())
        }
        // `column not in (...)` / `not in a.b.c.d/n`: the negation of `in`.
        if isKeyword("not") {
            _ = try next()
            guard isKeyword("in") else { throw error("expected 'in' after 'not' (for 'not in')") }
            return .not(try parseComparisonAfter(column: column))
        }
        return try parseComparisonAfter(column: column)
    }

    /// The operator and operands after a column name.
    mutating func parseComparisonAfter(column: String) throws(PredicateSyntaxError) -> RowPredicate {
        if isKeyword("in") {
            _ = try next()
            if case .network(let a, let length, let v4) = peek {
                _ = try next()
                return .inNetwork(column: column, a, length: length, isV4: v4)
            }
            if isKeyword("file") {
                let at = tokenStart
                _ = try next()
                guard peek == .symbol("(") else { throw error("expected '(' after 'file'") }
                _ = try next()
                guard case .string(let path) = peek else { throw error("expected a 'path' in file(...)") }
                _ = try next()
                guard peek == .symbol(")") else { throw error("expected ')' after the path") }
                _ = try next()
                guard let fileSystem else { throw error("file('...') lists are not allowed here", at: at) }
                let text = self.text
                return try IndicatorFile.predicate(column: column, path: path, fileSystem: fileSystem) { message in
                    PredicateSyntaxError(message: message, position: at, text: text)
                }
            }
            guard peek == .symbol("(") else { throw error("expected '(', file('path') or a network such as 10.0.0.0/8 after 'in'") }
            _ = try next()
            var values = [try parseLiteral()]
            while peek == .symbol(",") { _ = try next(); values.append(try parseLiteral()) }
            guard peek == .symbol(")") else { throw error("expected ',' or ')'") }
            _ = try next()
            return .inList(column: column, values)
        }
        if isKeyword("between") {
            _ = try next()
            let low = try parseLiteral()
            try expectKeyword("and")
            return .between(column: column, low, try parseLiteral())
        }
        if isKeyword("is") {
            _ = try next()
            var negated = false
            if isKeyword("not") { _ = try next(); negated = true }
            try expectKeyword("null")
            return .isNull(column: column, negated: negated)
        }
        for kind in [MatchKind.contains, .containsIgnoringCase, .equalsIgnoringCase, .regex] where isKeyword(kind.rawValue) {
            _ = try next()
            guard case .string(let s) = peek else { throw error("expected a 'string' after \(kind.rawValue)") }
            if kind == .regex, let problem = RegexCache.problem(s) { throw error("'\(s)' is not a regular expression: \(problem)") }
            _ = try next()
            return .match(column: column, s, kind)
        }
        if isKeyword("starts_with") || isKeyword("ends_with") {
            let starts = isKeyword("starts_with")
            _ = try next()
            guard case .string(let s) = peek else { throw error("expected a 'string'") }
            _ = try next()
            return starts ? .startsWith(column: column, s) : .endsWith(column: column, s)
        }
        throw error("expected an operator (=, !=, <, <=, >, >=, in, not in, between, is, starts_with, ends_with, contains, icontains, ieq, matches) after '\(column)'")
    }
}
