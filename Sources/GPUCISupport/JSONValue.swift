/// One JSON value (RFC 8259), read strictly: an integer literal that fits `Int` is
/// ``integer(_:)``, any other number ``number(_:)``, and a boolean is never a number. Unlike
/// Foundation's reader on Linux, a trailing comma and a repeated key are refused.
///
/// The trace readers parse one small object per line; Foundation's `JSONSerialization` and
/// `JSONDecoder` spend about 8 µs on such a line (boxing every value), which made the reader
/// most of `gpuci allocate`. This reader works on the UTF-8 bytes directly.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer literal (no fraction, no exponent) that fits `Int`.
    case integer(Int)
    /// Any other number, finite.
    case number(Double)
    /// A string, escapes decoded.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, members in document order.
    case object(JSONObject)

    /// Nesting deeper than this is refused (the reader recurses per level).
    public static let maximumDepth = 256

    /// Parses `text` as exactly one JSON value (white space around it allowed).
    public static func parse(_ text: Substring) throws(JSONSyntaxError) -> JSONValue {
        var copy = text
        let result = copy.withUTF8 { bytes -> Result<JSONValue, JSONSyntaxError> in
            var reader = JSONReader(bytes, building: JSONValueBuilder())
            return Result { () throws(JSONSyntaxError) in try reader.document() }
        }
        return try result.get()
    }

    /// Parses `text` as exactly one JSON value.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Substring(text))
    }

    /// What the value is, for messages: `null`, `a boolean`, `a number`, `a string`, `a list`, `an object`.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

/// A JSON object's members in document order (keys are unique: a repeated key is a syntax error).
public struct JSONObject: Sendable, Hashable {
    /// One `"key": value` member.
    public struct Member: Sendable, Hashable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// A member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in document order.
    public var members: [Member]

    /// An object of `members` (their keys should be unique).
    public init(members: [Member]) { self.members = members }

    /// The value of `key`, or `nil` when absent.
    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }

    /// The keys in document order.
    public var keys: [String] { members.map(\.key) }
}

/// Why a text is not one JSON value: what was expected at which byte (1-based column).
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based byte offset in the parsed text.
    public var column: Int
    /// What was wrong.
    public var message: String

    /// `<message> at column <column>`.
    public var description: String { "\(message) at column \(column)" }
}

/// What a ``JSONReader`` makes of the values it reads, innermost first: ``JSONValue``s for the
/// trace readers, Yams nodes with their marks for ``YAMLNode``.
protocol JSONTreeBuilder {
    associatedtype Value
    /// Where a value or key is, as the builder records it.
    associatedtype Position
    /// One `"key": value` member of an object.
    associatedtype Member

    /// The position of the value or key whose first byte is at `offset`; called in increasing
    /// `offset` order, before anything inside that value.
    mutating func position(at offset: Int) -> Position
    mutating func null(at position: Position) -> Value
    mutating func bool(_ value: Bool, at position: Position) -> Value
    /// A number literal: its bytes, and its value when it is an integer literal that fits `Int`.
    mutating func number(_ literal: UnsafeBufferPointer<UInt8>, integer: Int?, at position: Position) throws(JSONSyntaxError) -> Value
    mutating func string(_ text: String, at position: Position) -> Value
    mutating func array(_ items: [Value], at position: Position) -> Value
    mutating func member(_ key: String, at position: Position, value: Value) -> Member
    /// The key of a member made by ``member(_:at:value:)`` (the reader refuses a repeated one).
    func key(of member: Member) -> String
    mutating func object(_ members: [Member], at position: Position) -> Value
}

/// Builds ``JSONValue``s; positions are byte offsets, used for the one error a builder reports.
struct JSONValueBuilder: JSONTreeBuilder {
    func position(at offset: Int) -> Int { offset }
    func null(at position: Int) -> JSONValue { .null }
    func bool(_ value: Bool, at position: Int) -> JSONValue { .bool(value) }

    func number(_ literal: UnsafeBufferPointer<UInt8>, integer: Int?, at position: Int) throws(JSONSyntaxError) -> JSONValue {
        if let integer { return .integer(integer) }
        guard let number = Double(String(decoding: literal, as: UTF8.self)), number.isFinite else {
            throw JSONSyntaxError(column: position + 1, message: "a number beyond the range of a 64-bit float")
        }
        return .number(number)
    }

    func string(_ text: String, at position: Int) -> JSONValue { .string(text) }
    func array(_ items: [JSONValue], at position: Int) -> JSONValue { .array(items) }

    func member(_ key: String, at position: Int, value: JSONValue) -> JSONObject.Member { JSONObject.Member(key: key, value: value) }
    func key(of member: JSONObject.Member) -> String { member.key }
    func object(_ members: [JSONObject.Member], at position: Int) -> JSONValue { .object(JSONObject(members: members)) }
}

