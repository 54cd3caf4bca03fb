import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GPUCIPool
@testable import GPUCISimulation
import GPUCITopology
import Testing

@Suite struct OutputTests {
    static func result() throws -> SessionResult {
        try SessionSimulatorTests.run(SessionSimulatorTests.benchmarks)
    }

    /// The one-pass writers give the bytes `JSONEncoder` gives, on every bundled scenario and on a
    /// generated one with failures, skips and PD workers.
    @Test func reportAndTraceAreTheEncodersBytes() throws {
        let scenarios = ShippedScenarioTests.root.appendingPathComponent("Scenarios")
        var results: [SessionResult] = []
        for name in ["gateway-e2e", "gateway-benchmarks", "stress-pd-heavy", "stress-300-tests-24-models"] {
            let scenario = try ScenarioParser.load(path: scenarios.appendingPathComponent("\(name).yaml").path)
            results.append(try SessionSimulator.run(scenario))
        }
        var options = ScenarioGenerator.Options(tests: 300, models: 12, seed: 3)
        options.pdShare = 0.3
        results.append(try SessionSimulator.run(ScenarioGenerator.generate(options), topology: TopologyLoader.load("2x23028MiB"),
                                                catalog: ReferenceModels.catalog, eviction: .lru))
        #expect(results.count > 3)
        var booting = 0.0
        for result in results {
            let report = SessionReport(result)
            #expect(report.json() == (try report.encodedJSON()), "\(result.scenario) on \(result.topology)")
            #expect(ChromeTrace.render(result) == (try ChromeTrace.encoded(result)), "\(result.scenario) on \(result.topology)")
            // The summary's booting time without the timeline equals the timeline's.
            let spans = Timeline(result).workers.reduce(0.0) { $0 + Double(($1.healthy ?? $1.end) - $1.launch) * Double($1.gpus.count) }
            #expect(SessionSummary.bootingMicroseconds(result) == spans)
            booting += spans
        }
        #expect(booting > 0)
    }

