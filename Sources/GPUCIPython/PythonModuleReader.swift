import GPUCISupport

/// Reads a module's statement tree: simple statements (split at `;`), compound statements with
/// their suites, and `class`/`def` definitions with their decorators and bodies, by indentation.
public enum PythonModuleReader {
    /// How layout mistakes (indentation, a decorator on nothing) are treated.
    public enum Layout: Sendable, Hashable {
        /// As Python does: each one is a ``PythonSyntaxProblem``.
        case strict
        /// Each one is passed over: an unexpected indented line is skipped, a missing block is
        /// an empty body, a decorator on no definition is dropped. Lexical problems (strings,
        /// brackets, characters) still fail.
        case tolerant
    }

    /// Reads UTF-8 source. Layout mistakes are errors, as Python's own import makes them, unless
    /// `layout` is ``Layout/tolerant``.
    public static func read(_ bytes: [UInt8], layout: Layout = .strict) throws(PythonSyntaxProblem) -> PythonModule {
        let lines = try PythonTokenizer.logicalLines(bytes, checkingIndentation: layout == .strict)
        let tolerant = layout == .tolerant
        var index = 0
        var statements: [PythonStatement] = []
        // Tolerant reading restarts at each line indented less than the block before it.
        while index < lines.count {
            statements += try block(lines, &index, indent: tolerant ? lines[index].indent : 0, tolerant: tolerant)
        }
        return PythonModule(statements: statements)
    }

    /// Reads `source` (see ``read(_:layout:)``); problems become ``InputError``s naming `file` and the line.
    public static func read(_ source: String, file: String, layout: Layout = .strict) throws(InputError) -> PythonModule {
        do {
            return try read(Array(source.utf8), layout: layout)
        } catch {
            throw error.inputError(file: file)
        }
    }

    private static let compoundKeywords: Set<String> = [
        "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "async",
    ]

    /// The statements of lines at `indent` from `index` on, up to a line indented less.
    private static func block(_ lines: [PythonLogicalLine], _ index: inout Int, indent: Int,
                              tolerant: Bool) throws(PythonSyntaxProblem) -> [PythonStatement] {
        var statements: [PythonStatement] = []
        var decorators: [PythonExpression] = []
        var decoratorTokens: [[PythonToken]] = []
        var decoratorLine = 0
        while index < lines.count, lines[index].indent >= indent {
            let line = lines[index]
            index += 1
            guard line.indent == indent else {
                if tolerant { continue }
                throw PythonSyntaxProblem(line: line.line, message: "unexpected indent")
            }
            let tokens = line.tokens
            if tokens[0].isOp("@") {
                var parser = PythonExpressionParser(tokens, from: 1)
                decorators.append(try parser.parseExpression())
                decoratorTokens.append(Array(tokens.dropFirst()))
                if decorators.count == 1 { decoratorLine = line.line }
                continue
            }
            if let definition = try definition(tokens, decorators: decorators, decoratorTokens: decoratorTokens, lines, &index,
                                               indent: indent, tolerant: tolerant) {
                statements.append(definition)
                decorators = []
                decoratorTokens = []
                continue
            }
            guard decorators.isEmpty || tolerant else {
                throw PythonSyntaxProblem(line: decoratorLine, message: "invalid syntax: a decorator must be followed by a class or function definition")
            }
            decorators = []
            decoratorTokens = []
            if let keyword = compoundKeyword(tokens) {
                let (header, body) = try suite(tokens, lines, &index, indent: indent, tolerant: tolerant)
                statements.append(PythonStatement(kind: .compound(keyword: keyword, body: body), tokens: header, line: line.line))
            } else {
                statements += simpleStatements(tokens)
            }
        }
        guard decorators.isEmpty || tolerant else {
            throw PythonSyntaxProblem(line: decoratorLine, message: "invalid syntax: a decorator must be followed by a class or function definition")
        }
        return statements
    }

