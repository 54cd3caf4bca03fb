/// One statement of a module or block.
public struct PythonStatement: Sendable, Hashable {
    /// What kind of statement it is.
    public enum Kind: Sendable, Hashable {
        /// A simple statement: an expression, an assignment, an import, `pass`…
        case simple
        /// `if`, `for`, `while`, `try`, `with`, `match` and their clauses, with their suite.
        case compound(keyword: String, body: [PythonStatement])
        /// A `class` or `def` with its decorators and body.
        case definition(PythonDefinition)
    }

    /// What kind of statement it is.
    public var kind: Kind
    /// A simple statement's tokens; for the others, the header through its `:`.
    public var tokens: [PythonToken]
    /// 1-based line where the statement starts (its first decorator left aside).
    public var line: Int

    /// Creates a statement.
    public init(kind: Kind, tokens: [PythonToken], line: Int) {
        self.kind = kind
        self.tokens = tokens
        self.line = line
    }

    /// The definition, when the statement is one.
    public var definition: PythonDefinition? {
        if case let .definition(definition) = kind { definition } else { nil }
    }

    /// Whether it is a simple statement.
    public var isSimple: Bool {
        kind == .simple
    }

    /// The statement's own tokens, then those of every statement nested in it, in source order
    /// (decorator expressions of nested definitions left out).
    public var tokenLists: [[PythonToken]] {
        switch kind {
        case .simple: [tokens]
        case let .compound(_, body): [tokens] + body.flatMap(\.tokenLists)
        case let .definition(definition): [tokens] + definition.body.flatMap(\.tokenLists)
        }
    }
}
