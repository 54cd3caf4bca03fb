import GPUCISupport

/// A token of Python source, as much of it as gpuci needs to read test modules.
public enum PythonToken: Sendable, Hashable {
    case name(String)
    case number(String)
    /// A string literal's value (adjacent literals are not joined here).
    case string(String)
    case op(String)
}

/// One logical line: its indentation, its tokens (brackets and continuations joined) and where it starts.
public struct PythonLine: Sendable, Hashable {
    /// Columns of leading whitespace (tabs to multiples of 8).
    public var indent: Int
    /// The tokens, comments dropped.
    public var tokens: [PythonToken]
    /// The 1-based line where the logical line starts.
    public var line: Int
}

/// Splits Python source into logical lines: comments dropped, string literals (all prefixes,
/// triple quotes, escapes) read, newlines inside brackets and after `\` joined.
public enum PythonTokenizer {
    /// Tokenizes `source`; `file` labels errors (an unterminated string, an unbalanced bracket).
    public static func lines(_ source: String, file: String) throws(InputError) -> [PythonLine] {
        let chars = Array(source.unicodeScalars)
        var lines: [PythonLine] = []
        var tokens: [PythonToken] = []
        var depth = 0
        var lineNumber = 1
        var lineStart = 1
        var indent = 0
        var atLineStart = true
        var brackets: [(Character, Int)] = []
        var i = 0

        func flush() {
            if !tokens.isEmpty { lines.append(PythonLine(indent: indent, tokens: tokens, line: lineStart)) }
            tokens = []
        }

        while i < chars.count {
            let c = chars[i]
            if atLineStart {
                var width = 0
                while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "\u{0C}" {
                    width += chars[i] == "\t" ? 8 - width % 8 : 1
                    i += 1
                }
                if i < chars.count, chars[i] != "\n", chars[i] != "#", chars[i] != "\r" {
                    indent = width
                    lineStart = lineNumber
                    atLineStart = false
                }
                if i >= chars.count { break }
                if chars[i] == "\n" { lineNumber += 1; i += 1; continue }
                if chars[i] == "\r" { i += 1; continue }
                if chars[i] == "#" {
                    while i < chars.count, chars[i] != "\n" { i += 1 }
                    continue
                }
                continue
            }
            switch c {
            case "\n":
                lineNumber += 1
                i += 1
                if depth == 0 {
                    flush()
                    atLineStart = true
                }
            case "\r", " ", "\t", "\u{0C}":
                i += 1
            case "#":
                while i < chars.count, chars[i] != "\n" { i += 1 }
            case "\\":
                if i + 1 < chars.count, chars[i + 1] == "\n" {
                    lineNumber += 1
                    i += 2
                } else if i + 2 < chars.count, chars[i + 1] == "\r", chars[i + 2] == "\n" {
                    lineNumber += 1
                    i += 3
                } else {
                    throw InputError("unexpected '\\' outside a string", file: file, line: lineNumber)
                }
            case "(", "[", "{":
                depth += 1
                brackets.append((Character(c), lineNumber))
                tokens.append(.op(String(c)))
                i += 1
            case ")", "]", "}":
                let expected: Character = c == ")" ? "(" : c == "]" ? "[" : "{"
                guard let open = brackets.last, open.0 == expected else {
                    throw InputError("unbalanced '\(c)'", file: file, line: lineNumber)
                }
                brackets.removeLast()
                depth -= 1
                tokens.append(.op(String(c)))
                i += 1
            case "\"", "'":
                let (value, next, newlines) = try readString(chars, from: i, quoteAt: i, file: file, line: lineNumber)
                tokens.append(.string(value))
                lineNumber += newlines
                i = next
            default:
                if isNameStart(c) {
                    var j = i
                    while j < chars.count, isNameContinue(chars[j]) { j += 1 }
                    let word = String(String.UnicodeScalarView(chars[i..<j]))
                    if j < chars.count, chars[j] == "\"" || chars[j] == "'", word.count <= 2,
                       word.lowercased().allSatisfy({ "rbuf".contains($0) }) {
                        let raw = word.lowercased().contains("r")
                        let (value, next, newlines) = try readString(chars, from: i, quoteAt: j, file: file, line: lineNumber, raw: raw)
                        tokens.append(.string(value))
                        lineNumber += newlines
                        i = next
                    } else {
                        tokens.append(.name(word))
                        i = j
                    }
                } else if c.properties.numericType != nil || (c == "." && i + 1 < chars.count && chars[i + 1].properties.numericType != nil) {
                    var j = i
                    while j < chars.count, isNameContinue(chars[j]) || chars[j] == "." { j += 1 }
                    tokens.append(.number(String(String.UnicodeScalarView(chars[i..<j]))))
                    i = j
                } else {
                    var op = String(c)
                    if i + 1 < chars.count {
                        let pair = op + String(chars[i + 1])
                        if ["**", "//", "==", "!=", "<=", ">=", "->", ":=", "+=", "-=", "*=", "/=", "<<", ">>"].contains(pair) { op = pair }
                    }
                    tokens.append(.op(op))
                    i += op.unicodeScalars.count
                }
            }
        }
        if let open = brackets.last {
            throw InputError("'\(open.0)' is never closed", file: file, line: open.1)
        }
        flush()
        return lines
    }

    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }

    static func isNameContinue(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil
    }

    /// Reads a string literal whose opening quote is at `quoteAt`; returns the value, the index after it
    /// and how many newlines it spans.
    static func readString(_ chars: [Unicode.Scalar], from start: Int, quoteAt: Int, file: String, line: Int,
                           raw: Bool = false) throws(InputError) -> (String, Int, Int) {
        let quote = chars[quoteAt]
        let triple = quoteAt + 2 < chars.count && chars[quoteAt + 1] == quote && chars[quoteAt + 2] == quote
        var i = quoteAt + (triple ? 3 : 1)
        var value = String.UnicodeScalarView()
        var newlines = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\" && i + 1 < chars.count {
                let next = chars[i + 1]
                if next == "\n" { newlines += 1 }
                if raw {
                    value.append(c)
                    value.append(next)
                } else {
                    switch next {
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    case "\\", "'", "\"": value.append(next)
                    case "\n": break
                    default:
                        value.append(c)
                        value.append(next)
                    }
                }
                i += 2
                continue
            }
            if c == quote {
                if !triple { return (String(value), i + 1, newlines) }
                if i + 2 < chars.count, chars[i + 1] == quote, chars[i + 2] == quote {
                    return (String(value), i + 3, newlines)
                }
            }
            if c == "\n" {
                if !triple { throw InputError("string literal not closed before the end of the line", file: file, line: line + newlines) }
                newlines += 1
            }
            value.append(c)
            i += 1
        }
        throw InputError("string literal never closed", file: file, line: line)
    }
}
