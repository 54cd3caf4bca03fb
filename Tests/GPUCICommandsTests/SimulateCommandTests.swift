import Foundation
import Testing
@testable import GPUCICommands

/// `gpuci simulate` and `gpuci scenario` through the built executable.
@Suite struct SimulateCommandTests {
    typealias Run = GPUCIExecutable.Output

    static let root = GPUCIExecutable.packageRoot

    static func gpuci(_ arguments: [String]) throws -> Run { try GPUCIExecutable.run(arguments, in: root) }

    static func temporaryFile(_ name: String, _ text: String? = nil) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-simulate-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        if let text { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }
        return path
    }

    /// An output naming the scenario being read is refused, leaving it intact (repro 26).
    @Test func anOutputThatIsTheInputIsRefused() throws {
        let path = try Self.temporaryFile("clobber.yaml", "topology: 4x24GB\ntests:\n  - id: a.py::test_a\n    seconds: 5\n")
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let run = try Self.gpuci(["simulate", path, "--svg", path])
        #expect(run.status != 0 && run.stderr.contains("--svg names the input file"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
    }

    /// A scenario's `eviction:` (smg's slot pool, as the importer finds it) is the default policy;
    /// `--eviction` still chooses.
    @Test func theScenariosEvictionIsTheDefault() throws {
        let scenario = try String(contentsOf: Self.root.appendingPathComponent("Scenarios/gateway-e2e.yaml"), encoding: .utf8)
        let path = try Self.temporaryFile("slots.yaml", scenario.replacingOccurrences(of: "\ntests:", with: "\neviction: slots:1\ntests:"))
        func eviction(_ extra: [String]) throws -> String? {
            let run = try Self.gpuci(["simulate", path, "--format", "json"] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            return (object?["summary"] as? [String: Any])?["eviction"] as? String
        }
        #expect(try eviction([]) == "slots:1")
        #expect(try eviction(["--eviction", "mru"]) == "mru")
    }

    @Test func benchmarksJobAsJSON() throws {
        let run = try Self.gpuci(["simulate", "gateway-benchmarks", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["requirements"] as? [String] == ["llama-8b:http:prefill_0", "llama-8b:http:prefill_1",
                                                        "llama-8b:http:decode_0", "llama-8b:http:decode_1"])
        let maxTest = try #require(object["maxTestGPUs"] as? [String: Any])
        #expect(maxTest["gpus"] as? Int == 4)
        #expect(maxTest["test"] as? String == "benchmarks/test_pd_perf.py::TestPDPerf::test_pd_perf[pd]")
        #expect(object["launches"] as? Int == 12)
        #expect(object["evictions"] as? Int == 8)
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.allSatisfy { $0["t"] is Double || $0["t"] is Int })
        #expect(Set(events.compactMap { $0["kind"] as? String }).isSuperset(of: ["launch", "ready", "evict", "testStart", "testEnd", "gatewayStart", "gatewayStop"]))
        #expect(try Self.gpuci(["simulate", "gateway-benchmarks", "--format", "json"]).stdout == run.stdout)
    }

    @Test func writesTraceSVGAndHTML() throws {
        let trace = try Self.temporaryFile("t.json"), svg = try Self.temporaryFile("g.svg"), html = try Self.temporaryFile("g.html")
        let run = try Self.gpuci(["simulate", "Scenarios/gateway-e2e.yaml", "--topology", "4x23028MiB",
                                  "--trace", trace, "--svg", svg, "--html", html])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("launches"))
        #expect(run.stdout.contains("GPU busy"))
        let traceObject = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace))) as? [String: Any]
        #expect((traceObject?["traceEvents"] as? [Any])?.isEmpty == false)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))
    }

    @Test func comparesCombinations() throws {
        let run = try Self.gpuci(["simulate", "gateway-benchmarks", "--topology", "a10-4,h200-8", "--eviction", "mru,belady"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("topology"))
        #expect(lines[1].hasPrefix("a10-4") && lines[1].contains("mru"))
        #expect(lines[4].hasPrefix("h200-8") && lines[4].contains("belady"))
        let json = try Self.gpuci(["simulate", "gateway-benchmarks", "--topology", "a10-4,h200-8", "--eviction", "mru,belady", "--format", "json"])
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(rows.count == 4)
        let single = try #require(try JSONSerialization.jsonObject(with: Data(try Self.gpuci(["simulate", "gateway-benchmarks", "--format", "json"]).stdout.utf8)) as? [String: Any])
        #expect((single["runs"] as? [[String: Any]])?.count == 1 && single["profile"] as? String == "anchor")
        #expect(rows.map { $0["eviction"] as? String } == ["mru", "belady", "mru", "belady"])
    }

    @Test func malformedScenariosFailWithTheirLine() throws {
        let cases: [(String, String, [String])] = [
            ("unknown-model.yaml", """
            topology: 4x24GB
            tests:
              - id: a.py::TestA::test_a[http]
                markers: {model: llama-800b, parametrize: [{argnames: setup_backend, values: [http]}]}
                params: {setup_backend: http}
            """, [":3:", "a.py::TestA::test_a[http]", "unknown model 'llama-800b'"]),
            ("unknown-backend.yaml", """
            topology: 4x24GB
            tests:
              - id: a.py::TestA::test_a[tpu]
                markers: {e2e: true, parametrize: [{argnames: setup_backend, values: [tpu]}]}
                params: {setup_backend: tpu}
            """, [":3:", "unknown backend 'tpu'"]),
            ("two-modes.yaml", """
            topology: 4x24GB
            tests:
              - id: a.py::TestA::test_a[grpc]
                markers: {e2e: true, parametrize: [{argnames: setup_backend, values: [grpc]}]}
                params: {setup_backend: grpc}
                gateways: [igw]
            """, [":3:", "exactly one mode"]),
            ("negative.yaml", "topology: 4x24GB\ntests:\n  - id: a.py::test_a\n    seconds: -5\n", [":4:", "seconds", "from 0 to 2592000"]),
            ("bad.yaml", "topology: 4x24GB\ntests: [\n  {id: a.py::test_a\n", ["bad.yaml:", "not valid YAML"]),
            ("too-big.yaml", """
            topology: 4x24GB
            tests:
              - id: a.py::TestBig::test_big[http]
                markers: {model: llama-8b, workers: {count: 6}, parametrize: [{argnames: setup_backend, values: [http]}]}
                params: {setup_backend: http}
            """, ["GPU REQUIREMENTS EXCEEDED", "Test 'a.py::TestBig::test_big[http]' requires 6 GPUs", "Available: 4 GPUs"]),
        ]
        for (name, text, expected) in cases {
            let path = try Self.temporaryFile(name, text)
            let run = try Self.gpuci(["simulate", path])
            #expect(run.status != 0, "\(name) should fail")
            for fragment in expected {
                #expect(run.stderr.contains(fragment), "\(name): '\(fragment)' not in: \(run.stderr)")
            }
            #expect(!run.stderr.contains("Fatal error"))
        }
    }

    /// A runner whose only accelerators gpuci cannot schedule says so before collection fails
    /// with "Available: 0 GPUs" (issue 11: no accelerator disappears without a line).
    @Test func unscheduledAcceleratorsAreNamed() throws {
        let capture = GPUCIExecutable.packageRoot
            .appendingPathComponent("Tests/GPUCITopologyTests/Captures/32intel64-8-vector-engines.xml").path
        let path = try Self.temporaryFile("ve.yaml", "topology: 4x24GB\ntests:\n  - id: a.py::test_a\n    seconds: 5\n")
        let run = try Self.gpuci(["simulate", path, "--topology", capture])
        #expect(run.stderr.contains("note: topology \(capture): 8 NEC"), "\(run.stderr)")
        #expect(run.stderr.contains("not scheduled"), "\(run.stderr)")
    }

    @Test func badOptionsAreRejected() throws {
        #expect(try Self.gpuci(["simulate", "gateway-e2e", "--eviction", "fifo"]).stderr.contains("unknown eviction policy 'fifo'"))
        #expect(try Self.gpuci(["simulate", "gateway-e2e", "--allocation", "random"]).status != 0)
        #expect(try Self.gpuci(["simulate", "no-such-scenario"]).stderr.contains("no bundled scenario"))
        #expect(try Self.gpuci(["simulate", "gateway-e2e", "--eviction", "mru,lru", "--svg", "/tmp/x.svg"]).status != 0)
    }

    @Test func parsesAsRoot() throws {
        let command = try GPUCI.parseAsRoot(["simulate", "s.yaml", "--topology", "a10-4", "--eviction", "belady", "--allocation", "ffd", "--format", "json"])
        let simulate = try #require(command as? SimulateCommand)
        #expect(simulate.scenario == "s.yaml")
        #expect(simulate.eviction == "belady")
        #expect(simulate.format == .json)
    }
}
