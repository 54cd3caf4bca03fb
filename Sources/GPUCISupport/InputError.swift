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

    /// The one line the command line prints: `location: message`. Line breaks and other control
    /// characters echoed from the input (a key, a value) are escaped, so it stays one line.
    public var description: String {
        let text = location.map { "\($0): \(message)" } ?? message
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: escaped += "\\u{\(String(scalar.value, radix: 16))}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
