import GPUCISupport

/// What an expression may read: the `inputs` and `matrix` contexts. Every other context
/// (`github`, `needs`, `steps`, `env`, `secrets`, `vars`, …) is unknown until the run.
public struct WorkflowContext: Sendable {
    /// The workflow's (or reusable workflow's) inputs.
    public var inputs: WorkflowValue
    /// The job's matrix combination.
    public var matrix: WorkflowValue

    /// A context with the given inputs and matrix.
    public init(inputs: WorkflowValue = .object([]), matrix: WorkflowValue = .object([])) {
        self.inputs = inputs
        self.matrix = matrix
    }
}

/// A malformed `${{ }}` expression.
public struct WorkflowExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// 1-based column within the expression text.
    public var column: Int

    public var description: String { "\(message) at column \(column) of the expression" }
}

/// GitHub Actions expressions: literals, contexts, `.`/`[]` access, `!`, comparisons, `&&`/`||`
/// (value-returning, short-circuit) and the functions `fromJSON`, `toJSON`, `format`, `contains`,
/// `startsWith`, `endsWith`, `join`. Evaluated against a ``WorkflowContext``; anything the
/// context cannot know comes back `unknown`.
public enum WorkflowExpression {
    /// Evaluates `text` (the part between `${{` and `}}`).
    public static func evaluate(_ text: String, in context: WorkflowContext) throws(WorkflowExpressionError) -> WorkflowValue {
        var parser = Parser(text: Array(text.unicodeScalars), context: context)
        let value = try parser.orExpression()
        parser.skipSpace()
        guard parser.position == parser.text.count else { throw parser.error("unexpected '\(parser.rest)'") }
        return value
    }