    @Test func chromeTraceParsesBackWithRequiredFields() throws {
        let text = try ChromeTrace.render(Self.result())
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let document = try #require(object as? [String: Any])
        let events = try #require(document["traceEvents"] as? [[String: Any]])
        #expect(!events.isEmpty)
        var lastTimestamp = Int.min
        var phases: Set<String> = []
        for event in events {
            let phase = try #require(event["ph"] as? String)
            phases.insert(phase)
            #expect(event["name"] is String)
            #expect(event["pid"] is Int)
            if phase != "C" { #expect(event["tid"] is Int) }
            let ts = try #require(event["ts"] as? Int)
            if phase == "X" { #expect((event["dur"] as? Int).map { $0 >= 0 } == true) }
            if phase != "M" {
                #expect(ts >= lastTimestamp)
                lastTimestamp = ts
            }
        }
        #expect(phases == ["M", "X", "i", "C"])
        let counters = events.filter { $0["ph"] as? String == "C" }.compactMap { ($0["args"] as? [String: Int])?["free"] }
        #expect(counters.allSatisfy { (0...4).contains($0) })
        #expect(counters.first == 3)
        let names = events.filter { $0["ph"] as? String == "M" }.compactMap { ($0["args"] as? [String: String])?["name"] }
        #expect(names.contains("GPU 3 (GPU 22GB)"))
        #expect(names.contains("tests"))
    }

    final class XMLCheck: NSObject, XMLParserDelegate, @unchecked Sendable {
        var elements: [String: Int] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements[name, default: 0] += 1
        }
    }

    @Test func svgIsWellFormedXMLWithLanesAndLegend() throws {
        let result = try Self.result()
        let svg = GanttChart.svg(result)
        let parser = XMLParser(data: Data(svg.utf8))
        let check = XMLCheck()
        parser.delegate = check
        #expect(parser.parse(), "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(check.elements["svg"] == 1)
        #expect((check.elements["rect"] ?? 0) > 20)
        #expect(svg.contains(">GPU 3 <tspan"))
        #expect(svg.contains("evicted"))
        #expect(svg.contains("llama-8b:http:prefill_0"))
        let html = GanttChart.html(result)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
    }

    @Test func escapingKeepsXMLValid() throws {
        var result = try Self.result()
        result.scenario = "a <b> & \"c\" 'd'"
        let parser = XMLParser(data: Data(GanttChart.svg(result).utf8))
        #expect(parser.parse())
    }

    /// A worker is seen healthy at the first poll at or after its ready time.
    @Test func healthPollingQuantizesReadiness() throws {
        let result = try SessionSimulatorTests.run("""
        topology: 4x24GB
        timing: {spawnSeconds: 0, healthCheckInterval: 5, workerStartup: {llama-8b: 36}, gatewayStartup: 3, testSeconds: 10}
        tests:
          - id: a.py::TestA::test_a[http]
            markers: {e2e: true, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: http}
        """)
        let times = Dictionary(result.events.map { ($0.kind.rawValue + ":" + $0.key, $0.time.seconds) }) { a, _ in a }
        #expect(times["launch:llama-8b:http"] == 0)
        #expect(times["ready:llama-8b:http"] == 36)
        #expect(times["healthy:llama-8b:http"] == 40)
        #expect(times["gatewayReady:a.py::TestA[http]"] == 44)
        #expect(times["testStart:a.py::TestA::test_a[http]"] == 44)
        #expect(result.wall == SimTime.seconds(54))
        #expect(result.tests.first?.setupWait == SimTime.seconds(44))
    }

    @Test func missingAPIKeySkipsAndUnfitTestAbortsCollection() throws {
        let cloud = """
        topology: 4x24GB
        tests:
          - id: a.py::TestCloud::test_c[openai]
            markers: {parametrize: [{argnames: setup_backend, values: [openai]}]}
            params: {setup_backend: openai}
        """
        #expect(try SessionSimulatorTests.run(cloud).tests.map(\.status) == [.skipped])
        #expect(try SessionSimulatorTests.run("env: [OPENAI_API_KEY]\n" + cloud).tests.map(\.status) == [.passed])
        let tooBig = try SessionSimulatorTests.run("""
        topology: 4x24GB
        tests:
          - id: a.py::TestBig::test_b[pd]
            markers: {model: gpt-oss, parametrize: [{argnames: setup_backend, values: [pd]}], workers: {prefill: 2, decode: 1}}
            params: {setup_backend: pd}
        """)
        #expect(tooBig.collectionError?.contains("Test 'a.py::TestBig::test_b[pd]' requires 6 GPUs") == true)
        #expect(tooBig.tests.isEmpty)
    }

    @Test func failedWorkersFailTheTestAndTheSessionGoesOn() throws {
        let result = try SessionSimulatorTests.run("""
        topology: 4x80GB
        timing: {startupTimeout: 50, workerStartup: {qwen-30b: 200, llama-8b: 30}}
        tests:
          - id: a.py::TestSlow::test_s[http]
            markers: {model: qwen-30b, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: http}
          - id: a.py::TestSlow::test_t[http]
            markers: {model: qwen-30b, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: http}
          - id: b.py::TestFast::test_f[http]
            markers: {model: llama-8b, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: http}
        """, topology: "4x80GB")
        #expect(result.tests.map(\.status) == [.failed, .failed, .passed])
        #expect(result.events.contains { $0.kind == .timeout && $0.key == "qwen-30b:http" })
        #expect(result.tests[0].reason == "TimeoutError: qwen-30b:http not healthy within 50 s")
        #expect(result.tests[1].reason == result.tests[0].reason)
    }
}

@Suite struct EnvironmentTests {
    static let two = """
    tests:
      - id: a.py::TestA::test_a[http]
        markers: {model: qwen-7b, parametrize: [{argnames: setup_backend, values: [http]}]}
        params: {setup_backend: http}
    """

    @Test func e2eModelsOverrideTheScan() throws {
        let result = try SessionSimulatorTests.run("topology: 4x24GB\nenv: [\"E2E_MODELS=llama-1b,qwen-7b,nope\", \"E2E_BACKENDS=grpc,tpu,http\"]\n" + Self.two)
        #expect(result.requirements == ["llama-1b:grpc", "llama-1b:http", "qwen-7b:grpc", "qwen-7b:http"])
        #expect(result.tests.map(\.status) == [.passed])
    }

    @Test func skipModelPoolGivesAPoolWithoutGPUs() throws {
        let result = try SessionSimulatorTests.run("topology: 4x24GB\nenv: [SKIP_MODEL_POOL=true]\n" + Self.two)
        #expect(result.requirements.isEmpty)
        #expect(result.launches == 0)
        #expect(result.tests.map(\.status) == [.failed])
    }
}
