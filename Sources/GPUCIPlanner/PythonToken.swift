/// One lexical token of Python source, as far as the registration reader needs it.
struct PythonToken: Sendable, Hashable {
    /// The token classes the reader distinguishes.
    enum Kind: Sendable, Hashable {
        /// An identifier or keyword.
        case name(String)
        /// A numeric literal; `text` is the literal as written.
        case number(String)
        /// A string or bytes literal with its decoded value.
        case string(PythonString)
        /// An operator or delimiter (`(`, `)`, `,`, `=`, `*`, `**`, `:`, `;`, `.`, …).
        case op(String)
        /// The end of a logical line (outside brackets).
        case newline
    }

    var kind: Kind
    /// 1-based line where the token starts.
    var line: Int
    /// UTF-8 byte range of the token in the source.
    var span: Range<Int>
}

/// A decoded Python string literal.
struct PythonString: Sendable, Hashable {
    /// The decoded text (for bytes literals, the bytes read as Latin-1).
    var value: String
    /// `b` prefix: a bytes literal, not a `str`.
    var isBytes: Bool
    /// `f` or `t` prefix: an interpolated string, never a constant.
    var isFormatted: Bool
}

/// One logical line: its indentation width and its tokens (without the closing newline).
struct PythonLogicalLine: Sendable {
    var indent: Int
    var tokens: [PythonToken]
}

/// A problem the tokenizer found, with its 1-based line.
struct PythonSyntaxProblem: Error, Sendable, Hashable {
    var line: Int
    var message: String
}
