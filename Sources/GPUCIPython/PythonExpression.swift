/// A Python expression as far as gpuci reads one: literals, containers, names, attribute
/// chains and calls. Anything else is ``Kind/opaque``; its span still covers it.
public struct PythonExpression: Sendable, Hashable {
    /// The forms the parser models.
    public indirect enum Kind: Sendable, Hashable {
        /// One or more adjacent string literals, joined.
        case string(PythonString)
        /// A numeric literal as written.
        case number(String)
        /// `True` or `False`.
        case bool(Bool)
        /// `None`.
        case none
        /// A bare identifier.
        case name(String)
        /// `base.attribute`.
        case attribute(PythonExpression, String)
        /// `callee(arguments)`.
        case call(PythonCall)
        /// `[a, b]`.
        case list([PythonExpression])
        /// `(a, b)` or a bare `a, b`.
        case tuple([PythonExpression])
        /// `{key: value, **spread}`.
        case dict([PythonDictEntry])
        /// Unary minus: `-operand` (Python's ast keeps it apart from the literal).
        case negated(PythonExpression)
        /// Any other expression (arithmetic, comparisons, subscripts, lambdas, comprehensions…).
        case opaque
    }

    /// What the expression is.
    public var kind: Kind
    /// UTF-8 byte range in the source; for a parenthesized expression, the inside.
    public var span: Range<Int>
    /// 1-based line where it starts.
    public var line: Int

    /// Creates an expression.
    public init(kind: Kind, span: Range<Int>, line: Int) {
        self.kind = kind
        self.span = span
        self.line = line
    }

    /// `a.b.c` for a name or an attribute chain of names; `nil` otherwise.
    public var dottedName: String? {
        switch kind {
        case let .name(name): name
        case let .attribute(base, attribute): base.dottedName.map { "\($0).\(attribute)" }
        default: nil
        }
    }

    /// The items of a list or tuple.
    public var items: [PythonExpression]? {
        switch kind {
        case let .list(items), let .tuple(items): items
        default: nil
        }
    }

    /// The call, when the expression is one.
    public var call: PythonCall? {
        if case let .call(call) = kind { call } else { nil }
    }

    /// The text of a plain `str` constant (not bytes, not an f-string).
    public var constantText: String? {
        if case let .string(string) = kind { string.constantText } else { nil }
    }

    /// A number literal's text, with `-` in front when negated once (`-5`).
    public var signedNumberText: String? {
        switch kind {
        case let .number(text): text
        case let .negated(operand): if case let .number(text) = operand.kind { "-" + text } else { nil }
        default: nil
        }
    }
}

/// A call: what is called and its arguments in source order.
public struct PythonCall: Sendable, Hashable {
    /// The called expression (`pytest.mark.parametrize`, `register_cuda_ci`).
    public var callee: PythonExpression
    /// The arguments as written.
    public var arguments: [PythonArgument]

    /// Creates a call.
    public init(callee: PythonExpression, arguments: [PythonArgument]) {
        self.callee = callee
        self.arguments = arguments
    }

    /// The positional arguments' values (starred ones left out).
    public var positional: [PythonExpression] {
        arguments.compactMap { $0.form == .positional ? $0.value : nil }
    }

    /// The value of keyword argument `name`; the last one when repeated.
    public func keyword(_ name: String) -> PythonExpression? {
        arguments.last { $0.form == .keyword(name) }?.value
    }
}

/// One argument of a call.
public struct PythonArgument: Sendable, Hashable {
    /// How the argument is passed.
    public enum Form: Sendable, Hashable {
        /// `value`.
        case positional
        /// `name=value`.
        case keyword(String)
        /// `*value`.
        case starred
        /// `**value`.
        case doubleStarred
    }

    /// How the argument is passed.
    public var form: Form
    /// The argument's expression (after `name=`, `*` or `**`).
    public var value: PythonExpression

    /// Creates an argument.
    public init(form: Form, value: PythonExpression) {
        self.form = form
        self.value = value
    }
}

/// One entry of a dict display.
public struct PythonDictEntry: Sendable, Hashable {
    /// The key; `nil` for a `**mapping` spread.
    public var key: PythonExpression?
    /// The value, or the spread mapping.
    public var value: PythonExpression

    /// Creates an entry.
    public init(key: PythonExpression?, value: PythonExpression) {
        self.key = key
        self.value = value
    }
}
