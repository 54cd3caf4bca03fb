import Foundation
import Testing
@testable import GPUCICommands

/// `gpuci scenario import|generate|check` through the built executable.
@Suite struct ScenarioCommandTests {
    @Test func importReproducesTheShippedScenario() throws {
        let fixtures = "Tests/GPUCISimulationTests/Fixtures/e2e_test"
        let run = try SimulateCommandTests.gpuci(["scenario", "import", "\(fixtures)/router", "\(fixtures)/embeddings", "--name", "gateway-e2e"])
        #expect(run.status == 0, "\(run.stderr)")
        let shipped = try String(contentsOf: SimulateCommandTests.root.appendingPathComponent("Scenarios/gateway-e2e.yaml"), encoding: .utf8)
        #expect(run.stdout == shipped)
    }

    @Test func generateIsSeededAndSimulates() throws {
        let a = try SimulateCommandTests.gpuci(["scenario", "generate", "--tests", "40", "--models", "5", "--seed", "11"])
        let b = try SimulateCommandTests.gpuci(["scenario", "generate", "--tests", "40", "--models", "5", "--seed", "11"])
        #expect(a.status == 0 && a.stdout == b.stdout)
        let path = try SimulateCommandTests.temporaryFile("generated.yaml", a.stdout)
        let check = try SimulateCommandTests.gpuci(["scenario", "check", path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.hasPrefix("40 tests; requirements: "))
        let simulate = try SimulateCommandTests.gpuci(["simulate", path, "--topology", "4x23028MiB"])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(try SimulateCommandTests.gpuci(["scenario", "generate", "--tests", "0"]).status != 0)
    }

    @Test func importOfAMissingPathFails() throws {
        let run = try SimulateCommandTests.gpuci(["scenario", "import", "no/such/dir"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no/such/dir"))
    }
}
