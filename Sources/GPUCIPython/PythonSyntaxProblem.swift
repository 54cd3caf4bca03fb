import GPUCISupport

/// A place where the source is not Python, with its 1-based line.
public struct PythonSyntaxProblem: Error, Sendable, Hashable {
    /// 1-based line of the problem.
    public var line: Int
    /// What is wrong, in Python's words where it has them.
    public var message: String

    /// Creates a problem report.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// The problem as an ``InputError`` naming `file` and the line.
    public func inputError(file: String, prefix: String = "") -> InputError {
        InputError(prefix + message, file: file, line: line)
    }
}
