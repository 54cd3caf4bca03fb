/// Finds a module's `if __name__ == "__main__":` blocks and whether one of them runs something,
/// by the rule of sglang's collector (`RegistryVisitor._is_main_block_with_call`, sglang #23305).
///
/// A block counts when it is a **top-level** `if` statement whose test is exactly one comparison
/// `__name__ == "__main__"`: the name on the left, `==` as the only operator, a `str` constant
/// on the right (adjacent literals joined, parentheses allowed, no bytes, no f-string). Its own
/// body — not an `elif` or `else` — *runs something* when it holds at least one call anywhere,
/// as `ast.walk` finds them: in nested statements, function and class bodies, default values,
/// decorators, lambdas, comprehensions and f-string replacement fields. `pass`, an assignment of
/// a constant or an `import` alone do not run anything.
public enum PythonMainBlock {
    /// What a module's main blocks amount to.
    public enum Finding: Sendable, Hashable {
        /// A main block that holds a call; the line of its `if`.
        case runs(line: Int)
        /// Main blocks exist but none holds a call; the line of the first one's `if`.
        case runsNothing(line: Int)
        /// No top-level `if __name__ == "__main__":` block.
        case missing
    }

    /// Looks at `module`'s top-level statements; `source` is the UTF-8 text it was read from
    /// (needed to look inside f-strings).
    public static func find(in module: PythonModule, source: [UInt8]) -> Finding {
        var firstLine: Int?
        for statement in module.statements {
            guard case let .compound(keyword, body) = statement.kind, keyword == "if",
                  isMainTest(statement.tokens) else { continue }
            if body.contains(where: { containsCall($0, source: source) }) { return .runs(line: statement.line) }
            if firstLine == nil { firstLine = statement.line }
        }
        return firstLine.map { .runsNothing(line: $0) } ?? .missing
    }

    // MARK: - The test

