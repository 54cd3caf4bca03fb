/// Reads expressions from a logical line's tokens by recursive descent.
///
/// It models literals, containers, names, attribute chains and calls; anything else becomes an
/// ``PythonExpression/Kind/opaque`` expression spanning the tokens up to the next separator.
/// It throws only where Python itself refuses the source (an empty argument, mixed bytes and str).
public struct PythonExpressionParser {
    private let tokens: [PythonToken]
    /// Index of the next token to read.
    public private(set) var position: Int
    private var depth = 0

    /// A parser over `tokens` starting at index `position`.
    public init(_ tokens: [PythonToken], from position: Int = 0) {
        self.tokens = tokens
        self.position = max(0, position)
    }

    /// Whether every token was read.
    public var atEnd: Bool { position >= tokens.count }

    /// Reads one expression up to the end of the tokens or an unmatched closing bracket;
    /// a bare `a, b` is a tuple.
    public mutating func parseExpression() throws(PythonSyntaxProblem) -> PythonExpression {
        let first = try parseElement(until: [","])
        guard isOp(",") else { return first }
        var items = [first]
        var last = first
        while isOp(",") {
            position += 1
            if atEnd || isClosing(tokens[position]) { break }
            last = try parseElement(until: [","])
            items.append(last)
        }
        return PythonExpression(kind: .tuple(items), span: first.span.lowerBound..<last.span.upperBound, line: first.line)
    }

    /// Reads one element: an expression that ends at one of the operators `stops` (at bracket
    /// depth 0), a closing bracket or the end of the tokens.
    public mutating func parseElement(until stops: Set<String> = [",", ":", "="]) throws(PythonSyntaxProblem) -> PythonExpression {
        guard let first = peek(), !isStop(first, stops) else {
            throw problem("invalid syntax: expected an expression")
        }
        let start = position
        let primary = try parseOperand()
        guard let next = peek(), !isStop(next, stops) else { return primary }
        skipToStop(stops)
        return opaque(from: start)
    }

    // MARK: - Operands

    /// A primary with its trailers, or a unary minus applied to one.
    private mutating func parseOperand() throws(PythonSyntaxProblem) -> PythonExpression {
        var signs: [PythonToken] = []
        while let token = peek(), token.isOp("-") {
            signs.append(token)
            position += 1
        }
        guard var operand = try parsePrimary() else {
            let start = position - signs.count
            if position < tokens.count, !isClosing(tokens[position]) { position += 1 }
            return opaque(from: start)
        }
        operand = try parseTrailers(operand)
        for sign in signs.reversed() {
            operand = PythonExpression(kind: .negated(operand), span: sign.span.lowerBound..<operand.span.upperBound, line: sign.line)
        }
        return operand
    }

    private mutating func parsePrimary() throws(PythonSyntaxProblem) -> PythonExpression? {
        guard let token = peek() else { return nil }
        switch token.kind {
        case var .string(value):
            var end = token.span.upperBound
            position += 1
            while let next = peek(), case let .string(more) = next.kind {
                guard more.isBytes == value.isBytes else {
                    throw PythonSyntaxProblem(line: next.line, message: "cannot mix bytes and nonbytes literals")
                }
                value.value += more.value
                value.isFormatted = value.isFormatted || more.isFormatted
                end = next.span.upperBound
                position += 1
            }
            return PythonExpression(kind: .string(value), span: token.span.lowerBound..<end, line: token.line)
        case let .number(text):
            position += 1
            return PythonExpression(kind: .number(text), span: token.span, line: token.line)
        case let .name(name):
            position += 1
            let kind: PythonExpression.Kind = switch name {
            case "True": .bool(true)
            case "False": .bool(false)
            case "None": .none
            default: .name(name)
            }
            return PythonExpression(kind: kind, span: token.span, line: token.line)
        case .op("("), .op("["), .op("{"):
            return try parseDisplay(token)
        default:
            return nil
        }
    }

    /// `(…)`, `[…]` or `{…}`.
    private mutating func parseDisplay(_ open: PythonToken) throws(PythonSyntaxProblem) -> PythonExpression {
        try enter()
        defer { depth -= 1 }
        position += 1
        let start = open.span.lowerBound
        switch open.kind {
        case .op("("):
            let (items, sawComma) = try parseSequence(closing: ")")
            if items.count == 1, !sawComma { return items[0] }
            return PythonExpression(kind: .tuple(items), span: start..<previousEnd, line: open.line)
        case .op("["):
            let (items, _) = try parseSequence(closing: "]")
            return PythonExpression(kind: .list(items), span: start..<previousEnd, line: open.line)
        default:
            return try parseDict(open)
        }
    }

    /// Comma-separated elements up to `closing` (consumed); a trailing comma is allowed.
    private mutating func parseSequence(closing: String) throws(PythonSyntaxProblem) -> ([PythonExpression], Bool) {
        var items: [PythonExpression] = []
        var sawComma = false
        while let token = peek(), !token.isOp(closing) {
            if token.isOp("*") {
                let start = position
                position += 1
                _ = try parseElement(until: [","])
                items.append(opaque(from: start))
            } else {
                items.append(try parseElement(until: [","]))
            }
            guard isOp(",") else { break }
            sawComma = true
            position += 1
        }
        try expectClosing(closing)
        return (items, sawComma)
    }

