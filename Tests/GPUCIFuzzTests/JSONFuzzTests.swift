import Foundation
@testable import GPUCISimulation
@testable import GPUCISupport
import GPUCITestSupport
import GPUCITopology
import Testing
import Yams

/// The streaming writer against `JSONEncoder` (through `JSONOutput`) on seeded random documents:
/// the same bytes, pretty and compact.
@Suite struct JSONStreamWriterTests {
    /// A JSON value `JSONEncoder` encodes the usual way (objects through a keyed container).
    indirect enum Tree: Encodable {
        case string(String), integer(Int), number(Double), bool(Bool), array([Tree]), object([String: Tree])

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case let .string(value): var box = encoder.singleValueContainer(); try box.encode(value)
            case let .integer(value): var box = encoder.singleValueContainer(); try box.encode(value)
            case let .number(value): var box = encoder.singleValueContainer(); try box.encode(value)
            case let .bool(value): var box = encoder.singleValueContainer(); try box.encode(value)
            case let .array(elements):
                var list = encoder.unkeyedContainer()
                for element in elements { try list.encode(element) }
            case let .object(members):
                var map = encoder.container(keyedBy: Key.self)
                for (key, value) in members { try map.encode(value, forKey: Key(stringValue: key)) }
            }
        }

        func write(to out: inout JSONStreamWriter) {
            switch self {
            case let .string(value): out.string(value)
            case let .integer(value): out.integer(value)
            case let .number(value): out.number(value)
            case let .bool(value): out.bool(value)
            case let .array(elements):
                out.beginArray()
                for element in elements { element.write(to: &out) }
                out.endArray()
            case let .object(members):
                out.beginObject()
                for (key, value) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    out.key(key)
                    value.write(to: &out)
                }
                out.endObject()
            }
        }
    }

    static func text(_ random: inout SplitMix64) -> String {
        let pool: [Unicode.Scalar] = (0..<0x20).map { Unicode.Scalar($0)! }
            + ["\"", "\\", "/", "a", "Z", "_", "0", "9", " ", "\u{7F}", "é", "\u{2028}", "😀", "\u{FEFF}"]
        return String(String.UnicodeScalarView((0..<Int(random.next() % 9)).map { _ in pool[Int(random.next() % UInt64(pool.count))] }))
    }

    static func number(_ random: inout SplitMix64) -> Double {
        let special: [Double] = [0, -0.0, 1, -1, 0.1, 1e-7, 2.5e-5, 1e15, 1e15 - 1, 1e16, 9007199254740993, 1e300,
                                 -1e-300, 0.30000000000000004, 36.1, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        switch random.next() % 4 {
        case 0: return special[Int(random.next() % UInt64(special.count))]
        case 1: return Double(Int64(bitPattern: random.next()) % 10_000_000) / 1_000_000
        case 2: return Double(Int64(bitPattern: random.next()) % 100_000)
        default:
            let value = Double(bitPattern: random.next())
            return value.isFinite ? value : 0.5
        }
    }

    static func tree(_ random: inout SplitMix64, depth: Int) -> Tree {
        switch random.next() % (depth > 3 ? 4 : 6) {
        case 0: return .string(text(&random))
        case 1: return .integer(Int(bitPattern: UInt(random.next())) >> Int(random.next() % 64))
        case 2: return .number(number(&random))
        case 3: return .bool(random.next() % 2 == 0)
        case 4: return .array((0..<Int(random.next() % 4)).map { _ in tree(&random, depth: depth + 1) })
        default:
            var members: [String: Tree] = [:]
            for _ in 0..<Int(random.next() % 5) { members[text(&random)] = tree(&random, depth: depth + 1) }
            return .object(members)
        }
    }

    @Test(arguments: [false, true]) func sameBytesAsJSONEncoder(pretty: Bool) throws {
        var random = SplitMix64(seed: pretty ? 11 : 12)
        for _ in 0..<2_000 {
            let document = Self.tree(&random, depth: 0)
            var out = JSONStreamWriter(pretty: pretty)
            document.write(to: &out)
            let expected = try JSONOutput.string(document, pretty: pretty)
            #expect(out.text == expected)
            if out.text != expected { return }
        }
    }

    @Test func helpersWriteWhatTheirNamesSay() {
        var out = JSONStreamWriter(pretty: false)
        out.beginObject()
        out.key("a"); out.integers([3, -1, 0])
        out.key("absent", ifPresent: nil)
        out.key("b"); out.strings(["x\ny", ""])
        out.key("c", ifPresent: "tab\there")
        out.endObject()
        #expect(out.text == #"{"a":[3,-1,0],"b":["x\ny",""],"c":"tab\there"}"#)
    }
}

/// The JSON path of `YAMLNode.parse` against Yams on the same texts: wherever Yams reads a text
/// the JSON path also reads, the trees are the same — scalar text and style, marks (so every
/// message's line and column), order — and a scenario read from JSON equals the one read from YAML.
@Suite struct JSONNodesTests {
    /// The first difference between two trees, or `nil`.
    static func difference(_ fast: Node, _ yams: Node, at path: String = "$") -> String? {
        guard fast.mark?.line == yams.mark?.line, fast.mark?.column == yams.mark?.column else {
            return "\(path): mark \(fast.mark.map(String.init(describing:)) ?? "-") vs \(yams.mark.map(String.init(describing:)) ?? "-")"
        }
        switch (fast, yams) {
        case let (.scalar(a), .scalar(b)):
            return a.string == b.string && a.style == b.style ? nil : "\(path): scalar \(a.string.debugDescription)/\(a.style) vs \(b.string.debugDescription)/\(b.style)"
        case let (.sequence(a), .sequence(b)):
            guard a.count == b.count else { return "\(path): \(a.count) vs \(b.count) items" }
            for index in a.indices {
                if let found = difference(a[index], b[index], at: "\(path)[\(index)]") { return found }
            }
            return nil
        case let (.mapping(a), .mapping(b)):
            guard a.count == b.count else { return "\(path): \(a.count) vs \(b.count) keys" }
            for index in a.indices {
                let (keyA, valueA) = a[index], (keyB, valueB) = b[index]
                if let found = difference(keyA, keyB, at: "\(path).key\(index)") ?? difference(valueA, valueB, at: "\(path).\(keyA.string ?? "?")") {
                    return found
                }
            }
            return nil
        default: return "\(path): different kinds"
        }
    }