    /// Whether an `if` header's tokens (`if`, the test, `:`) are `if __name__ == "__main__":`.
    static func isMainTest(_ header: [PythonToken]) -> Bool {
        guard header.count >= 3, header.last?.isOp(":") == true else { return false }
        let test = unwrapped(header[1..<(header.count - 1)])
        var depth = 0
        var equals: Int?
        for index in test.indices {
            switch test[index].kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"): depth -= 1
            case .op("==") where depth == 0:
                guard equals == nil else { return false }
                equals = index
            default: break
            }
        }
        guard let equals else { return false }
        let left = unwrapped(test[test.startIndex..<equals])
        let right = unwrapped(test[(equals + 1)..<test.endIndex])
        guard left.count == 1, left.first?.name == "__name__", !right.isEmpty else { return false }
        var text = ""
        for token in right {
            guard case let .string(string) = token.kind, let constant = string.constantText else { return false }
            text += constant
        }
        return text == "__main__"
    }

    /// `tokens` without parentheses that enclose all of them (`((x))` → `x`).
    private static func unwrapped(_ tokens: ArraySlice<PythonToken>) -> ArraySlice<PythonToken> {
        var tokens = tokens
        while tokens.count >= 2, tokens.first?.isOp("(") == true, tokens.last?.isOp(")") == true,
              closing(ofOpeningAt: tokens.startIndex, in: tokens) == tokens.endIndex - 1 {
            tokens = tokens.dropFirst().dropLast()
        }
        return tokens
    }

    private static func closing(ofOpeningAt start: Int, in tokens: ArraySlice<PythonToken>) -> Int? {
        var depth = 0
        for index in start..<tokens.endIndex {
            switch tokens[index].kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    // MARK: - Calls

    /// Keywords that end no expression, so a `(` after one opens a group, not a call.
    /// (`True`, `False` and `None` are constants: `None()` parses as a call.)
    private static let keywords: Set<String> = [
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
        "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
        "raise", "return", "try", "while", "with", "yield",
    ]

    /// Whether a statement (with everything nested in it) holds a call.
    static func containsCall(_ statement: PythonStatement, source: [UInt8]) -> Bool {
        switch statement.kind {
        case .simple:
            return containsCall(statement.tokens[...], source: source)
        case let .compound(keyword, body):
            let header: ArraySlice<PythonToken>
            switch keyword {
            // `match` is a soft keyword: a `(` right after it opens the subject.
            case "match": header = statement.tokens.dropFirst()
            // A pattern makes no call (`Point(x=1)` is a class pattern); only the guard can.
            case "case": header = caseGuard(statement.tokens)
            default: header = statement.tokens[...]
            }
            return containsCall(header, source: source) || body.contains { containsCall($0, source: source) }
        case let .definition(definition):
            return definition.decoratorTokens.contains { containsCall($0[...], source: source) }
                || containsCall(statement.tokens[...], source: source)
                || definition.body.contains { containsCall($0, source: source) }
        }
    }

    /// The guard of a `case` header (the tokens after a top-level `if`), or nothing.
    private static func caseGuard(_ header: [PythonToken]) -> ArraySlice<PythonToken> {
        var depth = 0
        for (index, token) in header.enumerated() {
            switch token.kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"): depth -= 1
            case .name("if") where depth == 0: return header[(index + 1)...]
            default: break
            }
        }
        return []
    }

    /// Whether a token run holds a call: a `(` right after a token that ends an expression
    /// (a name that is no keyword, a literal, `)`, `]`, `}`, `...`), the parameter list of a
    /// `def` and the bases of a `class` excepted; or an f-string whose fields hold one.
    static func containsCall(_ tokens: ArraySlice<PythonToken>, source: [UInt8]) -> Bool {
        var previous: PythonToken?
        var beforePrevious: PythonToken?
        for token in tokens {
            if token.isOp("("), let previous, endsExpression(previous),
               !(previous.name != nil && (beforePrevious?.name == "def" || beforePrevious?.name == "class")) {
                return true
            }
            if case let .string(string) = token.kind, string.isFormatted,
               formattedFieldsContainCall(source, token.span) {
                return true
            }
            beforePrevious = previous
            previous = token
        }
        return false
    }

    private static func endsExpression(_ token: PythonToken) -> Bool {
        switch token.kind {
        case let .name(name): !keywords.contains(name)
        case .number, .string: true
        case .op(")"), .op("]"), .op("}"), .op("..."): true
        case .op: false
        }
    }

    // MARK: - f-strings

    /// Whether an f-string literal's replacement fields (`{expr!r:spec}`, nested fields in the
    /// spec included) hold a call. `span` is the literal's byte range in `source`.
    static func formattedFieldsContainCall(_ source: [UInt8], _ span: Range<Int>) -> Bool {
        guard span.lowerBound >= 0, span.upperBound <= source.count else { return false }
        let bytes = Array(source[span])
        // Skip the prefix letters and the opening quote(s).
        var index = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: "'"), bytes[index] != UInt8(ascii: "\"") { index += 1 }
        guard index < bytes.count else { return false }
        let quote = bytes[index]
        let triple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        let opening = triple ? 3 : 1
        let body = Array(bytes[(index + opening)..<max(index + opening, bytes.count - opening)])
        return literalPartContainsCall(body[...])
    }

    /// Scans literal text of an f-string (or a format spec) for replacement fields.
    private static func literalPartContainsCall(_ text: ArraySlice<UInt8>) -> Bool {
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "\\") { index += 2; continue }
            guard byte == UInt8(ascii: "{") else { index += 1; continue }
            if index + 1 < text.endIndex, text[index + 1] == UInt8(ascii: "{") { index += 2; continue }
            guard let end = fieldEnd(text, from: index + 1) else { return false }
            if fieldContainsCall(text[(index + 1)..<end]) { return true }
            index = end + 1
        }
        return false
    }

    /// The index of the `}` closing the field whose text starts at `start`.
    private static func fieldEnd(_ text: ArraySlice<UInt8>, from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < text.endIndex {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                guard let close = text[(index + 1)...].firstIndex(of: byte) else { return nil }
                index = close
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "}"):
                if depth == 0 { return index }
                depth -= 1
            default: break
            }
            index += 1
        }
        return nil
    }

    /// Whether one field's text (`expr`, `expr=`, `expr!r`, `expr:spec`) holds a call.
    private static func fieldContainsCall(_ field: ArraySlice<UInt8>) -> Bool {
        // The expression ends at a top-level `!` (not `!=`) or `:`; the spec may nest fields.
        var depth = 0
        var index = field.startIndex
        var expressionEnd = field.endIndex
        var specStart: Int?
        while index < field.endIndex {
            let byte = field[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                index = field[(index + 1)...].firstIndex(of: byte) ?? field.endIndex
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: "!") where depth == 0 && !(index + 1 < field.endIndex && field[index + 1] == UInt8(ascii: "=")):
                expressionEnd = min(expressionEnd, index)
            case UInt8(ascii: ":") where depth == 0:
                expressionEnd = min(expressionEnd, index)
                specStart = index + 1
            default: break
            }
            if specStart != nil { break }
            index += 1
        }
        let expression = Array("(".utf8) + Array(field[field.startIndex..<expressionEnd]) + Array(")".utf8)
        if let lines = try? PythonTokenizer.logicalLines(expression, checkingIndentation: false),
           lines.contains(where: { containsCall($0.tokens[...], source: expression) }) {
            return true
        }
        if let specStart { return literalPartContainsCall(field[specStart..<field.endIndex]) }
        return false
    }
}
