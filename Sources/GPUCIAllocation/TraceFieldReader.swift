import Foundation
import GPUCISupport

/// Typed reads of `JSONSerialization` values for one trace line, each failure an `InputError`
/// at that line and key.
struct FieldReader {
    let file: String
    let line: Int

    func error(_ message: String, key: String? = nil) -> InputError {
        InputError(message, file: file, line: line, key: key)
    }

    /// The line parsed as a JSON object.
    func object(_ text: String) throws(InputError) -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        } catch {
            throw self.error("not valid JSON (expected one JSON object per line)")
        }
        guard let object = parsed as? [String: Any] else { throw self.error("expected a JSON object") }
        return object
    }

    func object(_ value: Any, key: String) throws(InputError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw error("expected an object", key: key) }
        return object
    }

    func array(_ value: Any, key: String) throws(InputError) -> [Any] {
        guard let array = value as? [Any] else { throw error("expected an array", key: key) }
        return array
    }

    func required(_ object: [String: Any], _ field: String, prefix: String? = nil) throws(InputError) -> Any {
        guard let value = object[field], !(value is NSNull) else {
            throw error("missing", key: prefix.map { "\($0).\(field)" } ?? field)
        }
        return value
    }

    /// `nil` for an absent field or JSON `null`.
    func optional(_ value: Any?) -> Any? {
        guard let value, !(value is NSNull) else { return nil }
        return value
    }

    func rejectUnknown(_ object: [String: Any], allowed: Set<String>, prefix: String? = nil, expected: String) throws(InputError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw error("unknown field (expected \(expected))", key: prefix.map { "\($0).\(unknown)" } ?? unknown)
        }
    }

    func string(_ value: Any, key: String) throws(InputError) -> String {
        guard let text = value as? String else { throw error("expected a string", key: key) }
        return text
    }

    func bool(_ value: Any, key: String) throws(InputError) -> Bool {
        guard let number = value as? NSNumber, Self.isBool(number) else { throw error("expected true or false", key: key) }
        return number.boolValue
    }

    func integer(_ value: Any, key: String, minimum: Int, maximum: Int = Int.max) throws(InputError) -> Int {
        let bound = maximum == Int.max ? "≥ \(minimum)" : "in \(minimum)...\(maximum)"
        guard let number = value as? NSNumber, !Self.isBool(number), Self.isInteger(number) else {
            throw error("expected an integer \(bound), got \(Self.describe(value))", key: key)
        }
        let integer = number.intValue
        guard integer >= minimum, integer <= maximum else {
            throw error("expected an integer \(bound), got \(integer)", key: key)
        }
        return integer
    }

    func memoryGB(_ value: Any, key: String) throws(InputError) -> Double {
        guard let number = value as? NSNumber, !Self.isBool(number) else {
            throw error("expected a number of GB ≥ 0, got \(Self.describe(value))", key: key)
        }
        let gb = number.doubleValue
        guard gb.isFinite, gb >= 0, gb <= 2_000_000 else {
            throw error("expected a number of GB in 0...2000000, got \(number)", key: key)
        }
        return gb
    }

    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c" && type(of: number) != NSNumber.self
    }

    /// Integer JSON syntax that fits `Int` (`2.0`, `1e2` and values beyond 2⁶³ − 1 do not).
    private static func isInteger(_ number: NSNumber) -> Bool {
        if number is NSDecimalNumber { return false }
        switch String(cString: number.objCType) {
        case "c", "s", "i", "l", "q", "C", "S", "I", "L": return true
        case "Q": return number.uint64Value <= UInt64(Int.max)
        default: return false
        }
    }

    private static func describe(_ value: Any) -> String {
        switch value {
        case let text as String: "the string \"\(text)\""
        case let number as NSNumber: isBool(number) ? "\(number.boolValue)" : "\(number)"
        case is NSNull: "null"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "\(value)"
        }
    }
}
