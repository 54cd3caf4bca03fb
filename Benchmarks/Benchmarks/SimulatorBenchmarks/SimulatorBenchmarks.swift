import Benchmark
import GPUCIPool
import GPUCISimulation
import GPUCISupport
import GPUCITopology

// Units of work:
// - `simulator.queue.100pending`: 1,000 schedule+pop pairs on an EventQueue holding about 100 events
//   (events/s = throughput × 1,000).
// - `simulator.session.gateway-e2e-shape`: one whole 26-test session shaped like the e2e CI job on 4×A10.
// - `simulator.session.10000tests`: one whole generated 10,000-test session (24 models, 20% PD) on 4×A10,
//   from the scenario prepared once (as `gpuci simulate` runs every combination); the simulator's own
//   count of processed queue events per session is printed once at start-up, so
//   events/s = that count × sessions/s.
// - `simulator.prepare.10000tests`: that scenario's model overrides, validation and collection scan.
// - `simulator.read.10000tests.yaml` / `.json`: parsing the scenario from text (`scenario generate`'s
//   YAML, and its `--format json`), file reading excluded.
// - `simulator.report.10000tests.stream` / `.encoder`: the session's `--format json` report written by
//   the one-pass writer, and the same bytes through JSONEncoder; `simulator.trace.10000tests`: its
//   Chrome trace.
let catalog = ModelCatalog([
    ModelSpec(id: "llama-8b", memoryGB: 16, tp: 1, startupSeconds: 36),
    ModelSpec(id: "embedding", memoryGB: 14, tp: 1, features: ["embedding"], startupSeconds: 34),
], cloudModels: [CloudModel(id: "openai", model: "gpt-5-nano", baseURL: "https://api.openai.com", keyEnv: "OPENAI_API_KEY")])

func session(_ scenario: Scenario, _ topology: Topology) -> SessionResult? {
    try? SessionSimulator.run(scenario, topology: topology, catalog: catalog)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(3), maxIterations: 10_000)
    guard let a10 = try? TopologyLoader.load("4x23028MiB") else { return }

    Benchmark("simulator.queue.100pending") { benchmark in
        var queue = EventQueue<Int>()
        for index in 0..<100 { queue.schedule(index, at: SimTime(index * 7 % 101)) }
        var time: SimTime = 0
        for _ in benchmark.scaledIterations {
            var sum = 0
            for step in 0..<1_000 {
                guard let entry = queue.pop() else { break }
                sum &+= entry.payload
                time = entry.time
                queue.schedule(step, at: time + SimTime(step % 97))
            }
            blackHole(sum)
        }
    }

    var e2eItems: [TestItem] = []
    for backend in ["grpc", "http"] {
        for test in 0..<5 {
            e2eItems.append(TestItem(id: "router/test_mmlu.py::TestMMLU::test_\(test)[\(backend)]",
                                     markers: TestMarkers(e2e: true, parametrize: [ParametrizeMarker(argnames: "setup_backend", values: [.scalar("grpc"), .scalar("http")], indirect: true)]),
                                     params: ["setup_backend": .scalar(backend)]))
        }
    }
    e2eItems.append(TestItem(id: "router/test_pd_mmlu.py::TestPDMMLU::test_pd[pd]",
                             markers: TestMarkers(e2e: true, parametrize: [ParametrizeMarker(argnames: "setup_backend", values: [.scalar("pd")], indirect: true)]),
                             params: ["setup_backend": .scalar("pd")]))
    for backend in ["grpc", "http"] {
        for test in 0..<7 {
            e2eItems.append(TestItem(id: "embeddings/test_basic.py::TestEmbeddingBasic::test_\(test)[\(backend)]",
                                     markers: TestMarkers(model: "embedding", e2e: true, parametrize: [ParametrizeMarker(argnames: "setup_backend", values: [.scalar("grpc"), .scalar("http")], indirect: true)]),
                                     params: ["setup_backend": .scalar(backend)]))
        }
    }
    let e2e = Scenario(name: "e2e-shape", topology: "4x23028MiB", tests: e2eItems)
    Benchmark("simulator.session.gateway-e2e-shape") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(session(e2e, a10)?.processedEvents) }
    }

    var options = ScenarioGenerator.Options(tests: 10_000, models: 24, seed: 1)
    options.pdShare = 0.2
    guard let big = try? ScenarioGenerator.generate(options) else { return }
    if let result = session(big, a10) {
        print("simulator.session.10000tests: \(result.processedEvents) processed queue events, \(result.events.count) recorded events, \(result.launches) launches per session")
    }
    let large = Benchmark.Configuration(metrics: [.wallClock, .throughput], maxDuration: .seconds(10), maxIterations: 20)
    guard let prepared = try? PreparedScenario(big, catalog: catalog) else { return }
    Benchmark("simulator.session.10000tests", configuration: large) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(SessionSimulator.run(prepared, topology: a10).processedEvents) }
    }
    Benchmark("simulator.prepare.10000tests", configuration: large) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? PreparedScenario(big, catalog: catalog)) }
    }
    let yaml = ScenarioWriter.yaml(big), json = ScenarioWriter.json(big)
    Benchmark("simulator.read.10000tests.yaml", configuration: large) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? ScenarioParser.parse(yaml, file: "big.yaml")) }
    }
    Benchmark("simulator.read.10000tests.json", configuration: large) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? ScenarioParser.parse(json, file: "big.json")) }
    }
    let result = SessionSimulator.run(prepared, topology: a10)
    let report = SessionReport(result)
    Benchmark("simulator.report.10000tests.stream", configuration: large) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(report.json()) }
    }
    Benchmark("simulator.report.10000tests.encoder", configuration: large) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? JSONOutput.string(report)) }
    }
    Benchmark("simulator.trace.10000tests", configuration: large) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ChromeTrace.render(result)) }
    }
}
