/// String literals: every prefix and quote form, escapes, f-string replacement fields.
extension PythonTokenizer {
    /// The prefix letters of a string literal.
    struct StringPrefix {
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

    mutating func readString(prefix: StringPrefix) throws(PythonSyntaxProblem) -> PythonString {
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
}
