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
