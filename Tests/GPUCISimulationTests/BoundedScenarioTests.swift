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
}
