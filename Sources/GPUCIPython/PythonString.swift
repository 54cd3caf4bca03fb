/// A decoded Python string literal.
public struct PythonString: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The decoded text (for bytes literals, the bytes read as Latin-1; for f-strings, the
    /// literal parts without the replacement fields).
    public var value: String
    /// `b` prefix: a bytes literal, not a `str`.
    public var isBytes: Bool
    /// `f` or `t` prefix: an interpolated string, never a constant.
    public var isFormatted: Bool

    /// Creates a decoded literal.
    public init(value: String, isBytes: Bool = false, isFormatted: Bool = false) {
        self.value = value
        self.isBytes = isBytes
        self.isFormatted = isFormatted
    }

    /// A plain `str` constant with this text.
    public init(stringLiteral value: String) {
        self.init(value: value)
    }

    /// The text when this is a plain `str` constant (neither bytes nor formatted).
    public var constantText: String? {
        isBytes || isFormatted ? nil : value
    }
}
