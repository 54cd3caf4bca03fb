import GPUCISupport

/// A Python tokenizer: strings of every prefix and quote form, numbers, names, operators,
/// comments, explicit and implicit line joining, with Python's bracket and indentation checks.
///
/// It works on UTF-8 bytes so that token spans are byte offsets into the file.
public struct PythonTokenizer {
    /// Python's limit on open brackets (`MAXLEVEL`); deeper nesting is an error, not a deep stack.
    public static let maximumBracketDepth = 200

    let bytes: [UInt8]
    var position = 0
    var line = 1
    var lineStart = 0
    var brackets: [(byte: UInt8, line: Int)] = []
    var stringDepth = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3; lineStart = 3 }
    }

    /// Splits UTF-8 source into logical lines, checking brackets and (unless told not to)
    /// indentation like Python does.
    public static func logicalLines(_ bytes: [UInt8], checkingIndentation: Bool = true) throws(PythonSyntaxProblem) -> [PythonLogicalLine] {
        var tokenizer = PythonTokenizer(bytes)
        let lines = try tokenizer.readLines()
        if checkingIndentation { try checkIndentation(lines) }
        return lines
    }

    /// Splits `source` into logical lines; problems become ``InputError``s naming `file` and the line.
    public static func lines(_ source: String, file: String) throws(InputError) -> [PythonLogicalLine] {
        do {
            return try logicalLines(Array(source.utf8))
        } catch {
            throw error.inputError(file: file)
        }
    }

    // MARK: - Lines

    private mutating func readLines() throws(PythonSyntaxProblem) -> [PythonLogicalLine] {
        var lines: [PythonLogicalLine] = []
        while position < bytes.count {
            let indent = readIndentation()
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "#") { skipComment(); continue }
            if byte == UInt8(ascii: "\n") { skipLineBreak(); continue }
            if byte == UInt8(ascii: "\r") { skipLineBreak(); continue }
            if byte == UInt8(ascii: "\\") {
                // A continuation on an otherwise blank line joins it to the next line.
                try readContinuation()
                continue
            }
            let tokens = try readLogicalLine()
            if !tokens.isEmpty { lines.append(PythonLogicalLine(indent: indent, tokens: tokens)) }
        }
        return lines
    }

    private mutating func readIndentation() -> Int {
        var width = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "): width += 1
            case UInt8(ascii: "\t"): width = (width / 8 + 1) * 8
            case 0x0C: width = 0
            default: return width
            }
            position += 1
        }
        return width
    }

    private mutating func skipComment() {
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n"), bytes[position] != UInt8(ascii: "\r") {
            position += 1
        }
    }

    mutating func skipLineBreak() {
        if bytes[position] == UInt8(ascii: "\r") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "\n") { position += 1 }
        } else {
            position += 1
        }
        line += 1
        lineStart = position
    }

    private mutating func readContinuation() throws(PythonSyntaxProblem) {
        position += 1
        guard position < bytes.count else {
            throw PythonSyntaxProblem(line: line, message: "unexpected end of file after line continuation")
        }
        let next = bytes[position]
        guard next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") else {
            throw PythonSyntaxProblem(line: line, message: "unexpected character after line continuation character")
        }
        skipLineBreak()
    }

    /// Reads tokens up to the end of the logical line (a line break outside brackets, or the end).
    private mutating func readLogicalLine() throws(PythonSyntaxProblem) -> [PythonToken] {
        var tokens: [PythonToken] = []
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0C:
                position += 1
            case UInt8(ascii: "#"):
                skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                skipLineBreak()
                if brackets.isEmpty { return tokens }
            case UInt8(ascii: "\\"):
                try readContinuation()
            case 0:
                throw PythonSyntaxProblem(line: line, message: "source code cannot contain null bytes")
            default:
                tokens.append(try readToken())
            }
        }
        if let open = brackets.last {
            throw PythonSyntaxProblem(line: open.line, message: "'\(Character(Unicode.Scalar(open.byte)))' was never closed")
        }
        return tokens
    }

    // MARK: - Tokens

    private mutating func readToken() throws(PythonSyntaxProblem) -> PythonToken {
        let start = position
        let startLine = line
        let column = position - lineStart + 1
        let byte = bytes[position]
        func token(_ kind: PythonToken.Kind) -> PythonToken {
            PythonToken(kind: kind, line: startLine, column: column, span: start..<position)
        }
        if Self.isIdentifierStart(byte) {
            while position < bytes.count, Self.isIdentifierContinue(bytes[position]) { position += 1 }
            let name = String(decoding: bytes[start..<position], as: UTF8.self)
            // A byte order mark is allowed only as the file's first character (skipped in init).
            if name.unicodeScalars.contains("\u{FEFF}") {
                throw PythonSyntaxProblem(line: startLine, message: "invalid non-printable character U+FEFF")
            }
            if position < bytes.count, Self.isQuote(bytes[position]), let prefix = StringPrefix(name) {
                let value = try readString(prefix: prefix)
                return token(.string(value))
            }
            return token(.name(name))
        }
        if Self.isDigit(byte) || (byte == UInt8(ascii: ".") && position + 1 < bytes.count && Self.isDigit(bytes[position + 1])) {
            let text = try readNumber()
            return token(.number(text))
        }
        if Self.isQuote(byte) {
            let value = try readString(prefix: StringPrefix.plain)
            return token(.string(value))
        }
        let op = try readOperator()
        return token(.op(op))
    }

    private mutating func readOperator() throws(PythonSyntaxProblem) -> String {
        let byte = bytes[position]
        let next: UInt8? = position + 1 < bytes.count ? bytes[position + 1] : nil
        let third: UInt8? = position + 2 < bytes.count ? bytes[position + 2] : nil
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
            guard brackets.count < Self.maximumBracketDepth else {
                throw PythonSyntaxProblem(line: line, message: "too many nested parentheses")
            }
            brackets.append((byte, line))
            position += 1
            return String(Unicode.Scalar(byte))
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            let expected: UInt8 = byte == UInt8(ascii: ")") ? UInt8(ascii: "(") : byte == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")
            guard let open = brackets.popLast() else {
                throw PythonSyntaxProblem(line: line, message: "unbalanced brackets: unmatched '\(Character(Unicode.Scalar(byte)))'")
            }
            guard open.byte == expected else {
                throw PythonSyntaxProblem(
                    line: line,
                    message: "closing parenthesis '\(Character(Unicode.Scalar(byte)))' does not match opening parenthesis '\(Character(Unicode.Scalar(open.byte)))' on line \(open.line)")
            }
            position += 1
            return String(Unicode.Scalar(byte))
        case UInt8(ascii: "."):
            if next == UInt8(ascii: "."), third == UInt8(ascii: ".") { position += 3; return "..." }
            position += 1
            return "."
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "~"):
            position += 1
            return String(Unicode.Scalar(byte))
        case UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            var text = String(Unicode.Scalar(byte))
            position += 1
            if next == byte { text.append(Character(Unicode.Scalar(byte))); position += 1 }
            if position < bytes.count, bytes[position] == UInt8(ascii: "=") { text += "="; position += 1 }
            return text
        case UInt8(ascii: "-"):
            if next == UInt8(ascii: ">") { position += 2; return "->" }
            return readWithOptionalEquals(byte)
        case UInt8(ascii: ":"):
            if next == UInt8(ascii: "=") { position += 2; return ":=" }
            position += 1
            return ":"
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "|"),
             UInt8(ascii: "^"), UInt8(ascii: "@"):
            return readWithOptionalEquals(byte)
        case UInt8(ascii: "!"):
            if next == UInt8(ascii: "=") { position += 2; return "!=" }
            throw PythonSyntaxProblem(line: line, message: "invalid syntax: '!'")
        default:
            throw PythonSyntaxProblem(line: line, message: "invalid character (byte 0x\(String(byte, radix: 16)))")
        }
    }

    private mutating func readWithOptionalEquals(_ byte: UInt8) -> String {
        position += 1
        if position < bytes.count, bytes[position] == UInt8(ascii: "=") {
            position += 1
            return String(Unicode.Scalar(byte)) + "="
        }
        return String(Unicode.Scalar(byte))
    }

    private mutating func readNumber() throws(PythonSyntaxProblem) -> String {
        let start = position
        func consume(while predicate: (UInt8) -> Bool) {
            while position < bytes.count, predicate(bytes[position]) || bytes[position] == UInt8(ascii: "_") {
                position += 1
            }
        }
        let first = bytes[position]
        let second: UInt8 = position + 1 < bytes.count ? bytes[position + 1] | 0x20 : 0
        if first == UInt8(ascii: "0"), second == UInt8(ascii: "x") || second == UInt8(ascii: "o") || second == UInt8(ascii: "b") {
            position += 2
            consume(while: Self.isHexDigit)
        } else {
            consume(while: Self.isDigit)
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                consume(while: Self.isDigit)
            }
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
                var look = position + 1
                if look < bytes.count, bytes[look] == UInt8(ascii: "+") || bytes[look] == UInt8(ascii: "-") { look += 1 }
                if look < bytes.count, Self.isDigit(bytes[look]) {
                    position = look
                    consume(while: Self.isDigit)
                }
            }
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "j") { position += 1 }
        }
        if position < bytes.count, Self.isIdentifierContinue(bytes[position]) {
            throw PythonSyntaxProblem(line: line, message: "invalid decimal literal")
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard PythonNumber.isWellFormed(text) else {
            throw PythonSyntaxProblem(line: line, message: "invalid number literal '\(text)'")
        }
        return text
    }

    // MARK: - Indentation

    private static func checkIndentation(_ lines: [PythonLogicalLine]) throws(PythonSyntaxProblem) {
        var stack = [0]
        var expectsBlock = false
        for logical in lines {
            let lineNumber = logical.tokens.first?.line ?? 0
            let top = stack[stack.count - 1]
            if logical.indent > top {
                guard expectsBlock else { throw PythonSyntaxProblem(line: lineNumber, message: "unexpected indent") }
                stack.append(logical.indent)
            } else {
                if expectsBlock {
                    throw PythonSyntaxProblem(line: lineNumber, message: "expected an indented block")
                }
                while let last = stack.last, last > logical.indent { stack.removeLast() }
                guard stack.last == logical.indent else {
                    throw PythonSyntaxProblem(line: lineNumber, message: "unindent does not match any outer indentation level")
                }
            }
            if case .op(":") = logical.tokens.last?.kind { expectsBlock = true } else { expectsBlock = false }
        }
        if expectsBlock, let last = lines.last {
            throw PythonSyntaxProblem(line: last.tokens.last?.line ?? 0, message: "expected an indented block")
        }
    }
}
