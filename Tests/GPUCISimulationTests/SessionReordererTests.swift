import Foundation
import Testing
import GPUCIPool
import GPUCITopology
@testable import GPUCISimulation

/// `simulate --reorder`: never worse than the given order, a permutation that keeps each class
/// fixture instance together, deterministic, with a valid bound on launches.
struct SessionReordererTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    static func load(_ name: String) throws -> (Scenario, Topology) {
        let scenario = try ScenarioParser.load(path: scenarios.appendingPathComponent(name).path)
        return (scenario, try TopologyLoader.load(scenario.topology))
    }

    @Test(arguments: ["gateway-e2e.yaml", "stress-pd-heavy.yaml"])
    func neverWorseAndAPermutationKeepingFixtureInstances(name: String) throws {
        let (scenario, topology) = try Self.load(name)
        let outcome = try SessionReorderer.search(scenario, topology: topology, catalog: ModelCatalog.bundled(), budget: 60)
        let given = outcome.candidates[0].summary, best = outcome.best.summary
        #expect(best.launches <= given.launches && best.wallSeconds <= given.wallSeconds)
        #expect(outcome.best.order.sorted() == scenario.tests.map(\.id).sorted())
        #expect(outcome.launchLowerBound <= best.launches)
        #expect(outcome.evaluations <= 60)
        // Items of one class and backend stay contiguous and in their order (one fixture instance).
        let position = Dictionary(uniqueKeysWithValues: outcome.best.order.enumerated().map { ($1, $0) })
        for unit in SessionReorderer.units(scenario) where unit.items.count > 1 {
            let places = unit.items.map { position[$0.id] ?? -1 }
            #expect(places == Array(places[0]..<(places[0] + places.count)), "\(unit.items[0].id)")
        }
        let again = try SessionReorderer.search(scenario, topology: topology, catalog: ModelCatalog.bundled(), budget: 60)
        #expect(again.best.order == outcome.best.order)
    }

    @Test func theStressScenarioSavesLaunches() throws {
        let (scenario, topology) = try Self.load("stress-pd-heavy.yaml")
        let outcome = try SessionReorderer.search(scenario, topology: topology, catalog: ModelCatalog.bundled(), budget: 60)
        #expect(outcome.best.summary.launches < outcome.candidates[0].summary.launches)
        #expect(outcome.candidates[1].name == "cluster by backend, model")
        #expect(outcome.candidates[1].summary.launches < outcome.candidates[0].summary.launches)
    }

    @Test func skippedItemsStaySkippedAndTheBoundCountsRunningWorkersOnly() throws {
        var scenario = PytestEraTests.scenario(scope: .function)
        scenario.tests.removeLast()
        let topology = try TopologyLoader.load("1x80GB")
        let outcome = try SessionReorderer.search(scenario, topology: topology, catalog: ModelCatalog.bundled())
        #expect(outcome.launchLowerBound == 1)
        #expect(outcome.best.summary.skipped == ["t/test_a.py::TestA::test_off[http]"])
        #expect(SessionReorderer.units(scenario).count == 3)
    }
}

/// The bound's GPU term: workers held pairwise together that cannot all be up at once force a
/// second launch of one of them, in every order.
struct LaunchBoundTests {
    /// Three tp-2 models on 4 GPUs, each pair used by one test: any two fit, the three do not.
    static let triangle = """
        topology: 4x24GB
        models: [{id: a, memoryGB: 10, tp: 2}, {id: b, memoryGB: 10, tp: 2}, {id: c, memoryGB: 10, tp: 2}]
        timing: {spawnSeconds: 0, testSeconds: 10}
        tests:
          - {id: t.py::test_ab, uses: [{model: a, mode: http}, {model: b, mode: http}]}
          - {id: t.py::test_bc, uses: [{model: b, mode: http}, {model: c, mode: http}]}
          - {id: t.py::test_ca, uses: [{model: c, mode: http}, {model: a, mode: http}]}
        """

    @Test func aTriangleThatDoesNotFitForcesOneMoreLaunch() throws {
        let scenario = try ScenarioParser.parse(Self.triangle, file: "triangle.yaml")
        let topology = try TopologyLoader.load("4x24GB")
        let outcome = try SessionReorderer.search(scenario, topology: topology, catalog: ModelCatalog.bundled())
        #expect(outcome.launchLowerBound == 4 && outcome.forcedRelaunches == 1)
        #expect(outcome.best.summary.failed.isEmpty)
        // The reference's scan also pre-launches the default model (llama-8b:http) for unmarked
        // items, which no test uses: one launch above the bound, in every order.
        #expect(outcome.best.summary.launches == 5)
        // On 7 GPUs the three fit together (with that default worker): one launch each.
        let wide = try SessionReorderer.search(scenario, topology: TopologyLoader.load("7x24GB"), catalog: ModelCatalog.bundled())
        #expect(wide.launchLowerBound == 3 && wide.forcedRelaunches == 0)
        #expect(wide.best.summary.launches == 4 && wide.best.summary.evictions == 0)
    }

    /// On seeded scenarios with every test run, no simulated order beats the bound.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func noOrderBeatsTheBound(seed: UInt64) throws {
        var options = ScenarioGenerator.Options(tests: 60, models: 6, seed: seed)
        options.pdShare = 0.3
        let scenario = try ScenarioGenerator.generate(options)
        for name in ["4x23028MiB", "8x23028MiB"] {
            let topology = try TopologyLoader.load(name)
            let outcome = try SessionReorderer.search(scenario, topology: topology, catalog: ModelCatalog.bundled(), budget: 12)
            for candidate in outcome.candidates where candidate.summary.failed.isEmpty {
                #expect(candidate.summary.launches >= outcome.launchLowerBound, "seed \(seed) on \(name): \(candidate.name)")
            }
        }
    }
}

/// The log comes out of the engine in (time, seq) order, unsorted afterwards.
struct SessionLogOrderTests {
    @Test(arguments: ["gateway-e2e.yaml", "gateway-benchmarks.yaml", "stress-pd-heavy.yaml", "stress-300-tests-24-models.yaml"])
    func theLogIsInTimeOrder(name: String) throws {
        let (scenario, topology) = try SessionReordererTests.load(name)
        for eviction in [EvictionPolicy.mru, .belady] {
            let events = try SessionSimulator.run(scenario, topology: topology, catalog: ModelCatalog.bundled(), eviction: eviction).events
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.time < $1.time || ($0.time == $1.time && $0.seq < $1.seq) })
        }
    }
}
