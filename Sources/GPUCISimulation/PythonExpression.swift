/// A Python expression as far as markers need: literals, lists, tuples, dotted names and calls.
public indirect enum PythonValue: Sendable, Hashable {
    case string(String)
    case number(String)
    case bool(Bool)
    case none
    case list([PythonValue])
    case tuple([PythonValue])
    /// A dotted name such as `pytest.mark.e2e` or `ConnectionMode.HTTP`.
    case name(String)
    case call(String, args: [PythonValue], kwargs: [String: PythonValue])
    /// Anything else (dicts, arithmetic, comprehensions…).
    case other

    /// The items of a list or tuple.
    public var items: [PythonValue]? {
        switch self {
        case let .list(items), let .tuple(items): items
        default: nil
        }
    }
}

/// A recursive-descent reader of one expression over tokens; never fails, returns `.other` for
/// what it does not model.
public struct PythonExpressionParser {
    private let tokens: [PythonToken]
    private(set) var position: Int

    public init(_ tokens: [PythonToken], from position: Int = 0) {
        self.tokens = tokens
        self.position = position
    }

    /// Whether every token was used.
    public var atEnd: Bool { position >= tokens.count }

    private func peek(_ offset: Int = 0) -> PythonToken? {
        position + offset < tokens.count ? tokens[position + offset] : nil
    }

    private func isOp(_ op: String, _ offset: Int = 0) -> Bool { peek(offset) == .op(op) }

    /// Reads one expression (a bare `a, b` is a tuple).
    public mutating func parseExpression() -> PythonValue {
        let first = parseSingle()
        guard isOp(","), !isClosing(peek(1)) else { return first }
        var items = [first]
        while isOp(",") {
            position += 1
            if atEnd || isClosing(peek()) || isOp("=") { break }
            items.append(parseSingle())
        }
        return .tuple(items)
    }

    private func isClosing(_ token: PythonToken?) -> Bool {
        token == .op(")") || token == .op("]") || token == .op("}") || token == nil
    }

    /// One element: stops at a top-level `,`, `)`, `]`, `}`, `:` or `=`.
    mutating func parseSingle() -> PythonValue {
        let start = position
        var value = parsePrimary()
        // Anything left before a separator makes the whole element opaque (arithmetic, `if`, `for`…).
        var extra = false
        while let token = peek(), !isSeparator(token) {
            extra = true
            skipOne()
        }
        if extra || position == start { value = .other }
        return value
    }

    private func isSeparator(_ token: PythonToken) -> Bool {
        [.op(","), .op(")"), .op("]"), .op("}"), .op(":"), .op("=")].contains(token)
    }

    /// Skips one token, or one whole bracketed group.
    private mutating func skipOne() {
        guard let token = peek() else { return }
        position += 1
        guard token == .op("(") || token == .op("[") || token == .op("{") else { return }
        var depth = 1
        while let next = peek(), depth > 0 {
            if next == .op("(") || next == .op("[") || next == .op("{") { depth += 1 }
            if next == .op(")") || next == .op("]") || next == .op("}") { depth -= 1 }
            position += 1
        }
    }

    private mutating func parsePrimary() -> PythonValue {
        guard let token = peek() else { return .other }
        switch token {
        case var .string(text):
            position += 1
            while case let .string(more)? = peek() {
                text += more
                position += 1
            }
            return .string(text)
        case let .number(text):
            position += 1
            return .number(text)
        case .op("-"):
            if case let .number(text)? = peek(1) {
                position += 2
                return .number("-" + text)
            }
            return .other
        case .op("["):
            position += 1
            return .list(parseSequence(closing: "]"))
        case .op("("):
            position += 1
            let items = parseSequence(closing: ")", allowSingle: true)
            return items.count == 1 && !lastSequenceHadComma ? items[0] : .tuple(items)
        case .op("{"):
            skipOne()
            return .other
        case let .name(word):
            position += 1
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default: break
            }
            var dotted = word
            while isOp("."), case let .name(part)? = peek(1) {
                dotted += "." + part
                position += 2
            }
            if isOp("(") {
                position += 1
                var args: [PythonValue] = []
                var kwargs: [String: PythonValue] = [:]
                while let next = peek(), next != .op(")") {
                    if case let .name(key)? = peek(), isOp("=", 1), !isOp("==", 1) {
                        position += 2
                        kwargs[key] = parseSingle()
                    } else if isOp("*") || isOp("**") {
                        position += 1
                        _ = parseSingle()
                        args.append(.other)
                    } else {
                        args.append(parseSingle())
                    }
                    if isOp(",") { position += 1 } else if peek() != .op(")") { skipOne() }
                }
                position += 1
                return .call(dotted, args: args, kwargs: kwargs)
            }
            return .name(dotted)
        default:
            return .other
        }
    }

    private var lastSequenceHadComma = false

    private mutating func parseSequence(closing: String, allowSingle: Bool = false) -> [PythonValue] {
        var items: [PythonValue] = []
        var sawComma = false
        while let token = peek(), token != .op(closing) {
            items.append(parseSingle())
            if isOp(",") {
                sawComma = true
                position += 1
            } else if let next = peek(), next != .op(closing) {
                skipOne()
            }
        }
        position += 1
        lastSequenceHadComma = sawComma
        return items
    }
}
