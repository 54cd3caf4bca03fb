/// Where in an input a problem was found: a file, and when known a line, column or key.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file path as the user gave it, or a label such as `<stdin>` or `inline`.
    public var file: String
    /// 1-based line number, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// A key path inside the document, such as `devices[3].memoryMiB`.
    public var key: String?

    /// A location in `file`, as precise as is known.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
    }

    /// `file:line:column: key`, leaving out what is unknown.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let key { text += ": \(key)" }
        return text
    }
}

/// An input gpuci cannot accept: which file, which line or key, what was expected.
///
/// Every parser in gpuci reports bad input with this one type, so the command line can
/// print it as a single line and exit non-zero.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is; `nil` for problems that belong to no file (a bad option value).
    public var location: SourceLocation?
    /// What was wrong and what was expected.
    public var message: String

    /// An error saying `message`, located at `location` when known.
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    /// Creates an error located in `file`, optionally at `line` and `key`.
    public init(_ message: String, file: String, line: Int? = nil, column: Int? = nil, key: String? = nil) {
        self.init(message, at: SourceLocation(file: file, line: line, column: column, key: key))
    }

    /// The one line the command line prints: `location: message`.
    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }
}
