import Foundation
import GPUCISupport

/// A value inside a parsed JSON document and its path from the root (`jobs[3].timings[0].file`),
/// so that every complaint names where it is.
struct JSONPath {
    let value: Any
    let path: String
    let source: String

    init(root: Any, source: String) {
        value = root
        path = ""
        self.source = source
    }

    private init(value: Any, path: String, source: String) {
        self.value = value
        self.path = path
        self.source = source
    }

    func error(_ message: String) -> InputError {
        InputError(message, file: source, key: path.isEmpty ? "(root)" : path)
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The member `key` of this object; `nil` when absent or JSON `null`.
    func member(_ key: String) throws(InputError) -> JSONPath? {
        guard let object = value as? [String: Any] else { throw error("expected an object") }
        guard let member = object[key], !(member is NSNull) else { return nil }
        return JSONPath(value: member, path: child(key), source: source)
    }

    /// The member `key`, which must be present.
    func required(_ key: String) throws(InputError) -> JSONPath {
        guard let member = try member(key) else {
            throw InputError("missing key", file: source, key: child(key))
        }
        return member
    }

    /// The elements of this array.
    func elements() throws(InputError) -> [JSONPath] {
        guard let array = value as? [Any] else { throw error("expected an array") }
        return array.enumerated().map { JSONPath(value: $1, path: "\(path)[\($0)]", source: source) }
    }

    /// A non-empty string.
    func string() throws(InputError) -> String {
        guard let text = value as? String, !text.isEmpty else { throw error("expected a non-empty string") }
        return text
    }

    /// The string member `key`; `nil` when absent, `null` or empty.
    func text(_ key: String) throws(InputError) -> String? {
        guard let member = try member(key) else { return nil }
        guard let text = member.value as? String else { throw member.error("expected a string") }
        return text.isEmpty ? nil : text
    }

    /// An identifier written as a non-empty string or a non-negative integer.
    func identifier() throws(InputError) -> String {
        if let text = value as? String, !text.isEmpty { return text }
        if let number = value as? NSNumber, !Self.isBoolean(number), number.doubleValue >= 0,
           number.doubleValue < 9e15, number.doubleValue.rounded() == number.doubleValue {
            return String(number.int64Value)
        }
        throw error("expected an id (a non-negative integer or a non-empty string)")
    }

    /// A finite number in `range`.
    func number(in range: ClosedRange<Double>) throws(InputError) -> Double {
        guard let number = value as? NSNumber, !Self.isBoolean(number), number.doubleValue.isFinite else {
            throw error("expected a number")
        }
        guard range.contains(number.doubleValue) else {
            throw error("expected a number from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound)), found \(number.doubleValue)")
        }
        return number.doubleValue
    }

    /// `true` or `false`.
    func bool() throws(InputError) -> Bool {
        guard let number = value as? NSNumber, Self.isBoolean(number) else { throw error("expected true or false") }
        return number.boolValue
    }

    /// An ISO-8601 timestamp, normalized to UTC.
    func timestamp() throws(InputError) -> String {
        let text = try string()
        guard let normalized = Timestamp.normalized(text) else {
            throw error("expected an ISO-8601 timestamp, found \"\(text)\"")
        }
        return normalized
    }

    /// JSON `true`/`false` arrive as Foundation's boolean `NSNumber` subclass on every platform.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(describing: type(of: number)) == "__NSCFBoolean"
    }

    private static func text(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
