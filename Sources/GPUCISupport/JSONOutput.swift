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
}
