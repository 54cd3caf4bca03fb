/// One lexical token of Python source, with where it lies in the file.
public struct PythonToken: Sendable, Hashable {
    /// The token classes the readers distinguish.
    public enum Kind: Sendable, Hashable {
        /// An identifier or keyword.
        case name(String)
        /// A numeric literal; the text as written (`1_000`, `0x1F`, `3e2`).
        case number(String)
        /// A string or bytes literal with its decoded value (adjacent literals are not joined here).
        case string(PythonString)
        /// An operator or delimiter (`(`, `)`, `,`, `=`, `*`, `**`, `:`, `;`, `.`, `@`, …).
        case op(String)
    }

    /// What the token is.
    public var kind: Kind
    /// 1-based line where the token starts.
    public var line: Int
    /// 1-based column (in UTF-8 bytes) where the token starts.
    public var column: Int
    /// UTF-8 byte range of the token in the source.
    public var span: Range<Int>

    /// Creates a token.
    public init(kind: Kind, line: Int, column: Int, span: Range<Int>) {
        self.kind = kind
        self.line = line
        self.column = column
        self.span = span
    }

    /// Whether `token` is of `kind`, wherever it lies.
    public static func == (token: PythonToken, kind: Kind) -> Bool {
        token.kind == kind
    }

    /// Whether the token is the operator or delimiter `text`.
    public func isOp(_ text: String) -> Bool {
        kind == .op(text)
    }

    /// The identifier, when the token is a name.
    public var name: String? {
        if case let .name(name) = kind { name } else { nil }
    }
}
