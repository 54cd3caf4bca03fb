/// A Python module read into its statement tree.
public struct PythonModule: Sendable, Hashable {
    /// Top-level statements in source order.
    public var statements: [PythonStatement]

    /// Creates a module.
    public init(statements: [PythonStatement]) {
        self.statements = statements
    }

    /// Top-level classes and functions in definition order.
    public var definitions: [PythonDefinition] {
        statements.compactMap(\.definition)
    }
}
