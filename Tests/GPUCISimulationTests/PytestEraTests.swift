import Foundation
import Testing
import GPUCIPool
import GPUCITopology
import GPUCISupport
@testable import GPUCISimulation

/// The newer-style tree (function-scoped `setup_backend`, `pytest.param(…, marks=skip)`, skipif,
/// bases across modules, imported `Test*` classes, `__test__ = False`) against what real pytest
/// collected from it (`Fixtures/e2e_test_v2.expected.json`, written by contrib/pytest-gpuci and
/// checked against pytest from PyPI in CI), and the sessions the two eras' rules give.
struct PytestEraTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let tree = fixtures + "/e2e_test_v2"

    static func imported() throws -> PytestCollection {
        try PytestCollector.session(paths: ["chat", "embeddings", "pd", "router"].map { tree + "/" + $0 })
    }

    static func withoutLines(_ items: [TestItem]) -> [TestItem] {
        items.map { item in
            var item = item
            item.line = nil
            return item
        }
    }

    @Test func theStaticImportEqualsRealPytestItemForItem() throws {
        let collection = try Self.imported()
        let pytest = try ScenarioParser.load(path: Self.fixtures + "/e2e_test_v2.expected.json")
        #expect(collection.items.map(\.id) == pytest.tests.map(\.id))
        #expect(collection.items.map(\.skip) == pytest.tests.map(\.skip))
        let ours = Self.withoutLines(collection.items), theirs = Self.withoutLines(pytest.tests)
        for (a, b) in zip(ours, theirs) { #expect(a == b, "\(a.id)") }
        #expect(collection.fixtureScopes == pytest.fixtureScopes)
        #expect(pytest.tests.filter { $0.skip != nil }.count == 7)
        // What is left to pytest is said, once per condition.
        #expect(collection.notes.count == 3)
        #expect(collection.notes.contains { $0.hasPrefix("pd/test_pd_routing.py:13: skipif condition is not a literal") })
    }

    @Test func theCollectOnlyListIsTheSameOrder() throws {
        let listed = try String(contentsOfFile: Self.fixtures + "/e2e_test_v2.collect-only.txt", encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        #expect(try Self.imported().items.map(\.id) == listed)
    }

    @Test func theAnchorTreeStillGroupsByClassAndSaysTheScopeWasAssumed() throws {
        let collection = try PytestCollector.session(paths: [PytestCollectorTests.fixtures + "/router"])
        #expect(collection.items.first?.id == "router/test_mmlu.py::TestMMLU::test_mmlu_basic[grpc]")
        #expect(collection.items[1].id == "router/test_mmlu.py::TestMMLU::test_mmlu_extended[grpc]")
        #expect(collection.fixtureScopes.isEmpty)
        #expect(collection.notes.contains { $0.contains("setup_backend is not defined") })
    }

    /// A scenario of two classes on a 1-GPU runner: PD needs two GPUs.
    static func scenario(scope: FixtureScope?) -> Scenario {
        func item(_ id: String, backend: String, workers: WorkersMarker? = nil, skip: String? = nil) -> TestItem {
            var markers = TestMarkers()
            markers.e2e = true
            markers.workers = workers
            markers.parametrize = [ParametrizeMarker(argnames: "setup_backend", values: [.scalar(backend)], indirect: true)]
            var item = TestItem(id: id, markers: markers, params: ["setup_backend": .scalar(backend)])
            item.skip = skip
            return item
        }
        var scenario = Scenario(name: "eras", topology: "1x80GB", tests: [
            item("t/test_a.py::TestA::test_one[http]", backend: "http"),
            item("t/test_a.py::TestA::test_two[http]", backend: "http"),
            item("t/test_a.py::TestA::test_off[http]", backend: "http", skip: "not today"),
            item("t/test_b.py::TestPD::test_pd[pd]", backend: "pd", workers: WorkersMarker(count: nil, prefill: 1, decode: 1)),
        ])
        if let scope { scenario.fixtureScopes["setup_backend"] = scope }
        return scenario
    }

    @Test func anchorRulesAbortWhereLaterRulesSkip() throws {
        let topology = try TopologyLoader.load("1x80GB")
        let anchor = try SessionSimulator.run(Self.scenario(scope: nil), topology: topology, catalog: ModelCatalog.bundled())
        #expect(anchor.profile == .anchor)
        #expect(anchor.collectionError?.contains("t/test_b.py::TestPD::test_pd[pd]") == true)
        #expect(anchor.tests.isEmpty)

        let later = try SessionSimulator.run(Self.scenario(scope: .function), topology: topology, catalog: ModelCatalog.bundled())
        #expect(later.profile == .later)
        #expect(later.collectionError == nil)
        #expect(later.tests.map(\.status) == [.passed, .passed, .skipped, .skipped])
        #expect(later.tests[2].reason == "not today")
        #expect(later.tests[3].reason == "needs 2 GPUs, the runner has 1")
        #expect(later.requirements == ["llama-8b:http"])
        // A skipped item sets up nothing: no gateway, no setup of its own fixture.
        #expect(!later.events.contains { $0.test == "t/test_a.py::TestA::test_off[http]" && $0.kind == .gatewayStart })
    }

    @Test func aFunctionScopedBackendStartsAGatewayPerItem() throws {
        let topology = try TopologyLoader.load("1x80GB")
        var classScoped = Self.scenario(scope: .class)
        classScoped.tests.removeLast()
        var functionScoped = Self.scenario(scope: .function)
        functionScoped.tests.removeLast()
        let perClass = try SessionSimulator.run(classScoped, topology: topology, catalog: ModelCatalog.bundled())
        let perItem = try SessionSimulator.run(functionScoped, topology: topology, catalog: ModelCatalog.bundled())
        #expect(perClass.events.filter { $0.kind == .gatewayStart }.count == 1)
        #expect(perItem.events.filter { $0.kind == .gatewayStart }.count == 2)
        #expect(perItem.events.filter { $0.kind == .gatewayStop }.count == 2)
        #expect(perItem.tests.map(\.status) == [.passed, .passed, .skipped])
        // The profile can be forced: anchor rules on a function-scoped tree still run per item.
        let forced = try SessionSimulator.run(functionScoped, topology: topology, catalog: ModelCatalog.bundled(), profile: .anchor)
        #expect(forced.profile == .anchor && forced.events.filter { $0.kind == .gatewayStart }.count == 2)
    }

    @Test func skipAndScopesRoundTripThroughTheWriter() throws {
        var scenario = Self.scenario(scope: .function)
        scenario.profile = .later
        let text = ScenarioWriter.yaml(scenario)
        let read = try ScenarioParser.parse(text, file: "round.yaml")
        #expect(Self.withoutLines(read.tests) == scenario.tests)
        #expect(read.fixtureScopes == ["setup_backend": .function] && read.profile == .later)
        #expect(throws: (any Error).self) { try ScenarioParser.parse(text.replacingOccurrences(of: "setup_backend: function", with: "setup_backend: weekly"), file: "bad.yaml") }
        #expect(throws: (any Error).self) { try ScenarioParser.parse(text.replacingOccurrences(of: "profile: later", with: "profile: 2027"), file: "bad.yaml") }
    }

    @Test func theNewerTreeSimulatesUnderTheLaterRules() throws {
        let collection = try Self.imported()
        var scenario = Scenario(name: "v2", topology: "a10-4", tests: collection.items)
        scenario.fixtureScopes = collection.fixtureScopes
        let result = try SessionSimulator.run(scenario, topology: TopologyLoader.load("a10-4"), catalog: ModelCatalog.bundled())
        #expect(result.profile == .later)
        let skipped = Set(collection.items.filter { $0.skip != nil }.map(\.id))
        #expect(Set(result.tests.filter { $0.status == .skipped }.map(\.id)).isSuperset(of: skipped))
        // One gateway per running item with a backend (function scope), none for a skipped one.
        let running = collection.items.filter { $0.skip == nil && $0.setupBackend != nil }.map(\.id)
        let owners = Set(result.events.filter { $0.kind == .gatewayStart }.map(\.key))
        #expect(Set(running).subtracting(result.tests.filter { $0.status == .skipped }.map(\.id)).isSubset(of: owners))
        #expect(owners.isDisjoint(with: skipped))
    }

    /// The tree with one file damaged at seeded random points: a collection or one located error.
    @Test func damagedTreesNeverCrash() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-v2-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: Self.tree, toPath: copy.path)
        defer { try? FileManager.default.removeItem(at: copy) }
        let files = ["conftest.py", "chat/chat_base.py", "chat/test_chat_local.py", "pd/test_pd_policies.py", "router/test_mmlu.py"]
        let originals = try files.map { try Array(String(contentsOf: copy.appendingPathComponent($0), encoding: .utf8).utf8) }
        let noise = Array("()[]:,=.'\"\n @fromimport*".utf8)
        var random = SplitMix64(seed: 41)
        for _ in 0..<150 {
            let pick = Int(random.next() % UInt64(files.count))
            var bytes = originals[pick]
            for _ in 0..<(1 + random.next() % 4) {
                bytes[Int(random.next() % UInt64(bytes.count))] = noise[Int(random.next() % UInt64(noise.count))]
            }
            try Data(bytes).write(to: copy.appendingPathComponent(files[pick]))
            do {
                _ = try PytestCollector.session(paths: [copy.path])
            } catch {
                #expect(error.location?.file.hasSuffix(".py") == true, "\(error)")
            }
            try Data(originals[pick]).write(to: copy.appendingPathComponent(files[pick]))
        }
    }
}
