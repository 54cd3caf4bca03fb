/// One logical line: brackets, continuations and triple-quoted strings joined, comments dropped.
public struct PythonLogicalLine: Sendable, Hashable {
    /// Columns of leading whitespace (tabs to the next multiple of 8).
    public var indent: Int
    /// The tokens, without the closing newline.
    public var tokens: [PythonToken]

    /// Creates a logical line.
    public init(indent: Int, tokens: [PythonToken]) {
        self.indent = indent
        self.tokens = tokens
    }

    /// The 1-based line where the logical line starts.
    public var line: Int { tokens.first?.line ?? 0 }
}
