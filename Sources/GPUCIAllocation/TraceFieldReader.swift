import GPUCISupport

/// Typed reads of the JSON values of one trace line, each failure an `InputError` at that
/// line and key.
struct FieldReader {
    let file: String
    let line: Int

    func error(_ message: String, key: String? = nil) -> InputError {
        InputError(message, file: file, line: line, key: key)
    }

    /// The line parsed as a JSON object.
    func object(_ text: Substring) throws(InputError) -> JSONObject {
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(text)
        } catch {
            throw self.error("not valid JSON: \(error) (expected one JSON object per line)")
        }
        guard case .object(let object) = parsed else { throw self.error("expected a JSON object, got \(parsed.kind)") }
        return object
    }

    func object(_ value: JSONValue, key: String) throws(InputError) -> JSONObject {
        guard case .object(let object) = value else { throw error("expected an object, got \(value.kind)", key: key) }
        return object
    }

    func array(_ value: JSONValue, key: String) throws(InputError) -> [JSONValue] {
        guard case .array(let array) = value else { throw error("expected an array, got \(value.kind)", key: key) }
        return array
    }

    func required(_ object: JSONObject, _ field: String, prefix: String? = nil) throws(InputError) -> JSONValue {
        guard let value = object[field], value != .null else {
            throw error("missing", key: prefix.map { "\($0).\(field)" } ?? field)
        }
        return value
    }

    /// `nil` for an absent field or JSON `null`.
    func optional(_ value: JSONValue?) -> JSONValue? {
        value == .null ? nil : value
    }

    func rejectUnknown(_ object: JSONObject, allowed: [String], prefix: String? = nil, expected: String) throws(InputError) {
        guard !object.members.allSatisfy({ allowed.contains($0.key) }) else { return }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw error("unknown field (expected \(expected))", key: prefix.map { "\($0).\(unknown)" } ?? unknown)
        }
    }

    func string(_ value: JSONValue, key: String) throws(InputError) -> String {
        guard case .string(let text) = value else { throw error("expected a string, got \(Self.describe(value))", key: key) }
        return text
    }

    func bool(_ value: JSONValue, key: String) throws(InputError) -> Bool {
        guard case .bool(let flag) = value else { throw error("expected true or false, got \(Self.describe(value))", key: key) }
        return flag
    }

    func integer(_ value: JSONValue, key: String, minimum: Int, maximum: Int = Int.max) throws(InputError) -> Int {
        let bound = maximum == Int.max ? "≥ \(minimum)" : "in \(minimum)...\(maximum)"
        guard case .integer(let integer) = value else {
            throw error("expected an integer \(bound), got \(Self.describe(value))", key: key)
        }
        guard integer >= minimum, integer <= maximum else {
            throw error("expected an integer \(bound), got \(integer)", key: key)
        }
        return integer
    }

    func memoryGB(_ value: JSONValue, key: String) throws(InputError) -> Double {
        let gb: Double
        switch value {
        case .integer(let integer): gb = Double(integer)
        case .number(let number): gb = number
        default: throw error("expected a number of GB ≥ 0, got \(Self.describe(value))", key: key)
        }
        guard gb.isFinite, gb >= 0, gb <= 2_000_000 else {
            throw error("expected a number of GB in 0...2000000, got \(Self.describe(value))", key: key)
        }
        return gb
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "the string \"\(text)\""
        case .integer(let integer): "\(integer)"
        case .number(let number): "\(number)"
        case .bool(let flag): "\(flag)"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
