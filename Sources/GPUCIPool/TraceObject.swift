import GPUCISupport

/// Typed access to one JSON object of a trace line, with errors naming the file, line and key.
struct TraceObject {
    let fields: JSONObject
    let file: String
    let line: Int
    let path: String

    init(_ value: JSONValue, file: String, line: Int, path: String) throws(InputError) {
        guard case let .object(fields) = value else {
            throw InputError("expected an object, got \(value.kind)", file: file, line: line, key: path.isEmpty ? nil : path)
        }
        self.fields = fields
        self.file = file
        self.line = line
        self.path = path
    }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func fail(_ message: String, _ name: String) -> InputError {
        InputError(message, file: file, line: line, key: key(name))
    }

    func allowOnly(_ allowed: Set<String>) throws(InputError) {
        guard !fields.members.allSatisfy({ allowed.contains($0.key) }) else { return }
        for name in fields.keys.sorted() where !allowed.contains(name) {
            throw fail("unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))", name)
        }
    }

    func has(_ name: String) -> Bool { fields[name] != nil }

    func string(_ name: String) throws(InputError) -> String {
        guard let value = fields[name] else { throw fail("missing field", name) }
        guard case let .string(text) = value, !text.isEmpty else {
            throw fail("expected a non-empty string, got \(value.kind)", name)
        }
        return text
    }

    func optionalString(_ name: String) throws(InputError) -> String? {
        fields[name] == nil ? nil : try string(name)
    }

    func int(_ name: String, minimum: Int) throws(InputError) -> Int {
        guard let value = fields[name] else { throw fail("missing field", name) }
        guard case let .integer(number) = value, number >= minimum else {
            throw fail("expected an integer ≥ \(minimum), got \(Self.show(value))", name)
        }
        return number
    }

    func optionalInt(_ name: String, minimum: Int) throws(InputError) -> Int? {
        fields[name] == nil ? nil : try int(name, minimum: minimum)
    }

    func positiveNumber(_ name: String) throws(InputError) -> Double {
        guard let value = fields[name] else { throw fail("missing field", name) }
        let number: Double
        switch value {
        case let .integer(n): number = Double(n)
        case let .number(d): number = d
        default: throw fail("expected a positive number, got \(value.kind)", name)
        }
        guard number.isFinite, number > 0 else { throw fail("expected a positive number, got \(number)", name) }
        return number
    }

    func bool(_ name: String) throws(InputError) -> Bool {
        guard fields[name] != nil else { throw fail("missing field", name) }
        return try optionalBool(name) ?? false
    }

    func optionalBool(_ name: String) throws(InputError) -> Bool? {
        guard let value = fields[name] else { return nil }
        guard case let .bool(flag) = value else { throw fail("expected true or false, got \(value.kind)", name) }
        return flag
    }

    func array(_ name: String) throws(InputError) -> [JSONValue] {
        guard let value = fields[name] else { throw fail("missing field", name) }
        guard case let .array(items) = value else { throw fail("expected a list, got \(value.kind)", name) }
        return items
    }

    func optionalArray(_ name: String) throws(InputError) -> [JSONValue]? {
        fields[name] == nil ? nil : try array(name)
    }

    func strings(_ name: String) throws(InputError) -> [String] {
        guard fields[name] != nil else { return [] }
        var result: [String] = []
        for (position, item) in try array(name).enumerated() {
            guard case let .string(text) = item else {
                throw fail("expected a string, got \(item.kind)", "\(name)[\(position)]")
            }
            result.append(text)
        }
        return result
    }

    private static func show(_ value: JSONValue) -> String {
        switch value {
        case let .integer(n): String(n)
        case let .number(d): String(d)
        case let .string(s): "\"\(s)\""
        default: value.kind
        }
    }
}
