import Foundation
import GPUCIPool
@testable import GPUCISimulation
import GPUCITopology
import Testing

@Suite struct SessionSimulatorTests {
    static let a10x4 = "4x23028MiB"

    static func run(_ yaml: String, topology: String = a10x4, eviction: EvictionPolicy = .mru,
                    allocation: AllocationPolicy = .ordered) throws -> SessionResult {
        let scenario = try ScenarioParser.parse(yaml, file: "inline.yaml")
        return try SessionSimulator.run(scenario, topology: TopologyLoader.load(topology), catalog: ReferenceModels.catalog,
                                        eviction: eviction, allocation: allocation)
    }

    static let benchmarks = """
    topology: a10-4
    tests:
      - id: benchmarks/test_pd_perf.py::TestPDPerf::test_pd_perf[pd]
        markers: {e2e: true, workers: {prefill: 2, decode: 2}, parametrize: [{argnames: setup_backend, values: [pd], indirect: true}]}
        params: {setup_backend: pd}
        seconds: 300
      - id: benchmarks/test_regular_perf.py::TestRegularPerf::test_regular_perf[http]
        markers: {e2e: true, workers: {count: 4}, gateway: {policy: cache_aware}, parametrize: [{argnames: setup_backend, values: [http, grpc], indirect: true}]}
        params: {setup_backend: http}
        seconds: 300
      - id: benchmarks/test_regular_perf.py::TestRegularPerf::test_regular_perf[grpc]
        markers: {e2e: true, workers: {count: 4}, gateway: {policy: cache_aware}, parametrize: [{argnames: setup_backend, values: [http, grpc], indirect: true}]}
        params: {setup_backend: grpc}
        seconds: 300
    """

    /// Notes §8.14: PD-first llama-8b, regular ×4 http then ×4 grpc each evict the whole previous set.
    @Test func workedExample14Benchmarks() throws {
        let result = try Self.run(Self.benchmarks)
        #expect(result.requirements == ["llama-8b:http:prefill_0", "llama-8b:http:prefill_1",
                                        "llama-8b:http:decode_0", "llama-8b:http:decode_1"])
        #expect(result.maxTestGPUs == 4)
        #expect(result.maxTestName == "benchmarks/test_pd_perf.py::TestPDPerf::test_pd_perf[pd]")
        let launches = result.events.filter { $0.kind == .launch }.map { "\($0.key)@\($0.gpus)" }
        #expect(launches == [
            "llama-8b:http:prefill_0@[0]", "llama-8b:http:prefill_1@[1]", "llama-8b:http:decode_0@[2]", "llama-8b:http:decode_1@[3]",
            "llama-8b:http@[0]", "llama-8b:http:1@[1]", "llama-8b:http:2@[2]", "llama-8b:http:3@[3]",
            "llama-8b:grpc@[0]", "llama-8b:grpc:1@[1]", "llama-8b:grpc:2@[2]", "llama-8b:grpc:3@[3]",
        ])
        let evictions = result.events.filter { $0.kind == .evict }
        #expect(Set(evictions.prefix(4).map(\.key)) == ["llama-8b:http:prefill_0", "llama-8b:http:prefill_1",
                                                        "llama-8b:http:decode_0", "llama-8b:http:decode_1"])
        #expect(Set(evictions.suffix(4).map(\.key)) == ["llama-8b:http", "llama-8b:http:1", "llama-8b:http:2", "llama-8b:http:3"])
        #expect(evictions.prefix(4).allSatisfy { $0.test == "benchmarks/test_regular_perf.py::TestRegularPerf::test_regular_perf[http]" })
        #expect(evictions.suffix(4).allSatisfy { $0.test == "benchmarks/test_regular_perf.py::TestRegularPerf::test_regular_perf[grpc]" })
        #expect(result.failedTests.isEmpty)
    }

    /// Notes §8.16: the §8.15 list started on 8×H100 — the first eight identities get GPUs 0…7.
    @Test func workedExample16StartupOnH100() throws {
        var lines = ["topology: 8x81559MiB", "tests:"]
        for item in CollectionScanTests.worked15 {
            let backends = item.markers.parametrize.first?.values.map(\.description) ?? []
            var markers: [String] = []
            if let model = item.markers.model { markers.append("model: \(model)") }
            if item.markers.e2e { markers.append("e2e: true") }
            if let w = item.markers.workers {
                markers.append("workers: {count: \(w.count.map(String.init) ?? "null"), prefill: \(w.prefill.map(String.init) ?? "null"), decode: \(w.decode.map(String.init) ?? "null")}")
            }
            if !backends.isEmpty { markers.append("parametrize: [{argnames: setup_backend, values: [\(backends.joined(separator: ", "))]}]") }
            lines.append("  - id: \"\(item.id)\"")
            lines.append("    markers: {\(markers.joined(separator: ", "))}")
            if let first = backends.first { lines.append("    params: {setup_backend: \(first)}") }
        }
        let result = try Self.run(lines.joined(separator: "\n"), topology: "8x81559MiB")
        let startupEnd = result.events.firstIndex { $0.kind == .healthy } ?? result.events.count
        let startup = result.events[..<startupEnd]
        #expect(startup.filter { $0.kind == .launch }.map { "\($0.key)@\($0.gpus)" } == [
            "qwen-7b:grpc@[0]", "qwen-7b:http@[1]", "qwen-7b:http:1@[2]", "qwen-7b:http:2@[3]", "qwen-7b:http:3@[4]",
            "llama-8b:http@[5]", "llama-8b:http:1@[6]", "llama-8b:http:prefill_0@[7]",
        ])
        #expect(startup.filter { $0.kind == .deferred }.map(\.key) == [
            "llama-8b:http:prefill_1", "llama-8b:http:decode_0", "gpt-oss:http:prefill_0", "gpt-oss:http:decode_0",
            "llama-1b:http", "mistral-7b:grpc:decode_0", "mistral-7b:grpc:decode_1",
        ])
    }

    @Test func sameInputSameBytes() throws {
        let a = try SessionReport(Self.run(Self.benchmarks)).json()
        let b = try SessionReport(Self.run(Self.benchmarks)).json()
        #expect(a == b)
        #expect(try ChromeTrace.render(Self.run(Self.benchmarks)) == ChromeTrace.render(Self.run(Self.benchmarks)))
        #expect(try GanttChart.html(Self.run(Self.benchmarks)) == GanttChart.html(Self.run(Self.benchmarks)))
        let generated = try ScenarioGenerator.generate(ScenarioGenerator.Options(tests: 200, models: 10, seed: 5))
        let topology = try TopologyLoader.load("4x23028MiB")
        let first = try SessionSimulator.run(generated, topology: topology, catalog: ReferenceModels.catalog, eviction: .belady)
        let second = try SessionSimulator.run(generated, topology: topology, catalog: ReferenceModels.catalog, eviction: .belady)
        #expect(SessionReport(first).json() == SessionReport(second).json())
        #expect(GanttChart.svg(first) == GanttChart.svg(second))
    }
}

