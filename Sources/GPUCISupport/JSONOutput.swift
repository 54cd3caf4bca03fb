import Foundation

/// Deterministic JSON: sorted keys, no escaped slashes, so the same value gives the same bytes.
public enum JSONOutput {
    /// Encodes `value` as a JSON string; `pretty` indents it for people.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }

    /// `text` as a JSON string literal, escaped as ``string(_:pretty:)`` escapes it (through
    /// ``JSONStreamWriter``): quotes, backslashes, `\b \f \n \r \t`, other control characters as
    /// `\u00xx`; everything else as is.
    public static func quoted(_ text: String) -> String {
        var out = JSONStreamWriter(pretty: false)
        out.string(text)
        return out.text
    }
}