    /// A `class`/`def` statement, or `nil` when the line is none.
    private static func definition(_ tokens: [PythonToken], decorators: [PythonExpression], decoratorTokens: [[PythonToken]],
                                   _ lines: [PythonLogicalLine],
                                   _ index: inout Int, indent: Int, tolerant: Bool) throws(PythonSyntaxProblem) -> PythonStatement? {
        let offset = tokens[0].name == "async" && tokens.count > 1 && tokens[1].name == "def" ? 1 : 0
        guard let keyword = tokens[offset].name, keyword == "class" || keyword == "def" else { return nil }
        guard offset + 1 < tokens.count, let name = tokens[offset + 1].name else {
            throw PythonSyntaxProblem(line: tokens[offset].line, message: "invalid syntax: expected a name after '\(keyword)'")
        }
        var arguments: [PythonArgument] = []
        if keyword == "class", offset + 2 < tokens.count, tokens[offset + 2].isOp("(") {
            var parser = PythonExpressionParser(tokens, from: offset + 1)
            arguments = try parser.parseElement().call?.arguments ?? []
        }
        let (header, body) = try suite(tokens, lines, &index, indent: indent, tolerant: tolerant)
        let definition = PythonDefinition(kind: keyword == "class" ? .classDef : .function, name: name, line: tokens[0].line,
                                          decorators: decorators, arguments: arguments, body: body,
                                          decoratorTokens: decoratorTokens)
        return PythonStatement(kind: .definition(definition), tokens: header, line: tokens[0].line)
    }

    /// The keyword of a compound statement's header, or `nil` for a simple statement.
    private static func compoundKeyword(_ tokens: [PythonToken]) -> String? {
        guard let first = tokens[0].name else { return nil }
        if compoundKeywords.contains(first) { return first }
        // `match` and `case` are soft keywords: only a header ending in `:` makes them one.
        if first == "match" || first == "case", tokens.count > 2, tokens[tokens.count - 1].isOp(":") { return first }
        return nil
    }

    /// A header's tokens through its `:` and its suite: the rest of the line, or the indented block below.
    private static func suite(_ tokens: [PythonToken], _ lines: [PythonLogicalLine], _ index: inout Int,
                              indent: Int, tolerant: Bool) throws(PythonSyntaxProblem) -> ([PythonToken], [PythonStatement]) {
        guard let colon = headerColon(tokens) else {
            throw PythonSyntaxProblem(line: tokens[tokens.count - 1].line, message: "expected ':'")
        }
        let header = Array(tokens[...colon])
        if colon + 1 < tokens.count {
            return (header, simpleStatements(Array(tokens[(colon + 1)...])))
        }
        guard index < lines.count, lines[index].indent > indent else {
            if tolerant { return (header, []) }
            throw PythonSyntaxProblem(line: tokens[colon].line, message: "expected an indented block")
        }
        return (header, try block(lines, &index, indent: lines[index].indent, tolerant: tolerant))
    }

    /// The index of the header's `:` at bracket depth 0 (a `lambda`'s colon skipped).
    private static func headerColon(_ tokens: [PythonToken]) -> Int? {
        var depth = 0
        var lambdas = 0
        for (offset, token) in tokens.enumerated() {
            switch token.kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"): depth -= 1
            case .name("lambda") where depth == 0: lambdas += 1
            case .op(":") where depth == 0:
                if lambdas == 0 { return offset }
                lambdas -= 1
            default: break
            }
        }
        return nil
    }

    /// A line's statements split at `;` (bracket depth 0), empty ones dropped.
    private static func simpleStatements(_ tokens: [PythonToken]) -> [PythonStatement] {
        var statements: [PythonStatement] = []
        var depth = 0
        var start = 0
        func close(_ end: Int) {
            if start < end {
                statements.append(PythonStatement(kind: .simple, tokens: Array(tokens[start..<end]), line: tokens[start].line))
            }
            start = end + 1
        }
        for (offset, token) in tokens.enumerated() {
            switch token.kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"): depth -= 1
            case .op(";") where depth == 0: close(offset)
            default: break
            }
        }
        close(tokens.count)
        return statements
    }
}
