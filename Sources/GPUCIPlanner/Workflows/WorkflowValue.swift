import Foundation
import GPUCISupport

/// A value of a GitHub Actions expression, or `unknown` when it depends on something only a
/// live run knows (`needs.*.outputs`, `github.event_name`, secrets, step outputs, …).
///
/// Unknown values propagate: an operator or function with an unknown operand is unknown,
/// except where GitHub's short-circuit rules settle the result without it.
public indirect enum WorkflowValue: Sendable, Hashable {
    /// `null`, and what a missing property or input reads as.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// Every number (GitHub has one number type).
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([WorkflowValue])
    /// An object; members in source order.
    case object([(String, WorkflowValue)])
    /// A value known only at run time; the text is the expression that gave it.
    case unknown(String)

    public static func == (lhs: WorkflowValue, rhs: WorkflowValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.unknown(a), .unknown(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rendered)
    }

    /// Whether the value is known.
    public var isKnown: Bool {
        if case .unknown = self { return false }
        return true
    }

    /// GitHub's truthiness: `false`, `0`, `-0`, `NaN`, `''` and `null` are falsy; unknown is `nil`.
    public var truthy: Bool? {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .number(let value): return !(value == 0 || value.isNaN)
        case .string(let value): return !value.isEmpty
        case .array, .object: return true
        case .unknown: return nil
        }
    }

    /// The value as `${{ }}` puts it into text: `null` as nothing, whole numbers without a fraction,
    /// arrays and objects as JSON; `nil` when unknown.
    public var text: String? {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return Self.numberText(value)
        case .string(let value): return value
        case .array, .object: return json
        case .unknown: return nil
        }
    }

    /// GitHub's number coercion for comparisons: `null` 0, booleans 0/1, strings parsed (empty 0, else NaN).
    var number: Double? {
        switch self {
        case .null: return 0
        case .bool(let value): return value ? 1 : 0
        case .number(let value): return value
        case .string(let value):
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return 0 }
            if trimmed.hasPrefix("0x"), let hex = Int(trimmed.dropFirst(2), radix: 16) { return Double(hex) }
            return Double(trimmed) ?? .nan
        case .array, .object: return .nan
        case .unknown: return nil
        }
    }

    /// The member `name` of an object (GitHub matches property names case-insensitively);
    /// `null` for anything else.
    public subscript(member name: String) -> WorkflowValue {
        switch self {
        case .object(let members):
            return members.first { $0.0 == name }?.1 ?? members.first { $0.0.lowercased() == name.lowercased() }?.1 ?? .null
        case .unknown(let text): return .unknown("\(text).\(name)")
        default: return .null
        }
    }

    /// Compact JSON, as `toJSON` would give (keys in member order).
    var json: String {
        switch self {
        case .null, .unknown: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return Self.numberText(value)
        case .string(let value): return JSONOutput.quoted(value)
        case .array(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { JSONOutput.quoted($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
        }
    }

    /// The value for messages: strings quoted, unknowns as `⟨expression⟩`.
    public var rendered: String {
        switch self {
        case .string(let value): return "'\(value)'"
        case .unknown(let text): return "⟨\(text)⟩"
        default: return json
        }
    }


    static func numberText(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// A JSON value as a workflow value.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .integer(let value): self = .number(Double(value))
        case .number(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .array(let items): self = .array(items.map(WorkflowValue.init))
        case .object(let object): self = .object(object.members.map { ($0.key, WorkflowValue($0.value)) })
        }
    }
}
