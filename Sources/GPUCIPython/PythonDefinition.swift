/// A `class` or `def` (or `async def`) statement.
public struct PythonDefinition: Sendable, Hashable {
    /// A class or a function.
    public enum Kind: Sendable, Hashable {
        /// `class`.
        case classDef
        /// `def` or `async def`.
        case function
    }

    /// A class or a function.
    public var kind: Kind
    /// The identifier after `class` or `def`.
    public var name: String
    /// 1-based line of the header (`async`, `def` or `class`).
    public var line: Int
    /// Decorator expressions, top to bottom as written.
    public var decorators: [PythonExpression]
    /// Each decorator line's tokens after its `@`, top to bottom (empty when not recorded).
    public var decoratorTokens: [[PythonToken]]
    /// A class header's arguments: bases and keywords such as `metaclass=` (empty for functions).
    public var arguments: [PythonArgument]
    /// The body's statements, inline or indented.
    public var body: [PythonStatement]

    /// Creates a definition.
    public init(kind: Kind, name: String, line: Int, decorators: [PythonExpression],
                arguments: [PythonArgument], body: [PythonStatement], decoratorTokens: [[PythonToken]] = []) {
        self.kind = kind
        self.name = name
        self.line = line
        self.decorators = decorators
        self.decoratorTokens = decoratorTokens
        self.arguments = arguments
        self.body = body
    }

    /// Dotted names of a class header's positional arguments (`class B(A, mixins.C)` → `A`, `mixins.C`).
    public var baseNames: [String] {
        arguments.compactMap { $0.form == .positional ? $0.value.dottedName : nil }
    }

    /// Definitions directly in the body, in definition order.
    public var members: [PythonDefinition] {
        body.compactMap(\.definition)
    }
}