    /// Evaluates a workflow string with `${{ }}` parts: a string made only of one part gives that
    /// part's value (so `timeout-minutes: ${{ fromJson(x) }}` stays a number); otherwise the parts
    /// are put into the text, and the whole is unknown when one of them is.
    public static func interpolate(_ text: String, in context: WorkflowContext) throws(WorkflowExpressionError) -> WorkflowValue {
        let pieces = try split(text)
        if pieces.count == 1, case .expression(let expression) = pieces[0] {
            return try evaluate(expression, in: context)
        }
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let literal): out += literal
            case .expression(let expression):
                guard let value = try evaluate(expression, in: context).text else { return .unknown(text) }
                out += value
            }
        }
        return .string(out)
    }

    /// A piece of a workflow string: literal text or a `${{ }}` expression.
    public enum Piece: Sendable, Hashable {
        case text(String)
        case expression(String)
    }

    /// The literal and `${{ }}` pieces of `text`, in order.
    public static func split(_ text: String) throws(WorkflowExpressionError) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = closing(in: rest[open.upperBound...]) else {
                throw WorkflowExpressionError(message: "'${{' without a closing '}}'", column: text.distance(from: text.startIndex, to: open.lowerBound) + 1)
            }
            pieces.append(.expression(String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }

    /// The `}}` that ends an expression, skipping any inside string literals.
    private static func closing(in text: Substring) -> Range<Substring.Index>? {
        var index = text.startIndex
        var inString = false
        while index < text.endIndex {
            let character = text[index]
            if character == "'" { inString.toggle() }
            if !inString, character == "}", text[index...].hasPrefix("}}") {
                return index..<text.index(index, offsetBy: 2)
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The string literals an expression can give (e.g. `x && '--flag' || ''` → `--flag`, ``),
    /// for telling whether an unknown part of a command line could hold a flag that matters.
    public static func literals(in text: String) -> [String] {
        var found: [String] = []
        var current: String?
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if scalar == "'" {
                if current == nil { current = "" ; continue }
                if scalars.first == "'" { scalars.removeFirst(); current?.unicodeScalars.append("'"); continue }
                found.append(current ?? "")
                current = nil
            } else if current != nil {
                current?.unicodeScalars.append(scalar)
            }
        }
        return found
    }

    private struct Parser {
        let text: [Unicode.Scalar]
        let context: WorkflowContext
        var position = 0

        var rest: String { String(String.UnicodeScalarView(text[position...])) }

        func error(_ message: String) -> WorkflowExpressionError {
            WorkflowExpressionError(message: message, column: position + 1)
        }

        mutating func skipSpace() {
            while position < text.count, text[position].properties.isWhitespace { position += 1 }
        }

        mutating func take(_ token: String) -> Bool {
            skipSpace()
            let scalars = Array(token.unicodeScalars)
            guard position + scalars.count <= text.count, Array(text[position..<position + scalars.count]) == scalars else { return false }
            position += scalars.count
            return true
        }

        mutating func expect(_ token: String) throws(WorkflowExpressionError) {
            guard take(token) else { throw error("expected '\(token)'") }
        }

        mutating func orExpression() throws(WorkflowExpressionError) -> WorkflowValue {
            var left = try andExpression()
            while take("||") {
                let right = try andExpression()
                switch left.truthy {
                case true?: break
                case false?: left = right
                case nil: left = .unknown("\(left.rendered) || \(right.rendered)")
                }
            }
            return left
        }

        mutating func andExpression() throws(WorkflowExpressionError) -> WorkflowValue {
            var left = try comparison()
            while take("&&") {
                let right = try comparison()
                switch left.truthy {
                case true?: left = right
                case false?: break
                case nil: left = .unknown("\(left.rendered) && \(right.rendered)")
                }
            }
            return left
        }

        mutating func comparison() throws(WorkflowExpressionError) -> WorkflowValue {
            var left = try unary()
            while true {
                let operators = ["==", "!=", "<=", ">=", "<", ">"]
                guard let op = operators.first(where: { take($0) }) else { return left }
                let right = try unary()
                guard left.isKnown, right.isKnown else {
                    left = .unknown("\(left.rendered) \(op) \(right.rendered)")
                    continue
                }
                left = .bool(Self.compare(left, right, op))
            }
        }

        /// GitHub's loose comparison: strings case-insensitively, other mixed types as numbers.
        static func compare(_ left: WorkflowValue, _ right: WorkflowValue, _ op: String) -> Bool {
            if case .string(let a) = left, case .string(let b) = right {
                let x = a.lowercased(), y = b.lowercased()
                switch op {
                case "==": return x == y
                case "!=": return x != y
                case "<": return x < y
                case "<=": return x <= y
                case ">": return x > y
                default: return x >= y
                }
            }
            if op == "==" || op == "!=" {
                let same: Bool
                switch (left, right) {
                case (.array, .array), (.object, .object): same = left == right
                default:
                    let a = left.number ?? .nan, b = right.number ?? .nan
                    same = a == b
                }
                return op == "==" ? same : !same
            }
            let a = left.number ?? .nan, b = right.number ?? .nan
            switch op {
            case "<": return a < b
            case "<=": return a <= b
            case ">": return a > b
            default: return a >= b
            }
        }

        mutating func unary() throws(WorkflowExpressionError) -> WorkflowValue {
            if take("!") {
                let value = try unary()
                guard let truthy = value.truthy else { return .unknown("!\(value.rendered)") }
                return .bool(!truthy)
            }
            return try postfix()
        }

        mutating func postfix() throws(WorkflowExpressionError) -> WorkflowValue {
            var value = try primary()
            while true {
                if take(".") {
                    if take("*") { value = .unknown("\(value.rendered).*"); continue }
                    value = value[member: try identifier()]
                } else if take("[") {
                    let index = try orExpression()
                    try expect("]")
                    value = Self.index(value, index)
                } else {
                    return value
                }
            }
        }

        static func index(_ value: WorkflowValue, _ index: WorkflowValue) -> WorkflowValue {
            switch (value, index) {
            case (.unknown, _), (_, .unknown): return .unknown("\(value.rendered)[\(index.rendered)]")
            case let (.array(items), .number(position)):
                let offset = Int(exactly: position) ?? -1
                return items.indices.contains(offset) ? items[offset] : .null
            case (.object, .string(let name)): return value[member: name]
            default: return .null
            }
        }

        mutating func identifier() throws(WorkflowExpressionError) -> String {
            skipSpace()
            let start = position
            while position < text.count, Self.isNameScalar(text[position]) { position += 1 }
            guard position > start else { throw error("expected a name") }
            return String(String.UnicodeScalarView(text[start..<position]))
        }

        static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
        }

        mutating func primary() throws(WorkflowExpressionError) -> WorkflowValue {
            skipSpace()
            guard position < text.count else { throw error("expected a value") }
            let scalar = text[position]
            if take("(") {
                let value = try orExpression()
                try expect(")")
                return value
            }
            if scalar == "'" { return .string(try stringLiteral()) }
            if ("0"..."9").contains(scalar) || scalar == "-" || scalar == "." { return try numberLiteral() }
            let name = try identifier()
            if take("(") { return try call(name) }
            switch name {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            case "inputs": return context.inputs
            case "matrix": return context.matrix
            default: return .unknown(name)
            }
        }

        mutating func stringLiteral() throws(WorkflowExpressionError) -> String {
            let start = position
            position += 1
            var out = String.UnicodeScalarView()
            while position < text.count {
                let scalar = text[position]
                position += 1
                if scalar == "'" {
                    if position < text.count, text[position] == "'" { out.append("'"); position += 1; continue }
                    return String(out)
                }
                out.append(scalar)
            }
            throw WorkflowExpressionError(message: "unterminated string literal", column: start + 1)
        }

        mutating func numberLiteral() throws(WorkflowExpressionError) -> WorkflowValue {
            let start = position
            while position < text.count, Self.isNameScalar(text[position]) || text[position] == "." || text[position] == "+" { position += 1 }
            let literal = String(String.UnicodeScalarView(text[start..<position]))
            if literal.hasPrefix("0x"), let hex = Int(literal.dropFirst(2), radix: 16) { return .number(Double(hex)) }
            guard let number = Double(literal) else { throw WorkflowExpressionError(message: "'\(literal)' is not a number", column: start + 1) }
            return .number(number)
        }

        mutating func call(_ name: String) throws(WorkflowExpressionError) -> WorkflowValue {
            var arguments: [WorkflowValue] = []
            if !take(")") {
                repeat { arguments.append(try orExpression()) } while take(",")
                try expect(")")
            }
            let function = name.lowercased()
            let opaque = WorkflowValue.unknown("\(name)(\(arguments.map(\.rendered).joined(separator: ", ")))")
            switch function {
            case "fromjson":
                guard arguments.count == 1 else { throw error("fromJSON takes one argument") }
                guard let text = arguments[0].text else { return opaque }
                do {
                    return WorkflowValue(try JSONValue.parse(text))
                } catch {
                    throw self.error("fromJSON of text that is not JSON: '\(text.prefix(60))'")
                }
            case "tojson":
                guard arguments.count == 1 else { throw error("toJSON takes one argument") }
                return arguments[0].isKnown ? .string(arguments[0].json) : opaque
            case "format":
                guard let format = arguments.first?.text else { return arguments.isEmpty ? .string("") : opaque }
                var out = format
                for (offset, argument) in arguments.dropFirst().enumerated() {
                    guard let text = argument.text else { return opaque }
                    out = out.replacingOccurrences(of: "{\(offset)}", with: text)
                }
                return .string(out.replacingOccurrences(of: "{{", with: "{").replacingOccurrences(of: "}}", with: "}"))
            case "contains", "startswith", "endswith":
                guard arguments.count == 2 else { throw error("\(name) takes two arguments") }
                guard arguments.allSatisfy(\.isKnown) else { return opaque }
                if function == "contains", case .array(let items) = arguments[0] {
                    return .bool(items.contains { Self.compare($0, arguments[1], "==") })
                }
                let haystack = (arguments[0].text ?? "").lowercased(), needle = (arguments[1].text ?? "").lowercased()
                switch function {
                case "contains": return .bool(haystack.contains(needle))
                case "startswith": return .bool(haystack.hasPrefix(needle))
                default: return .bool(haystack.hasSuffix(needle))
                }
            case "join":
                guard arguments.allSatisfy(\.isKnown) else { return opaque }
                let separator = arguments.count > 1 ? arguments[1].text ?? "," : ","
                if case .array(let items) = arguments.first { return .string(items.map { $0.text ?? "" }.joined(separator: separator)) }
                return .string(arguments.first?.text ?? "")
            default:
                return opaque
            }
        }
    }
}