    enum Outcome { case leftToYams, readWhereYamsRefuses, sameAsYams }

    /// Checks one text.
    @discardableResult
    static func check(_ text: String, _ label: String) -> Outcome {
        guard let fast = JSONNodes.parse(text) else { return .leftToYams }
        // Strict JSON that Yams refuses (a surrogate pair escape, a long key) is read, not refused.
        guard let yams = try? Yams.compose(yaml: text, .basic) else { return .readWhereYamsRefuses }
        let found = difference(fast, yams)
        #expect(found == nil, "\(label): \(found ?? "")")
        return .sameAsYams
    }

    @Test func randomDocumentsGiveYamsTrees() throws {
        var random = SplitMix64(seed: 2026)
        var outcomes: [Outcome: Int] = [:]
        for index in 0..<1_500 {
            var out = JSONStreamWriter(pretty: index % 2 == 0)
            JSONStreamWriterTests.Tree.object(["doc": JSONStreamWriterTests.tree(&random, depth: 1)]).write(to: &out)
            var text = out.text
            if index % 3 == 0 { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
            outcomes[Self.check(text, "document \(index)"), default: 0] += 1
        }
        // Texts with a raw LS or byte order mark are Yams' (the pool of characters has both).
        #expect(outcomes[.sameAsYams, default: 0] > 1_000, "\(outcomes)")
    }

    @Test func damagedScenarioJSONIsReadAsYamsReadsIt() throws {
        var options = ScenarioGenerator.Options(tests: 40, models: 6, seed: 9)
        options.pdShare = 0.4
        let seed = Array(ScenarioWriter.json(try ScenarioGenerator.generate(options)).utf8)
        let alphabet = Array("[]{}:,\"\\ \n\r\t0123456789.-eE+tfnulé".utf8)
        var outcomes: [Outcome: Int] = [:]
        for (index, bytes) in ByteMutations(of: seed, alphabet: alphabet, count: 1_000, seed: 77).enumerated() {
            outcomes[Self.check(String(decoding: bytes, as: UTF8.self), "mutation \(index)"), default: 0] += 1
        }
        #expect(outcomes[.sameAsYams, default: 0] > 100, "mutations should leave many texts strict JSON: \(outcomes)")
        #expect(outcomes[.leftToYams, default: 0] > 100, "and break many: \(outcomes)")
    }

    @Test func scenarioReadFromJSONEqualsItsYAML() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var scenarios: [Scenario] = []
        for name in ["gateway-e2e", "gateway-benchmarks", "stress-pd-heavy", "stress-300-tests-24-models", "stress-600-tests-h200"] {
            scenarios.append(try ScenarioParser.load(path: root.appendingPathComponent("Scenarios/\(name).yaml").path))
        }
        var options = ScenarioGenerator.Options(tests: 500, models: 20, seed: 4)
        options.pdShare = 0.3
        scenarios.append(try ScenarioGenerator.generate(options))
        for scenario in scenarios {
            let json = ScenarioWriter.json(scenario)
            #expect(Self.check(json, scenario.name) == .sameAsYams, "\(scenario.name): the JSON path should read the writer's JSON")
            // Lines differ between the two texts; everything else must not.
            func withoutLines(_ scenario: Scenario) -> Scenario {
                var copy = scenario
                for index in copy.tests.indices { copy.tests[index].line = nil }
                for index in copy.models.indices { copy.models[index].line = nil }
                return copy
            }
            let fromJSON = try ScenarioParser.parse(json, file: "s.json")
            let fromYAML = try ScenarioParser.parse(ScenarioWriter.yaml(scenario), file: "s.json")
            #expect(withoutLines(fromJSON) == withoutLines(fromYAML), "\(scenario.name)")
            #expect(fromJSON.tests.first?.line != nil)
            #expect(fromJSON.tests.count == scenario.tests.count)
        }
    }

    @Test func aMistakeInJSONIsReportedWhereItIs() throws {
        let text = "{\n  \"name\": \"x\",\n  \"topology\": \"a10-4\",\n  \"tests\": [\n    {\"id\": \"a.py::t\", \"secs\": 3}\n  ]\n}\n"
        #expect(Self.check(text, "unknown key") == .sameAsYams)
        #expect(throws: InputError.self) { try ScenarioParser.parse(text, file: "s.json") }
        do {
            _ = try ScenarioParser.parse(text, file: "s.json")
        } catch {
            #expect(error.location?.line == 5)
            #expect(error.description.contains("secs"))
        }
    }

    @Test func textsThatAreNotStrictJSONGoToYams() {
        for text in ["name: x\n", "{a: 1}", "[1, 2,]", "\u{FEFF}{}", "{\"a\": \"\u{2028}\"}", "{\"a\": 1} # note", "  \n"] {
            #expect(JSONNodes.parse(text) == nil, "\(text.debugDescription)")
        }
    }
}