    private mutating func parseDict(_ open: PythonToken) throws(PythonSyntaxProblem) -> PythonExpression {
        var entries: [PythonDictEntry] = []
        var isDict = true
        while let token = peek(), !token.isOp("}") {
            if token.isOp("**") {
                position += 1
                entries.append(PythonDictEntry(key: nil, value: try parseElement(until: [","])))
            } else {
                let key = try parseElement(until: [",", ":"])
                if isOp(":") {
                    position += 1
                    entries.append(PythonDictEntry(key: key, value: try parseElement(until: [","])))
                } else {
                    isDict = false
                }
            }
            if !isOp(",") { break }
            position += 1
        }
        guard isDict, isOp("}") else {
            // A set, a comprehension or a lambda value: not modelled.
            skipToStop([])
            try expectClosing("}")
            return PythonExpression(kind: .opaque, span: open.span.lowerBound..<previousEnd, line: open.line)
        }
        try expectClosing("}")
        return PythonExpression(kind: .dict(entries), span: open.span.lowerBound..<previousEnd, line: open.line)
    }

    // MARK: - Trailers

    private mutating func parseTrailers(_ primary: PythonExpression) throws(PythonSyntaxProblem) -> PythonExpression {
        var expression = primary
        while let token = peek() {
            if token.isOp("."), let attribute = peek(1)?.name {
                position += 2
                expression = PythonExpression(kind: .attribute(expression, attribute),
                                              span: expression.span.lowerBound..<previousEnd, line: expression.line)
            } else if token.isOp("(") {
                try enter()
                position += 1
                let arguments = try parseArguments()
                depth -= 1
                let call = PythonCall(callee: expression, arguments: arguments)
                expression = PythonExpression(kind: .call(call), span: expression.span.lowerBound..<previousEnd, line: expression.line)
            } else {
                return expression
            }
        }
        return expression
    }

    /// Arguments up to the closing `)` (consumed).
    private mutating func parseArguments() throws(PythonSyntaxProblem) -> [PythonArgument] {
        var arguments: [PythonArgument] = []
        while let token = peek(), !token.isOp(")") {
            if token.isOp("*") || token.isOp("**") {
                position += 1
                let value = try parseElement(until: [","])
                arguments.append(PythonArgument(form: token.isOp("*") ? .starred : .doubleStarred, value: value))
            } else if let keyword = token.name, peek(1)?.isOp("=") == true {
                position += 2
                guard let next = peek(), !isStop(next, [","]) else {
                    throw problem("invalid syntax: keyword argument '\(keyword)' has no value")
                }
                arguments.append(PythonArgument(form: .keyword(keyword), value: try parseElement(until: [","])))
            } else {
                arguments.append(PythonArgument(form: .positional, value: try parseElement(until: [","])))
            }
            guard isOp(",") else { break }
            position += 1
        }
        try expectClosing(")")
        return arguments
    }

    // MARK: - Tokens

    private func peek(_ offset: Int = 0) -> PythonToken? {
        position + offset < tokens.count ? tokens[position + offset] : nil
    }

    private func isOp(_ text: String) -> Bool {
        peek()?.isOp(text) == true
    }

    private func isClosing(_ token: PythonToken) -> Bool {
        token.isOp(")") || token.isOp("]") || token.isOp("}")
    }

    private func isStop(_ token: PythonToken, _ stops: Set<String>) -> Bool {
        if isClosing(token) { return true }
        if case let .op(text) = token.kind { return stops.contains(text) }
        return false
    }

    /// The end of the last token read.
    private var previousEnd: Int {
        position > 0 ? tokens[min(position, tokens.count) - 1].span.upperBound : 0
    }

    /// Skips tokens, whole bracketed groups at a time, up to a stop at depth 0.
    private mutating func skipToStop(_ stops: Set<String>) {
        var level = 0
        while let token = peek() {
            if token.isOp("(") || token.isOp("[") || token.isOp("{") {
                level += 1
            } else if isClosing(token) {
                if level == 0 { return }
                level -= 1
            } else if level == 0, isStop(token, stops) {
                return
            }
            position += 1
        }
    }

    private func opaque(from start: Int) -> PythonExpression {
        let first = tokens[min(start, tokens.count - 1)]
        let end = max(previousEnd, first.span.lowerBound)
        return PythonExpression(kind: .opaque, span: first.span.lowerBound..<end, line: first.line)
    }

    private mutating func expectClosing(_ closing: String) throws(PythonSyntaxProblem) {
        guard isOp(closing) else {
            throw problem(atEnd ? "'\(opening(of: closing))' was never closed" : "invalid syntax: expected '\(closing)'")
        }
        position += 1
    }

    private func opening(of closing: String) -> String {
        closing == ")" ? "(" : closing == "]" ? "[" : "{"
    }

    private mutating func enter() throws(PythonSyntaxProblem) {
        depth += 1
        guard depth <= PythonTokenizer.maximumBracketDepth else { throw problem("too many nested parentheses") }
    }

    private func problem(_ message: String) -> PythonSyntaxProblem {
        let line = peek()?.line ?? tokens.last?.line ?? 1
        return PythonSyntaxProblem(line: line, message: message)
    }
}
