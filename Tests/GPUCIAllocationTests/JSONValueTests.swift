import Foundation
import GPUCISupport
import GPUCITestSupport
import Testing

/// The trace readers' JSON reader: RFC 8259 grammar, integers kept apart from other numbers,
/// and the same verdict as Foundation's reader on mutated trace lines.
@Suite struct JSONValueTests {
    @Test func valuesReadAsTyped() throws {
        let value = try JSONValue.parse(#" {"a":[1,-2,2.5,1e2,true,false,null],"s":"x\"\\\/\n\u00e9\ud83d\ude00","e":{}} "#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["a", "s", "e"])
        #expect(object["a"] == .array([.integer(1), .integer(-2), .number(2.5), .number(100), .bool(true), .bool(false), .null]))
        #expect(object["s"] == .string("x\"\\/\né😀"))
        #expect(object["e"] == .object(JSONObject(members: [])))
        #expect(try JSONValue.parse("9223372036854775807") == .integer(Int.max))
        #expect(try JSONValue.parse("-9223372036854775808") == .integer(Int.min))
        #expect(try JSONValue.parse("9223372036854775808") == .number(9_223_372_036_854_775_808))
        #expect(try JSONValue.parse("2.0") == .number(2))
    }

    @Test(arguments: [
        ("", "expected a value, found the end at column 1"),
        ("{\"a\":1,}", "expected a quoted key at column 8"),
        ("[1,2", "expected ',' or ']' at column 5"),
        ("01", "a number with a leading zero at column 2"),
        ("1.", "expected a digit after '.' at column 3"),
        ("-", "expected a digit at column 2"),
        ("\"a\tb\"", "a control character inside a string (escape it) at column 3"),
        ("\"\\x\"", "an unknown escape \\x at column 3"),
        ("\"\\ud800\"", "a lone UTF-16 surrogate in \\u escapes at column 8"),
        ("{\"k\":1,\"k\":2}", "the key \"k\" appears twice in one object at column 8"),
        ("tru", "expected true at column 1"),
        ("[1,]", "expected a value at column 4"),
        ("1e400", "a number beyond the range of a 64-bit float at column 1"),
        ("{} x", "unexpected text after the value at column 4"),
        ("\"abc", "a string without its closing quote at column 5"),
    ])
    func malformedTextIsLocated(text: String, message: String) {
        #expect {
            try JSONValue.parse(text)
        } throws: { error in
            "\(error)" == message
        }
    }

    /// Repeated keys are found in short objects (a scan) and long ones (a set), so a line with
    /// many keys costs linear time.
    @Test func repeatedKeysAreFoundInLongObjects() throws {
        for (count, repeatAt) in [(10, 7), (40, 30), (50_000, 49_999)] {
            var members = (0..<count).map { "\"k\($0)\":\($0)" }
            #expect(try { if case .object(let object) = try JSONValue.parse("{" + members.joined(separator: ",") + "}") { return object.members.count }; return 0 }() == count)
            members[repeatAt] = "\"k3\":0"
            #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("{" + members.joined(separator: ",") + "}") }
        }
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            try JSONValue.parse(deep)
        } throws: { error in
            "\(error)" == "nested deeper than 256 levels at column 257"
        }
        #expect((try? JSONValue.parse(String(repeating: "[", count: 256) + String(repeating: "]", count: 256))) != nil)
    }

    /// Seeded byte mutations of real trace lines: accepted exactly when Foundation accepts them,
    /// with the same values — except that this reader refuses what RFC 8259 does not allow and
    /// Foundation on Linux reads: a repeated key, a comma before `]` or `}`.
    @Test func mutatedLinesGetFoundationsVerdict() throws {
        let lines = [
            #"{"op":"allocate","specs":[{"key":"llama-8b:http","memoryGB":40,"tp":2},{"key":"b"}],"preserveOrder":false}"#,
            #"{"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"},{"id":1,"memoryMiB":143771,"name":"H200"}]}"#,
            #"{"op":"releaseGPUs","gpus":[1,2,3]}"#,
            #"{"op":"get","model":"llama-8b","mode":"http","now":12.5e-1}"#,
        ]
        let alphabet = Array(#"{}[]:,"\-+.eE0123456789truefalsn u"#.utf8)
        var compared = 0
        for (index, line) in lines.enumerated() {
            for mutated in ByteMutations(of: Array(line.utf8), alphabet: alphabet, count: 500, seed: 11 + UInt64(index)) {
                guard let text = String(validating: mutated, as: UTF8.self) else { continue }
                let ours = try? JSONValue.parse(text)
                let theirs = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
                if let ours, let theirs {
                    #expect(Self.same(ours, theirs), "\(text)")
                } else if ours == nil, theirs != nil {
                    #expect(Self.hasRepeatedKey(text) || Self.hasTrailingComma(text), "refused but Foundation reads it: \(text)")
                } else {
                    #expect(ours == nil && theirs == nil, "read but Foundation refuses it: \(text)")
                }
                compared += 1
            }
        }
        #expect(compared > 1_500)
    }

    static func hasTrailingComma(_ text: String) -> Bool {
        text.replacingOccurrences(of: " ", with: "").contains(",]") || text.replacingOccurrences(of: " ", with: "").contains(",}")
    }

    static func hasRepeatedKey(_ text: String) -> Bool {
        guard let error = (Result { try JSONValue.parse(text) }).failure else { return false }
        return "\(error)".contains("appears twice")
    }

    static func same(_ value: JSONValue, _ other: Any) -> Bool {
        switch value {
        case .null: return other is NSNull
        case .bool(let flag): return (other as? NSNumber).map { String(cString: $0.objCType) == "c" && $0.boolValue == flag } ?? false
        case .integer(let integer): return (other as? NSNumber)?.int64Value == Int64(integer)
        case .number(let number): return (other as? NSNumber)?.doubleValue == number
        case .string(let text): return (other as? String) == text
        case .array(let items):
            guard let others = other as? [Any], others.count == items.count else { return false }
            return zip(items, others).allSatisfy { same($0, $1) }
        case .object(let object):
            guard let others = other as? [String: Any], others.count == object.members.count else { return false }
            return object.members.allSatisfy { member in others[member.key].map { same(member.value, $0) } ?? false }
        }
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
