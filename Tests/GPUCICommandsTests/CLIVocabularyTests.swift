import Foundation
import GPUCISupport
import Testing
@testable import GPUCICommands

/// One CLI vocabulary (issue 10, item 6, in part): did-you-mean for subcommands, suites,
/// scenarios, topologies and backends; `-` as standard output for written files.
@Suite(.serialized)
struct CLIVocabularyTests {
    @Test func suggestionsAreTyposOnly() {
        #expect(Suggestion.closest(to: "simulat", among: ["simulate", "scenario"]) == "simulate")
        #expect(Suggestion.closest(to: "ingets", among: ["ingest", "ingests", "runs"]) == "ingests")
        #expect(Suggestion.closest(to: "plan", among: ["plan", "run"]) == nil)
        #expect(Suggestion.closest(to: "xyz", among: ["topology", "fleet"]) == nil)
        #expect(Suggestion.closest(to: "kiten", among: ["sitting", "kitten"]) == "kitten")
        #expect(Suggestion.phrase(for: "lrU", among: ["mru", "lru"]) == "; did you mean 'lru'?")
    }

    @Test func aMistypedSubcommandIsNamedWithTheNearestOne() throws {
        #expect(GPUCI.subcommandTypo(in: ["simulat", "gateway-e2e"]) == "unknown subcommand 'simulat' of gpuci; did you mean 'simulate'?")
        #expect(GPUCI.subcommandTypo(in: ["plan", "recomend"]) == "unknown subcommand 'recomend' of gpuci plan; did you mean 'recommend'?")
        #expect(GPUCI.subcommandTypo(in: ["simulate", "gateway-e2e"]) == nil)
        #expect(GPUCI.subcommandTypo(in: ["history", "ingest", "ingests.xml"]) == nil)
        #expect(GPUCI.subcommandTypo(in: ["help", "simulate"]) == nil)
        let result = try PlanCLI.run(["histroy", "runs"])
        #expect(result.status == 64 && result.stderr == "Error: unknown subcommand 'histroy' of gpuci; did you mean 'history'?\n")
    }

    @Test func mistypedNamesGetTheNearestOne() throws {
        let suite = try PlanCLI.run(["plan", "--suite", "base-b-test-1-gpu-smal"])
        #expect(suite.status != 0 && suite.stderr.contains("did you mean 'base-b-test-1-gpu-small'?"), "\(suite.stderr)")
        let scenario = try PlanCLI.run(["simulate", "gateway-e2"])
        #expect(scenario.status != 0 && scenario.stderr.contains("did you mean 'gateway-e2e'?"))
        let topology = try PlanCLI.run(["topology", "show", "a10-5"])
        #expect(topology.status != 0 && topology.stderr.contains("did you mean 'a10-4'?"), "\(topology.stderr)")
        let backend = try PlanCLI.run(["plan", "--backend", "cude"])
        #expect(backend.status != 0 && backend.stderr.contains("did you mean 'cuda'?"), "\(backend.stderr)")
    }

    @Test func scenarioListNamesTheBundledScenarios() throws {
        let result = try PlanCLI.run(["scenario", "list"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("scenario") == true)
        let gateway = try #require(lines.first { $0.hasPrefix("gateway-e2e ") })
        #expect(gateway.split(separator: " ", omittingEmptySubsequences: true) == ["gateway-e2e", "a10-4", "26"])
        #expect(!lines.contains { $0.hasPrefix("models") })
    }

    /// `scenario check` runs every check `simulate` runs: a runner too small for a test fails both.
    @Test func scenarioCheckFailsWhereSimulateFails() throws {
        let fits = try PlanCLI.run(["scenario", "check", "gateway-e2e"])
        #expect(fits.status == 0 && fits.stdout.contains("collects on a10-4"), "\(fits.stderr)")
        let check = try PlanCLI.run(["scenario", "check", "gateway-e2e", "--topology", "1x80GB"])
        let simulate = try PlanCLI.run(["simulate", "gateway-e2e", "--topology", "1x80GB"])
        #expect(check.status != 0 && simulate.status != 0)
        #expect(check.stderr.contains("GPU REQUIREMENTS EXCEEDED") && check.stderr == simulate.stderr)
    }

    @Test func planRecommendHasAJSONForm() throws {
        let result = try PlanCLI.run(["plan", "recommend", "--backend", "cuda", "--suite", "base-b-test-1-gpu-small",
                                      "--timeout", "30m", "--overhead", "2m", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let suite = try #require((document["suites"] as? [[String: Any]])?.first)
        #expect(suite["suite"] as? String == "base-b-test-1-gpu-small" && suite["timeoutSeconds"] as? Double == 1800)
        let recommendation = try #require(suite["recommendation"] as? [String: Any])
        #expect(recommendation["partitions"] as? Int == 7 && recommendation["provedMinimal"] as? Bool == true)
    }

    @Test func aDashWritesToStandardOutputAndTheReportMovesToStandardError() throws {
        let folder = try PlanCLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try GPUCIExecutable.run(["simulate", "gateway-e2e", "--svg", "-"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("<svg ") && result.stderr.hasPrefix("scenario gateway-e2e on a10-4"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("-").path))
        let two = try GPUCIExecutable.run(["simulate", "gateway-e2e", "--svg", "-", "--trace", "-"], in: folder)
        #expect(two.status != 0 && two.stderr.contains("only one output can be standard output (-)"))
    }
}
