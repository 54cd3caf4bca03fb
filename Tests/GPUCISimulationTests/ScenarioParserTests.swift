import GPUCIAllocation
import GPUCIPool
import GPUCISupport
@testable import GPUCISimulation
import Testing

@Suite struct ScenarioParserTests {
    static let good = """
    name: small
    topology: 4x23028MiB
    env: [OPENAI_API_KEY, E2E_MODEL=qwen-7b]
    models:
      - {id: llama-8b, tp: 2}
    timing:
      workerStartup: {llama-8b: 45}
      startupFormula: {base: 20, perGB: 1, perTP: 10}
      healthCheckInterval: 2
      launchStagger: 10
      initialGrace: 30
      testSeconds: 12
    tests:
      - id: router/test_x.py::TestA::test_y[http]
        markers: {model: llama-8b, e2e: true, workers: {count: 2, prefill: null, decode: 1}, gateway: {policy: round_robin, timeout: 60}, parametrize: [{argnames: setup_backend, values: [http, grpc]}, {argnames: model, values: [qwen-7b]}]}
        params: {setup_backend: http, model: qwen-7b}
        seconds: 30
    """

    @Test func readsTheSchema() throws {
        let scenario = try ScenarioParser.parse(Self.good, file: "s.yaml")
        #expect(scenario.name == "small")
        #expect(scenario.env == ["OPENAI_API_KEY": "", "E2E_MODEL": "qwen-7b"])
        #expect(scenario.models == [ModelOverride(id: "llama-8b", tp: 2, line: 5)])
        #expect(scenario.timing.healthCheckInterval == 2)
        #expect(scenario.timing.startupSeconds(for: ModelSpec(id: "llama-8b", memoryGB: 16)) == 45)
        #expect(scenario.timing.startupSeconds(for: ModelSpec(id: "gpt-oss", memoryGB: 40, tp: 2)) == 70)
        let item = try #require(scenario.tests.first)
        #expect(item.file == "router/test_x.py")
        #expect(item.className == "TestA")
        #expect(item.function == "test_y")
        #expect(item.markers.workers == WorkersMarker(count: 2, prefill: nil, decode: 1))
        #expect(item.markers.parametrize.map(\.argnames) == ["setup_backend", "model"])
        #expect(item.setupBackend == "http")
        #expect(item.seconds == 30)
        #expect(item.line == 14)
    }

    @Test func writerRoundTrips() throws {
        let scenario = try ScenarioParser.parse(Self.good, file: "s.yaml")
        let again = try ScenarioParser.parse(ScenarioWriter.yaml(scenario), file: "s.yaml")
        var a = scenario, b = again
        a.models = a.models.map { var m = $0; m.line = nil; return m }
        b.models = b.models.map { var m = $0; m.line = nil; return m }
        a.tests = a.tests.map { var t = $0; t.line = nil; return t }
        b.tests = b.tests.map { var t = $0; t.line = nil; return t }
        #expect(a == b)
    }

    @Test func jsonIsAccepted() throws {
        let json = #"{"topology": "4x24GB", "tests": [{"id": "a.py::test_a", "markers": {"e2e": true}}]}"#
        let scenario = try ScenarioParser.parse(json, file: "s.json")
        #expect(scenario.tests.map(\.id) == ["a.py::test_a"])
    }

    static func error(_ yaml: String) -> InputError? {
        do {
            let scenario = try ScenarioParser.parse(yaml, file: "bad.yaml")
            try ScenarioValidator.validate(scenario, catalog: ReferenceModels.catalog)
            return nil
        } catch {
            return error
        }
    }

    @Test func badInputNamesTheLine() throws {
        let negative = try #require(Self.error("topology: 4x24GB\ntests:\n  - id: a.py::test_a\n    seconds: -3\n"))
        #expect(negative.location?.line == 4)
        #expect(negative.message.contains("from 0 to 2592000"))
        let badYAML = try #require(Self.error("topology: 4x24GB\ntests: [\n  - id: x\n"))
        #expect(badYAML.location?.line != nil)
        #expect(badYAML.message.contains("not valid YAML"))
        let unknownKey = try #require(Self.error("topology: 4x24GB\ntests:\n  - id: a.py::test_a\n    marker: {e2e: true}\n"))
        #expect(unknownKey.location?.line == 4)
        #expect(unknownKey.message.contains("unknown key 'marker'"))
        let badTiming = try #require(Self.error("topology: 4x24GB\ntiming: {launchStagger: -1}\ntests: []\n"))
        #expect(badTiming.location?.line == 2)
        #expect(Self.error("tests: []\n")?.message.contains("missing key 'topology'") == true)
        #expect(Self.error("topology: 4x24GB\ntests:\n  - id: not-a-node-id\n")?.message.contains("not a pytest node id") == true)
    }

