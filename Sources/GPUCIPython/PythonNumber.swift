/// The value of a Python numeric literal.
public enum PythonNumber: Sendable, Hashable {
    /// An `int` literal (decimal, hex, octal or binary), as a Double.
    case int(Double)
    /// A `float` literal.
    case float(Double)
    /// An imaginary literal (`2j`): neither int nor float.
    case complex

    /// Reads a literal the tokenizer accepted; `nil` when it is malformed.
    public init?(_ text: String) {
        guard Self.isWellFormed(text) else { return nil }
        let plain = text.filter { $0 != "_" }.lowercased()
        if plain.hasSuffix("j") { self = .complex; return }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where plain.hasPrefix(prefix) {
            var value = 0.0
            for character in plain.dropFirst(2) {
                guard let digit = character.hexDigitValue, digit < radix else { return nil }
                value = value * Double(radix) + Double(digit)
            }
            self = .int(value)
            return
        }
        guard let value = Double(plain) else { return nil }
        self = plain.contains(".") || plain.contains("e") ? .float(value) : .int(value)
    }

    /// Whether `text` follows Python's literal grammar (underscores only between digits,
    /// digits valid for the base, no leading zeros in non-zero decimal integers).
    public static func isWellFormed(_ text: String) -> Bool {
        let characters = Array(text.lowercased())
        guard let first = characters.first, let last = characters.last, last != "_" else { return false }
        for index in characters.indices where characters[index] == "_" {
            guard index > 0, index + 1 < characters.count else { return false }
            let before = characters[index - 1], after = characters[index + 1]
            guard before.isHexDigit || before == "x" || before == "o" || before == "b", after.isHexDigit else { return false }
        }
        let plain = characters.filter { $0 != "_" }
        if plain.count >= 2, plain[0] == "0", let radix = ["x": 16, "o": 8, "b": 2][plain[1]] {
            let digits = plain.dropFirst(2)
            return !digits.isEmpty && digits.allSatisfy { ($0.hexDigitValue ?? radix) < radix }
        }
        var body = plain
        if body.last == "j" { body.removeLast() }
        guard !body.isEmpty else { return false }
        let isFloat = body.contains(".") || body.contains("e")
        if !isFloat {
            guard body.allSatisfy(\.isASCIIDigitCharacter) else { return false }
            if first == "0", body.contains(where: { $0 != "0" }) { return false }
            return true
        }
        let parts = body.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        let mantissa = parts[0]
        guard mantissa.contains(where: \.isASCIIDigitCharacter),
              mantissa.allSatisfy({ $0.isASCIIDigitCharacter || $0 == "." }),
              mantissa.filter({ $0 == "." }).count <= 1
        else { return false }
        if parts.count == 2 {
            var exponent = parts[1][...]
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy(\.isASCIIDigitCharacter) else { return false }
        }
        return true
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
