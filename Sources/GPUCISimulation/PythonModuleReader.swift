import GPUCISupport

/// A `class` or `def` of a Python module with what pytest cares about.
public struct PythonDefinition: Sendable, Hashable {
    /// A class or a function (`def` or `async def`).
    public enum Kind: Sendable, Hashable { case classDef, function }

    /// Whether it is a class or a function.
    public var kind: Kind
    /// The identifier after `class`/`def`.
    public var name: String
    /// The line of the `class`/`def` header.
    public var line: Int
    /// Decorator expressions, top to bottom as written.
    public var decorators: [PythonValue]
    /// A class body's `pytestmark` (a single mark or the items of a list).
    public var pytestmark: [PythonValue]
    /// Methods and nested classes, in definition order.
    public var members: [PythonDefinition]
    /// Base class names as written in a class header (`class TestB(TestA):` → `["TestA"]`).
    public var bases: [String] = []
    /// The body's logical lines' tokens (functions only).
    public var body: [[PythonToken]]
}

/// A module's top-level `pytestmark` and definitions, in definition order.
public struct PythonModule: Sendable, Hashable {
    /// Module-level `pytestmark` (a single mark or the items of a list).
    public var pytestmark: [PythonValue]
    /// Top-level classes and functions in definition order.
    public var definitions: [PythonDefinition]
}

/// Reads the structure of a Python module: decorators, classes, functions, `pytestmark` assignments,
/// by indentation. Not a Python parser: statements it does not need are skipped.
public enum PythonModuleReader {
    /// Reads `source`; `file` labels errors.
    public static func read(_ source: String, file: String) throws(InputError) -> PythonModule {
        let lines = try PythonTokenizer.lines(source, file: file)
        var index = 0
        let (definitions, marks) = block(lines, &index, indent: lines.first?.indent ?? 0)
        return PythonModule(pytestmark: marks, definitions: definitions)
    }

    private static func block(_ lines: [PythonLine], _ index: inout Int, indent: Int) -> ([PythonDefinition], [PythonValue]) {
        var definitions: [PythonDefinition] = []
        var marks: [PythonValue] = []
        var decorators: [PythonValue] = []
        while index < lines.count, lines[index].indent >= indent {
            let line = lines[index]
            if line.indent > indent {
                index += 1
                continue
            }
            var tokens = line.tokens
            index += 1
            if tokens.first == .op("@") {
                var parser = PythonExpressionParser(tokens, from: 1)
                decorators.append(parser.parseExpression())
                continue
            }
            if tokens.first == .name("async") { tokens.removeFirst() }
            if tokens.count >= 2, tokens[0] == .name("class") || tokens[0] == .name("def"), case let .name(name) = tokens[1] {
                let isClass = tokens[0] == .name("class")
                var definition = PythonDefinition(kind: isClass ? .classDef : .function, name: name, line: line.line,
                                                  decorators: decorators, pytestmark: [], members: [], body: [])
                decorators = []
                if isClass { definition.bases = baseNames(tokens) }
                let inline = inlineBody(tokens)
                if let bodyIndent = index < lines.count && lines[index].indent > indent ? lines[index].indent : nil {
                    if isClass {
                        let (members, classMarks) = block(lines, &index, indent: bodyIndent)
                        definition.members = members
                        definition.pytestmark = classMarks
                    } else {
                        while index < lines.count, lines[index].indent > indent {
                            definition.body.append(lines[index].tokens)
                            index += 1
                        }
                    }
                } else if !inline.isEmpty, !isClass {
                    definition.body = [inline]
                }
                definitions.append(definition)
                continue
            }
            decorators = []
            if tokens.count >= 3, tokens[0] == .name("pytestmark"), tokens[1] == .op("=") {
                var parser = PythonExpressionParser(tokens, from: 2)
                let value = parser.parseExpression()
                marks = value.items ?? [value]
            }
        }
        return (definitions, marks)
    }

    /// Dotted names listed in a class header's parentheses (keyword arguments such as `metaclass=` left out).
    private static func baseNames(_ tokens: [PythonToken]) -> [String] {
        guard tokens.count > 3, tokens[2] == .op("(") else { return [] }
        var names: [String] = []
        var current = ""
        var depth = 0
        var keyword = false
        for token in tokens[3...] {
            switch token {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")") where depth == 0, .op(",") where depth == 0:
                if !current.isEmpty, !keyword { names.append(current) }
                current = ""
                keyword = false
                if token == .op(")") { return names }
            case .op(")"), .op("]"), .op("}"): depth -= 1
            case let .name(word) where depth == 0: current += word
            case .op(".") where depth == 0: current += "."
            case .op("=") where depth == 0: keyword = true
            default: break
            }
        }
        return names
    }

    /// Tokens after the header's closing `:` at bracket depth 0 (a one-line body), if any.
    private static func inlineBody(_ tokens: [PythonToken]) -> [PythonToken] {
        var depth = 0
        for (offset, token) in tokens.enumerated() {
            switch token {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"): depth -= 1
            case .op(":") where depth == 0: return Array(tokens[(offset + 1)...])
            default: break
            }
        }
        return []
    }
}