/// The strict recursive-descent reader behind ``JSONValue/parse(_:)`` and ``YAMLNode``'s JSON path:
/// it checks the syntax (and refuses a repeated key) and leaves what values become to `Builder`.
struct JSONReader<Builder: JSONTreeBuilder> {
    let bytes: UnsafeBufferPointer<UInt8>
    var builder: Builder
    var index = 0
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, building builder: Builder) {
        self.bytes = bytes
        self.builder = builder
    }

    mutating func document() throws(JSONSyntaxError) -> Builder.Value {
        skipSpace()
        let value = try value()
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected text after the value") }
        return value
    }

    private func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(column: index + 1, message: message)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index &+= 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONSyntaxError) -> Builder.Value {
        guard let byte = current else { throw fail("expected a value, found the end") }
        let position = builder.position(at: index)
        switch byte {
        case UInt8(ascii: "{"): return try object(at: position)
        case UInt8(ascii: "["): return try array(at: position)
        case UInt8(ascii: "\""): return builder.string(try string(), at: position)
        case UInt8(ascii: "t"): try literal("true"); return builder.bool(true, at: position)
        case UInt8(ascii: "f"): try literal("false"); return builder.bool(false, at: position)
        case UInt8(ascii: "n"): try literal("null"); return builder.null(at: position)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number(at: position)
        default: throw fail("expected a value")
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth &+= 1
        guard depth <= JSONValue.maximumDepth else { throw fail("nested deeper than \(JSONValue.maximumDepth) levels") }
    }

    private mutating func object(at position: Builder.Position) throws(JSONSyntaxError) -> Builder.Value {
        try enter()
        index &+= 1
        var members: [Builder.Member] = []
        // Keys seen, once an object is long enough that a linear check would be quadratic.
        var keys: Set<String> = []
        skipSpace()
        if current == UInt8(ascii: "}") {
            index &+= 1
            depth &-= 1
            return builder.object(members, at: position)
        }
        while true {
            guard current == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
            let start = index
            let keyPosition = builder.position(at: start)
            let key = try string()
            if members.count == 16 { keys = Set(members.map(builder.key(of:))) }
            let repeated = members.count < 16 ? members.contains(where: { builder.key(of: $0) == key }) : !keys.insert(key).inserted
            if repeated {
                throw JSONSyntaxError(column: start + 1, message: "the key \"\(key)\" appears twice in one object")
            }
            skipSpace()
            guard current == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
            index &+= 1
            skipSpace()
            let value = try value()
            members.append(builder.member(key, at: keyPosition, value: value))
            skipSpace()
            switch current {
            case UInt8(ascii: ","):
                index &+= 1
                skipSpace()
            case UInt8(ascii: "}"):
                index &+= 1
                depth &-= 1
                return builder.object(members, at: position)
            default:
                throw fail("expected ',' or '}'")
            }
        }
    }

    private mutating func array(at position: Builder.Position) throws(JSONSyntaxError) -> Builder.Value {
        try enter()
        index &+= 1
        var items: [Builder.Value] = []
        skipSpace()
        if current == UInt8(ascii: "]") {
            index &+= 1
            depth &-= 1
            return builder.array(items, at: position)
        }
        while true {
            items.append(try value())
            skipSpace()
            switch current {
            case UInt8(ascii: ","):
                index &+= 1
                skipSpace()
            case UInt8(ascii: "]"):
                index &+= 1
                depth &-= 1
                return builder.array(items, at: position)
            default:
                throw fail("expected ',' or ']'")
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw fail("expected \(word)") }
        for offset in 0..<count where bytes[index &+ offset] != word.utf8Start[offset] {
            throw fail("expected \(word)")
        }
        index &+= count
    }

    /// A string literal; the bytes are valid UTF-8 already (they come from a `String`).
    private mutating func string() throws(JSONSyntaxError) -> String {
        index &+= 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index &+= 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw fail("a control character inside a string (escape it)") }
            index &+= 1
        }
        throw fail("a string without its closing quote")
    }

    private mutating func escapedString(from start: Int) throws(JSONSyntaxError) -> String {
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index &+= 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index &+= 1
                guard let escape = current else { throw fail("a string without its closing quote") }
                index &+= 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    if let encoded = UTF8.encode(try unicodeEscape()) { buffer.append(contentsOf: encoded) }
                default:
                    index &-= 1
                    throw fail("an unknown escape \\\(Character(Unicode.Scalar(escape)))")
                }
            default:
                guard byte >= 0x20 else { throw fail("a control character inside a string (escape it)") }
                buffer.append(byte)
                index &+= 1
            }
        }
        throw fail("a string without its closing quote")
    }

    /// The scalar of `XXXX` (after `\u`), joining a surrogate pair.
    private mutating func unicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800...0xDBFF).contains(high) {
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index &+ 1] == UInt8(ascii: "u") else {
                throw fail("a lone UTF-16 surrogate in \\u escapes")
            }
            index &+= 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("a lone UTF-16 surrogate in \\u escapes") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw fail("a lone UTF-16 surrogate in \\u escapes") }
        return scalar
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw fail("expected 4 hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("expected 4 hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            index &+= 1
        }
        return value
    }

    private func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; an integer literal that fits `Int` is an integer.
    private mutating func number(at position: Builder.Position) throws(JSONSyntaxError) -> Builder.Value {
        let start = index
        let negative = current == UInt8(ascii: "-")
        if negative { index &+= 1 }
        guard isDigit(current) else { throw fail("expected a digit") }
        var magnitude: UInt64 = 0
        var overflow = false
        if current == UInt8(ascii: "0") {
            index &+= 1
            if isDigit(current) { throw fail("a number with a leading zero") }
        } else {
            while isDigit(current) {
                let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = plus
                index &+= 1
            }
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            index &+= 1
            guard isDigit(current) else { throw fail("expected a digit after '.'") }
            while isDigit(current) { index &+= 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            index &+= 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index &+= 1 }
            guard isDigit(current) else { throw fail("expected a digit in the exponent") }
            while isDigit(current) { index &+= 1 }
        }
        var integer: Int?
        if integral && !overflow {
            if !negative && magnitude <= UInt64(Int.max) { integer = Int(magnitude) }
            if negative && magnitude <= UInt64(Int.max) + 1 { integer = magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude) }
        }
        return try builder.number(UnsafeBufferPointer(rebasing: bytes[start..<index]), integer: integer, at: position)
    }
}
