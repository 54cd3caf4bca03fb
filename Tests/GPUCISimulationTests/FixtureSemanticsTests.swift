import GPUCIPool
import GPUCITopology
@testable import GPUCISimulation
import Testing

/// The fixture paths of §4.6: class-scoped acquisition, cached fixture errors, gateway timeouts, Belady hints.
@Suite struct FixtureSemanticsTests {
    static func item(_ id: String, model: String, backend: String, workers: String? = nil, extra: String = "") -> String {
        """
          - id: "\(id)"
            markers: {model: \(model)\(workers.map { ", workers: \($0)" } ?? ""), parametrize: [{argnames: setup_backend, values: [\(backend)]}]}
            params: {setup_backend: \(backend)}
        \(extra)

        """
    }

    /// While a class holds its worker, a body's own `get` cannot evict it.
    @Test func acquiredWorkersAreNotEvicted() throws {
        let yaml = "topology: 1x24GB\ntests:\n"
            + Self.item("a.py::TestA::test_1[http]", model: "llama-8b", backend: "http",
                        extra: "    uses: [{model: qwen-7b, mode: http}]")
            + Self.item("b.py::TestB::test_1[http]", model: "qwen-7b", backend: "http")
        let result = try SessionSimulatorTests.run(yaml, topology: "1x24GB")
        #expect(result.tests.map(\.status) == [.failed, .passed])
        #expect(result.tests[0].reason?.contains("only 0 available after eviction") == true)
        #expect(result.evictedKeys == ["llama-8b:http"])
    }

    /// A fixture error is cached for the class: every item of the class fails without a second attempt.
    @Test func fixtureErrorsAreCachedPerClass() throws {
        let yaml = "topology: 1x24GB\ntests:\n"
            + Self.item("a.py::TestA::test_1[http]", model: "gpt-oss", backend: "http")
            + Self.item("a.py::TestA::test_2[http]", model: "gpt-oss", backend: "http")
        let scenario = try ScenarioParser.parse(yaml, file: "x.yaml")
        let result = try SessionSimulator.run(scenario, topology: TopologyLoaderShim.topology("2x16GB"),
                                              catalog: ReferenceModels.catalog)
        #expect(result.tests.map(\.status) == [.failed, .failed])
        #expect(result.tests[0].reason == result.tests[1].reason)
        #expect(result.tests[1].setupWait == 0)
    }

    @Test func slowGatewayTimesOut() throws {
        let yaml = "topology: 4x24GB\ntiming: {gatewayStartup: 70}\ntests:\n"
            + Self.item("a.py::TestA::test_1[http]", model: "llama-8b", backend: "http")
            + Self.item("b.py::TestB::test_1[grpc]", model: "llama-8b", backend: "grpc").replacingOccurrences(of: "{model: llama-8b,", with: "{model: llama-8b, gateway: {timeout: 90},")
        let result = try SessionSimulatorTests.run(yaml, topology: "4x24GB")
        #expect(result.tests.map(\.status) == [.failed, .passed])
        #expect(result.tests[0].reason == "TimeoutError: regular gateway not ready within 60 s")
    }

    /// MRU evicts the worker used last; Belady keeps the one needed next.
    @Test func beladyKeepsTheWorkerNeededNext() throws {
        let yaml = "topology: 2x24GB\ntests:\n"
            + Self.item("a.py::TestA::test_1[http]", model: "llama-8b", backend: "http")
            + Self.item("b.py::TestB::test_1[http]", model: "qwen-7b", backend: "http")
            + Self.item("c.py::TestC::test_1[http]", model: "mistral-7b", backend: "http")
            + Self.item("d.py::TestD::test_1[http]", model: "qwen-7b", backend: "http")
        let mru = try SessionSimulatorTests.run(yaml, topology: "2x24GB", eviction: .mru)
        let belady = try SessionSimulatorTests.run(yaml, topology: "2x24GB", eviction: .belady)
        #expect(mru.evictedKeys == ["qwen-7b:http", "mistral-7b:http"])
        #expect(belady.evictedKeys == ["llama-8b:http"])
        #expect(belady.launches == 3)
        #expect(mru.launches == 4)
    }
}

enum TopologyLoaderShim {
    static func topology(_ spec: String) throws -> GPUCITopology.Topology { try GPUCITopology.TopologyLoader.load(spec) }
}

@Suite struct OwnEvictionTests {
    /// `launch_workers` evicts without exclusions: topping one existing worker up to two on a
    /// two-GPU runner whose other GPU is taken stops the existing (most recently used) one, and the
    /// gateway never sees it.
    @Test func launchWorkersCanEvictTheFixturesOwnWorker() throws {
        let yaml = "topology: 2x24GB\ntests:\n"
            + FixtureSemanticsTests.item("a.py::TestA::test_1[http]", model: "qwen-7b", backend: "http")
            + FixtureSemanticsTests.item("b.py::TestB::test_1[http]", model: "llama-8b", backend: "http")
            + FixtureSemanticsTests.item("c.py::TestC::test_1[http]", model: "llama-8b", backend: "http", workers: "{count: 2}")
        let result = try SessionSimulatorTests.run(yaml, topology: "2x24GB")
        #expect(result.tests.map(\.status) == [.passed, .passed, .failed])
        #expect(result.tests[2].reason == "TimeoutError: gateway never saw llama-8b:http (evicted by this fixture's own launch_workers)")
        #expect(result.evictedKeys.first == "llama-8b:http")
    }
}
