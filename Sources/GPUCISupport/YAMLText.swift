import Foundation

/// Scalars written into YAML so that the readers read them back to the same value.
public enum YAMLText {
    private static let plainWords: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]

    /// The text plain when YAML reads it back as the same string, else double-quoted (JSON rules,
    /// control characters escaped).
    public static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty
            && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "_-./".unicodeScalars.contains($0) }
            && !(text.first.map { "-.".contains($0) || $0.isNumber } ?? true)
            && !plainWords.contains(text.lowercased())
        if plain { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Whole numbers without a fraction, others in Swift's shortest form that reads back exactly.
    public static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