    @Test func catalogProblemsNameTheTest() throws {
        let unknownModel = try #require(Self.error("""
        topology: 4x24GB
        tests:
          - id: a.py::TestA::test_a[http]
            markers: {model: llama-80b, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: http}
        """))
        #expect(unknownModel.location?.line == 3)
        #expect(unknownModel.message.contains("a.py::TestA::test_a[http]"))
        #expect(unknownModel.message.contains("unknown model 'llama-80b'"))
        let unknownBackend = try #require(Self.error("""
        topology: 4x24GB
        tests:
          - id: a.py::TestA::test_a[tpu]
            markers: {e2e: true, parametrize: [{argnames: setup_backend, values: [tpu]}]}
            params: {setup_backend: tpu}
        """))
        #expect(unknownBackend.message.contains("unknown backend 'tpu'"))
        let twoModes = try #require(Self.error("""
        topology: 4x24GB
        tests:
          - id: a.py::TestA::test_a[pd]
            markers: {e2e: true, parametrize: [{argnames: setup_backend, values: [pd]}]}
            params: {setup_backend: pd}
            gateways: [igw]
        """))
        #expect(twoModes.message.contains("exactly one mode"))
        #expect(twoModes.location?.line == 3)
        let wrongParam = try #require(Self.error("""
        topology: 4x24GB
        tests:
          - id: a.py::TestA::test_a[grpc]
            markers: {e2e: true, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: grpc}
        """))
        #expect(wrongParam.message.contains("not among the marker's values"))
    }

    /// Seeded truncations and byte flips of a good file: an error or a scenario, never a crash.
    @Test func fuzzedScenariosNeverCrash() {
        var random = SplitMix64(seed: 42)
        let bytes = Array(Self.good.utf8)
        var errors = 0
        for round in 0..<400 {
            var mutated = bytes
            if round % 2 == 0 {
                mutated = Array(mutated.prefix(Int.random(in: 0...mutated.count, using: &random)))
            } else {
                for _ in 0..<Int.random(in: 1...6, using: &random) where !mutated.isEmpty {
                    let symbols = Array("{}[]:,-\"'#\n 0x&*!|>".utf8)
                    mutated[Int.random(in: 0..<mutated.count, using: &random)] = symbols[Int.random(in: 0..<symbols.count, using: &random)]
                }
            }
            let text = String(decoding: mutated, as: UTF8.self)
            do {
                let scenario = try ScenarioParser.parse(text, file: "fuzz.yaml")
                try ScenarioValidator.validate(scenario, catalog: ReferenceModels.catalog)
            } catch {
                errors += 1
                #expect(error.location?.file == "fuzz.yaml")
            }
        }
        #expect(errors > 100)
    }
}

/// Long item lists are read concurrently: the same items in the same order, and the same error
/// (the first by position) as a reading in order.
@Suite struct ConcurrentItemReadingTests {
    static func generated() throws -> Scenario {
        var options = ScenarioGenerator.Options(tests: ScenarioParser.concurrentItemThreshold + 500, models: 8, seed: 21)
        options.pdShare = 0.3
        return try ScenarioGenerator.generate(options)
    }

    @Test func aLongListReadsToTheSameItemsInOrder() throws {
        let scenario = try Self.generated()
        for text in [ScenarioWriter.yaml(scenario), ScenarioWriter.json(scenario)] {
            let read = try ScenarioParser.parse(text, file: "big")
            #expect(read.tests.count == scenario.tests.count)
            #expect(read.tests.map(\.id) == scenario.tests.map(\.id))
            #expect(read.tests.map(\.markers) == scenario.tests.map(\.markers))
            #expect(read.tests.map(\.params) == scenario.tests.map(\.params))
            let lines = read.tests.compactMap(\.line)
            #expect(lines.count == read.tests.count && lines == lines.sorted())
        }
    }

    @Test func theFirstBadItemByPositionIsReported() throws {
        var lines = ScenarioWriter.yaml(try Self.generated()).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let marked = lines.indices.filter { lines[$0].contains("e2e: true") }
        #expect(marked.count > 2_000)
        // Two bad items, the later one first in the list of lines changed.
        for index in [marked[1_900], marked[120]] {
            lines[index] = lines[index].replacingOccurrences(of: "e2e: true", with: "e2e: maybe")
        }
        #expect {
            try ScenarioParser.parse(lines.joined(separator: "\n"), file: "big.yaml")
        } throws: { error in
            (error as? InputError)?.location?.line == marked[120] + 1
        }
    }
}

/// A scenario's own pool policy (`eviction:`), read, written and refused when unknown.
@Suite struct ScenarioEvictionTests {
    static let text = "topology: a10-4\neviction: slots:1\ntests:\n  - id: a.py::TestA::test_a\n    markers: {e2e: true}\n"

    @Test func isReadAndWrittenInBothFormats() throws {
        let scenario = try ScenarioParser.parse(Self.text, file: "s.yaml")
        #expect(scenario.eviction == .slots(1))
        #expect(try ScenarioParser.parse(ScenarioWriter.yaml(scenario), file: "s.yaml").eviction == .slots(1))
        #expect(try ScenarioParser.parse(ScenarioWriter.json(scenario), file: "s.json").eviction == .slots(1))
        #expect(try ScenarioParser.parse("topology: a10-4\ntests: []\n", file: "s.yaml").eviction == nil)
    }

    @Test func anUnknownPolicyIsRefusedAtItsLine() {
        #expect {
            try ScenarioParser.parse(Self.text.replacingOccurrences(of: "slots:1", with: "slots:0"), file: "s.yaml")
        } throws: { error in
            (error as? InputError)?.description == "s.yaml:2:11: eviction: unknown eviction policy 'slots:0' (expected mru, lru, belady, slots or slots:N with N ≥ 1)"
        }
    }
}
