import GPUCISupport

/// A Python tokenizer: strings of every prefix and quote form, numbers, names, operators,
/// comments, explicit and implicit line joining, with Python's bracket and indentation checks.
///
/// It works on UTF-8 bytes so that token spans are byte offsets into the file.
public struct PythonTokenizer {
    /// Python's limit on open brackets (`MAXLEVEL`); deeper nesting is an error, not a deep stack.
    public static let maximumBracketDepth = 200

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var lineStart = 0
    private var brackets: [(byte: UInt8, line: Int)] = []
    private var stringDepth = 0

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

    private mutating func skipLineBreak() {
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

    // MARK: - Strings

    /// The prefix letters of a string literal.
    private struct StringPrefix {
        var raw = false
        var bytes = false
        var formatted = false

        static let plain = StringPrefix()

        private init() {}

        init?(_ text: String) {
            let lower = text.lowercased()
            guard lower.count == text.count, lower.count <= 2 else { return nil }
            let letters = Set(lower)
            guard letters.count == lower.count, letters.isSubset(of: ["r", "b", "u", "f", "t"]) else { return nil }
            if letters.contains("u"), letters.count > 1 { return nil }
            if letters.contains("b"), letters.contains("f") || letters.contains("t") { return nil }
            if letters.contains("f"), letters.contains("t") { return nil }
            raw = letters.contains("r")
            bytes = letters.contains("b")
            formatted = letters.contains("f") || letters.contains("t")
        }
    }

    private mutating func readString(prefix: StringPrefix) throws(PythonSyntaxProblem) -> PythonString {
        let startLine = line
        // f-strings nest through their replacement fields; Python caps the depth too.
        stringDepth += 1
        defer { stringDepth -= 1 }
        guard stringDepth <= 64 else {
            throw PythonSyntaxProblem(line: line, message: "too many nested f-strings")
        }
        let quote = bytes[position]
        let triple = position + 2 < bytes.count && bytes[position + 1] == quote && bytes[position + 2] == quote
        position += triple ? 3 : 1
        var decoded: [UInt8] = []
        var fieldDepth = 0
        while true {
            guard position < bytes.count else {
                throw PythonSyntaxProblem(line: startLine, message: triple ? "unterminated triple-quoted string literal" : "unterminated string literal")
            }
            let byte = bytes[position]
            if prefix.formatted, fieldDepth > 0 {
                try skipFormattedField(depth: &fieldDepth)
                continue
            }
            if byte == quote {
                if !triple { position += 1; break }
                if position + 2 < bytes.count, bytes[position + 1] == quote, bytes[position + 2] == quote {
                    position += 3
                    break
                }
                decoded.append(byte)
                position += 1
                continue
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                guard triple else { throw PythonSyntaxProblem(line: startLine, message: "unterminated string literal") }
                decoded.append(UInt8(ascii: "\n"))
                skipLineBreak()
                continue
            }
            if byte == 0 {
                throw PythonSyntaxProblem(line: line, message: "source code cannot contain null bytes")
            }
            if prefix.bytes, byte >= 0x80 {
                throw PythonSyntaxProblem(line: line, message: "bytes can only contain ASCII literal characters")
            }
            if prefix.formatted, byte == UInt8(ascii: "{") {
                if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "{") {
                    position += 2
                } else {
                    position += 1
                    fieldDepth = 1
                }
                continue
            }
            if byte == UInt8(ascii: "\\") {
                try readEscape(prefix: prefix, into: &decoded)
                continue
            }
            decoded.append(byte)
            position += 1
        }
        let value = prefix.bytes
            ? String(String.UnicodeScalarView(decoded.map { Unicode.Scalar($0) }))
            : String(decoding: decoded, as: UTF8.self)
        return PythonString(value: value, isBytes: prefix.bytes, isFormatted: prefix.formatted)
    }

    /// Skips one replacement field of an f-string (`{expr!r:spec}`), including nested strings.
    private mutating func skipFormattedField(depth: inout Int) throws(PythonSyntaxProblem) {
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["):
            depth += 1
            position += 1
        case UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]"):
            depth -= 1
            position += 1
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            // Python 3.12 (PEP 701) allows any quote inside a replacement field.
            _ = try readString(prefix: StringPrefix.plain)
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            skipLineBreak()
        default:
            guard Self.isIdentifierStart(byte) else { position += 1; return }
            let start = position
            while position < bytes.count, Self.isIdentifierContinue(bytes[position]) { position += 1 }
            if position < bytes.count, Self.isQuote(bytes[position]),
               let prefix = StringPrefix(String(decoding: bytes[start..<position], as: UTF8.self)) {
                _ = try readString(prefix: prefix)
            }
        }
    }

    private mutating func readEscape(prefix: StringPrefix, into decoded: inout [UInt8]) throws(PythonSyntaxProblem) {
        position += 1
        guard position < bytes.count else {
            throw PythonSyntaxProblem(line: line, message: "unterminated string literal")
        }
        let byte = bytes[position]
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            if prefix.raw { decoded.append(UInt8(ascii: "\\")); decoded.append(UInt8(ascii: "\n")) }
            skipLineBreak()
            return
        }
        if prefix.raw {
            decoded.append(UInt8(ascii: "\\"))
            decoded.append(byte)
            position += 1
            return
        }
        position += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "'"): UInt8(ascii: "'"), UInt8(ascii: "\""): UInt8(ascii: "\""),
            UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B,
        ]
        if let mapped = simple[byte] { decoded.append(mapped); return }
        if (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) {
            var value = Int(byte - UInt8(ascii: "0"))
            var count = 1
            while count < 3, position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[position]) {
                value = value * 8 + Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
                count += 1
            }
            append(code: value, bytes: prefix.bytes, into: &decoded)
            return
        }
        let hexLength: Int? = switch byte {
        case UInt8(ascii: "x"): 2
        case UInt8(ascii: "u") where !prefix.bytes: 4
        case UInt8(ascii: "U") where !prefix.bytes: 8
        default: nil
        }
        if let hexLength {
            guard position + hexLength <= bytes.count,
                  let value = Int(String(decoding: bytes[position..<position + hexLength], as: UTF8.self), radix: 16),
                  bytes[position..<position + hexLength].allSatisfy(Self.isHexDigit)
            else {
                throw PythonSyntaxProblem(line: line, message: "truncated \\\(Character(Unicode.Scalar(byte)))XX escape")
            }
            position += hexLength
            guard value <= 0x10FFFF else {
                throw PythonSyntaxProblem(line: line, message: "illegal Unicode character in \\U escape")
            }
            append(code: value, bytes: prefix.bytes, into: &decoded)
            return
        }
        if byte == UInt8(ascii: "N"), !prefix.bytes {
            throw PythonSyntaxProblem(line: line, message: "\\N{...} escapes are not supported")
        }
        decoded.append(UInt8(ascii: "\\"))
        decoded.append(byte)
    }

    private func append(code: Int, bytes isBytes: Bool, into decoded: inout [UInt8]) {
        if isBytes {
            decoded.append(UInt8(truncatingIfNeeded: code))
            return
        }
        let scalar = Unicode.Scalar(UInt32(code)) ?? "\u{FFFD}"
        decoded.append(contentsOf: Array(String(Character(scalar)).utf8))
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

    // MARK: - Character classes

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierContinue(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f"))
    }

    private static func isQuote(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"")
    }
}