@Suite struct ShippedScenarioTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped e2e job on 4×A10 (notes §8.13) as a whole session: startup places the four llama
    /// workers on GPUs 0–3 and defers both embedding workers; when the embedding tests come, the router
    /// tests have used the llama regular workers last, so MRU evicts those (not decode_0, which only
    /// startup-then-get would pick).
    @Test func gatewayE2EJobOnFourA10() throws {
        let scenario = try ScenarioParser.load(path: Self.root.appendingPathComponent("Scenarios/gateway-e2e.yaml").path)
        let result = try SessionSimulator.run(scenario, topology: TopologyLoader.load("4x23028MiB"), catalog: ReferenceModels.catalog)
        #expect(result.requirements == ["llama-8b:grpc", "llama-8b:http", "llama-8b:http:prefill_0", "llama-8b:http:decode_0",
                                        "embedding:grpc", "embedding:http"])
        let launches = result.events.filter { $0.kind == .launch }.map { "\($0.key)@\($0.gpus)" }
        #expect(launches == ["llama-8b:grpc@[0]", "llama-8b:http@[1]", "llama-8b:http:prefill_0@[2]", "llama-8b:http:decode_0@[3]",
                             "embedding:grpc@[0]", "embedding:http@[1]"])
        #expect(result.events.filter { $0.kind == .deferred }.map(\.key) == ["embedding:grpc", "embedding:http"])
        let evictions = result.events.filter { $0.kind == .evict }
        #expect(evictions.map(\.key) == ["llama-8b:grpc", "llama-8b:http"])
        #expect(evictions.map(\.test) == ["embeddings/test_basic.py::TestEmbeddingBasic::test_embedding_single[grpc]",
                                          "embeddings/test_basic.py::TestEmbeddingBasic::test_embedding_single[http]"])
        #expect(result.failedTests.isEmpty)
    }

    /// #16745 timing: launches 10 s apart, a 30 s grace before the first poll, polls every 2 s.
    @Test func staggerAndGrace() throws {
        let result = try SessionSimulatorTests.run("""
        topology: 4x24GB
        timing: {spawnSeconds: 0, launchStagger: 10, initialGrace: 30, healthCheckInterval: 2, workerStartup: {llama-8b: 36, qwen-7b: 34}}
        tests:
          - id: a.py::TestA::test_a[grpc]
            markers: {model: qwen-7b, e2e: true, parametrize: [{argnames: setup_backend, values: [grpc, http]}]}
            params: {setup_backend: grpc}
          - id: b.py::test_b
            markers: {e2e: true}
        """, topology: "4x24GB")
        let at = { (kind: EventKind, key: String) in result.events.first { $0.kind == kind && $0.key == key }?.time.seconds }
        #expect(at(.launch, "qwen-7b:grpc") == 0)
        #expect(at(.launch, "qwen-7b:http") == 10)
        #expect(at(.launch, "llama-8b:http") == 20)
        #expect(at(.healthy, "qwen-7b:grpc") == 50)
        #expect(at(.healthy, "llama-8b:http") == 56)
    }
}
