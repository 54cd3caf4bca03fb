import GPUCISupport
@testable import GPUCISimulation
import Testing

/// Scenario numbers that once trapped, hung or exhausted memory get located errors (repros 09–11).
@Suite struct BoundedScenarioTests {
    static func replacing(_ old: String, _ new: String) -> String {
        ScenarioParserTests.good.replacingOccurrences(of: old, with: new)
    }

    @Test(arguments: [
        ("seconds: 30", "seconds: 5e12", "tests[0].seconds: expected a number from 0 to 2592000"),
        ("testSeconds: 12", "testSeconds: 1e13", "timing.testSeconds: expected a number from 0 to 2592000"),
        ("healthCheckInterval: 2", "healthCheckInterval: 6e-7", "timing.healthCheckInterval: expected a number from 0.001 to 3600"),
        ("decode: 1}", "decode: 2147483647}", "workers.decode: expected a whole number from 0 to 4096"),
        ("timeout: 60}", "timeout: 1e300}", "gateway timeout in seconds"),
    ])
    func outOfRangeNumbersAreLocated(old: String, new: String, message: String) {
        let text = Self.replacing(old, new)
        #expect(text != ScenarioParserTests.good)
        #expect {
            _ = try ScenarioParser.parse(text, file: "s.yaml")
        } throws: { error in
            "\(error)".hasPrefix("s.yaml:") && "\(error)".contains(message)
        }
    }

    @Test func theBoundsThemselvesAreAccepted() throws {
        let text = Self.replacing("seconds: 30", "seconds: 2592000").replacingOccurrences(of: "healthCheckInterval: 2", with: "healthCheckInterval: 0.001")
        let scenario = try ScenarioParser.parse(text, file: "s.yaml")
        #expect(scenario.tests[0].seconds == 2_592_000)
    }

    /// One anchored 400-tuple named 400 times: 160,000 values from a few kilobytes (repro 29).
    @Test func aliasAmplificationIsRefusedBeforeItIsRead() {
        let tuple = "[" + Array(repeating: "a", count: 400).joined(separator: ",") + "]"
        let values = "[&v " + tuple + Array(repeating: ", *v", count: 399).joined() + "]"
        let text = "topology: a10-4\ntests:\n  - id: t.py::T::test_a\n    markers: {model: llama-8b, parametrize: [{argnames: x, values: \(values)}]}\n"
        #expect(text.utf8.count < 5000)
        #expect {
            _ = try ScenarioParser.parse(text, file: "bomb.yaml")
        } throws: { error in
            "\(error)".hasPrefix("bomb.yaml:4") && "\(error)".contains("160000 items")
        }
    }

    /// Two stacked parametrize markers of 300 values: 90,000 items from 2 KB of Python (repro 24).
    @Test func parametrizeProductsAreBudgeted() throws {
        let values = "[" + (0..<300).map(String.init).joined(separator: ", ") + "]"
        let source = """
        import pytest

        @pytest.mark.parametrize("a", \(values))
        @pytest.mark.parametrize("b", \(values))
        def test_p(a, b):
            pass
        """
        #expect {
            _ = try PytestCollectorTests.items(source)
        } throws: { error in
            "\(error)".contains("test_m.py:") && "\(error)".contains("more than 10000 items (300 × 300)")
        }
        let small = source.replacingOccurrences(of: "(\"b\", \(values))", with: "(\"b\", [1, 2])")
        #expect(try PytestCollectorTests.items(small).count == 600)
    }
}
