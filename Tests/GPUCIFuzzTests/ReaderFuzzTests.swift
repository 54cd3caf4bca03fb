import Foundation
import GPUCIAllocation
import GPUCIFleet
import GPUCIHistory
import GPUCIPlanner
import GPUCIPool
import GPUCIPython
import GPUCISimulation
import GPUCISupport
import GPUCITestSupport
import GPUCITopology
import Testing

/// The CI fuzz suite: every reader gets `FuzzInputs.cases` seeded mutations of a well-formed input
/// from this repository. Each case must either read or fail with one `InputError` line located in
/// the file it read; a crash or trap ends the test process, so the suite fails.
///
/// `GPUCI_FUZZ_CASES=N` runs N cases per reader (a deeper local run); `GPUCI_FUZZ_SEED` changes the
/// seed. The defaults are what CI runs. With `GPUCI_FUZZ_DUMP=PREFIX` each case is written to
/// `PREFIX.READER` before it is read, so the input that crashed a run is left behind.
@Suite struct ReaderFuzzTests {
    @Test(arguments: FuzzInputs.readers.map(\.name))
    func damagedInputIsReadOrRejectedOnOneLocatedLine(reader name: String) throws {
        let reader = try #require(FuzzInputs.readers.first { $0.name == name })
        let seed = try reader.seed()
        var read = 0, rejected = 0
        for (index, bytes) in ByteMutations(of: seed, alphabet: reader.alphabet, count: FuzzInputs.cases,
                                            seed: FuzzInputs.seed ^ UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xFFFF)).enumerated() {
            if let dump = FuzzInputs.dump { try Data(bytes).write(to: URL(fileURLWithPath: "\(dump).\(name)")) }
            do {
                try reader.read(Data(bytes), reader.file)
                read += 1
            } catch let error as InputError {
                rejected += 1
                let line = error.description
                #expect(!line.contains("\n"), "\(name) case \(index): a rejection of more than one line: \(line)")
                if reader.located {
                    #expect(error.location?.file == reader.file, "\(name) case \(index): not located in \(reader.file): \(line)")
                }
            } catch {
                Issue.record("\(name) case \(index): \(type(of: error)) instead of InputError: \(error)")
            }
        }
        #expect(read + rejected == FuzzInputs.cases)
        // The mutations must reach the reader's checks, not only its happy path.
        #expect(rejected > 0, "\(name): no mutation was rejected")
    }

    /// The seeds themselves read: a reader that rejects everything would pass the test above.
    @Test(arguments: FuzzInputs.readers.map(\.name))
    func theSeedReads(reader name: String) throws {
        let reader = try #require(FuzzInputs.readers.first { $0.name == name })
        try reader.read(Data(try reader.seed()), reader.file)
    }
}

/// One reader under fuzzing: its seed, the bytes mutations draw from, and how it reads.
struct FuzzReader: Sendable {
    var name: String
    /// The name errors must carry.
    var file: String
    /// Characters that carry the format's syntax.
    var alphabet: [UInt8]
    /// Whether rejections must name `file` (inline specs have no file).
    var located = true
    var seed: @Sendable () throws -> [UInt8]
    var read: @Sendable (Data, String) throws -> Void
}

enum FuzzInputs {
    static let cases = ProcessInfo.processInfo.environment["GPUCI_FUZZ_CASES"].flatMap(Int.init) ?? 2000
    static let seed = ProcessInfo.processInfo.environment["GPUCI_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5EED_2026

    static let dump = ProcessInfo.processInfo.environment["GPUCI_FUZZ_DUMP"]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func file(_ path: String) -> @Sendable () throws -> [UInt8] {
        { Array(try Data(contentsOf: root.appendingPathComponent(path))) }
    }

    static func text(_ text: String) -> @Sendable () throws -> [UInt8] { { Array(text.utf8) } }

    static func string(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    static let yaml = Array("[]{}:,-#&*!|>'\"% \n\t0123456789.e".utf8)
    static let json = Array("[]{}:,\"\\ \n0123456789.-eE+tfnul".utf8)
    static let xml = Array("<>/=\"' \n&;!?-x0123456789abcdef:".utf8)
    static let csv = Array(",\"\n\r 0123456789.-:TZe".utf8)
    static let python = Array("()[]{}:,=\"'#\\ \n\t0123456789._@rfb".utf8)

    static let readers: [FuzzReader] = [
        FuzzReader(name: "scenario-yaml", file: "gateway-e2e.yaml", alphabet: yaml, seed: file("Scenarios/gateway-e2e.yaml")) { data, file in
            _ = try ScenarioParser.parse(string(data), file: file)
        },
        FuzzReader(name: "scenario-json", file: "scenario.json", alphabet: json, seed: text(scenarioJSON)) { data, file in
            _ = try ScenarioParser.parse(string(data), file: file)
        },
        FuzzReader(name: "model-catalog", file: "models.yaml", alphabet: yaml, seed: file("Scenarios/models.yaml")) { data, file in
            _ = try ModelCatalog.parse(string(data), file: file)
        },
        FuzzReader(name: "topology-yaml", file: "h200-8.yaml", alphabet: yaml + Array("XNVPIHBSY".utf8), seed: file("Topologies/h200-8.yaml")) { data, file in
            _ = try DeclaredTopology.parse(string(data), file: file).topology
        },
        FuzzReader(name: "hwloc-xml", file: "capture.xml", alphabet: xml, seed: file("Tests/GPUCITopologyTests/Captures/24em64t-2n6c2t-pci.v1.xml")) { data, file in
            _ = try HwlocTopology(xmlText: string(data), label: file).topology(name: "capture")
        },
        FuzzReader(name: "hwloc-xml-v3", file: "capture.xml", alphabet: xml, seed: file("Tests/GPUCITopologyTests/Captures/16intel64-usnic.xml")) { data, file in
            _ = try HwlocTopology(xmlText: string(data), label: file).topology(name: "capture")
        },
        FuzzReader(name: "inline-spec", file: "", alphabet: Array("x,0123456789GBMiTB. ".utf8), located: false,
                   seed: text("8x80GB,2x24576MiB,12GB")) { data, _ in
            // Through the loader, which reports a reference that is no inline spec.
            _ = try TopologyLoader.load(string(data))
        },
        FuzzReader(name: "allocator-trace", file: "trace.jsonl", alphabet: json, seed: text(allocatorTrace)) { data, file in
            _ = try AllocationTraceParser.parse(string(data), file: file, defaultGPUs: nil)
        },
        FuzzReader(name: "pool-trace", file: "pool.jsonl", alphabet: json, seed: text(poolTrace)) { data, file in
            _ = try PoolTrace.parse(string(data), file: file, catalog: ModelCatalog([]))
        },
        FuzzReader(name: "registry-csv", file: "registry.csv", alphabet: csv, seed: {
            // The header and the first 60 registrations (lines end in CRLF).
            let bytes = try file("Scenarios/ci/sglang-registry.csv")()
            let ends = bytes.indices.filter { bytes[$0] == 10 }
            return Array(bytes[...ends[60]])
        }) { data, file in
            _ = try RegistryCSV.parse(string(data), file: file)
        },
        FuzzReader(name: "suites-yaml", file: "suites.yaml", alphabet: yaml, seed: file("Scenarios/ci/sglang-suites.yaml")) { data, file in
            _ = try SuitesConfig.parse(string(data), file: file)
        },
        FuzzReader(name: "fleet-yaml", file: "fleet.yaml", alphabet: yaml, seed: file("Fleets/sglang-ci.yaml")) { data, file in
            _ = try FleetFile.parse(string(data), file: file)
        },
        FuzzReader(name: "junit-xml", file: "junit.xml", alphabet: xml, seed: text(junit)) { data, file in
            _ = try IngestFile.parse(data: data, source: file, backend: "cuda")
        },
        FuzzReader(name: "durations-csv", file: "durations.csv", alphabet: csv, seed: text(durationsCSV)) { data, file in
            _ = try IngestFile.parse(data: data, source: file, backend: "cuda")
        },
        FuzzReader(name: "ci-run-file", file: "run.json", alphabet: json, seed: text(ciRunFile)) { data, file in
            _ = try IngestFile.parse(data: data, source: file, backend: "cuda")
        },
        FuzzReader(name: "timings-log", file: "job.log", alphabet: json + Array("TIMNGSBEDN[]".utf8), seed: text(timingsLog)) { data, file in
            _ = try IngestFile.parse(data: data, source: file, backend: "cuda", suite: "s")
        },
        FuzzReader(name: "python-registration", file: "test_a.py", alphabet: python, seed: text(registeredTest)) { data, file in
            let result = RegistrationReader.read(source: Array(data), file: file)
            if let problem = result.problems.first { throw problem }
        },
        FuzzReader(name: "pytest-module", file: "test_worker_api.py", alphabet: python,
                   seed: file("Tests/GPUCISimulationTests/Fixtures/e2e_test/router/test_worker_api.py")) { data, file in
            let module = try PythonModuleReader.read(string(data), file: file)
            _ = try PytestCollector.collect(module: module, file: file)
        },
    ]

    static let scenarioJSON = """
        {"name": "json", "topology": "4x24GB", "timing": {"healthCheckInterval": 5, "testSeconds": 30},
         "tests": [
          {"id": "router/test_a.py::TestA::test_x[http]", "seconds": 12.5,
           "markers": {"e2e": true, "parametrize": [{"argnames": "setup_backend", "values": ["http", "grpc"], "indirect": true}]},
           "params": {"setup_backend": "http"}},
          {"id": "router/test_a.py::TestA::test_x[grpc]", "seconds": 3,
           "markers": {"e2e": true, "parametrize": [{"argnames": "setup_backend", "values": ["http", "grpc"], "indirect": true}]},
           "params": {"setup_backend": "grpc"}},
          {"id": "router/test_b.py::test_z", "seconds": 0.5}
        ]}

        """

    static let allocatorTrace = """
        {"gpus":[{"id":0,"memoryMiB":81920},{"id":1,"memoryMiB":81920},{"id":2,"memoryMiB":81920},{"id":3,"memoryMiB":81920}]}
        {"op":"allocate","specs":[{"key":"a","tp":2},{"key":"b","tp":1}]}
        {"op":"allocate","specs":[{"key":"c","tp":1,"memoryGB":40}]}
        {"op":"release","key":"a"}
        {"op":"releaseGPUs","gpus":[2]}
        {"op":"release","key":"c"}

        """

    static let poolTrace = """
        {"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"},{"id":1,"memoryMiB":81920,"name":"H100"}],"models":[{"id":"a","memoryGB":8},{"id":"b","memoryGB":8,"tp":2}]}
        {"op":"startup","workers":[{"model":"a","mode":"http"}]}
        {"op":"get","model":"a","mode":"http"}
        {"op":"acquire","key":"a:http"}
        {"op":"release","key":"a:http"}
        {"op":"get","model":"b","mode":"grpc"}
        {"op":"launchWorkers","workers":[{"model":"a","mode":"http","type":"prefill","index":0},{"model":"a","mode":"http","type":"decode","index":0}]}

        """

    static let junit = """
        <?xml version="1.0" encoding="utf-8"?>
        <testsuites>
          <testsuite name="pytest" tests="3" failures="1" time="30.5" timestamp="2026-01-07T12:00:00">
            <testcase classname="test.registered.test_a.TestA" name="test_x" file="test/registered/test_a.py" time="12.5"/>
            <testcase classname="test.registered.test_b.TestB" name="test_y" time="3.25"><failure message="boom">trace &amp; more</failure></testcase>
            <testcase classname="test.registered.test_c" name="test_z" time="0.01"><skipped message="no gpu"/></testcase>
            <properties><property name="host" value="runner-1"/></properties>
          </testsuite>
        </testsuites>

        """

    static let durationsCSV = """
        file,backend,seconds,outcome,timestamp
        test/registered/a.py,cuda,12.5,passed,2026-01-07T12:00:00Z
        "test/registered/b,c.py",,3,failed,1767787200
        test/registered/a.py,amd,7,timeout,

        """

    static let ciRunFile = """
        {"run_id": 27108004491, "started_at": "2026-06-07T23:25:51Z", "event": "schedule", "head_sha": "02be2e7",
         "jobs": [
          {"job_id": 80000525899, "name": "base-a-test-cpu (3)", "suite": "base-a-test-cpu", "backend": "cpu",
           "started_at": "2026-06-07T23:26:07Z", "completed_at": "2026-06-07T23:34:05Z", "labels": ["ubuntu-latest"],
           "timings": [{"file": "test/registered/quant/test_quant_config_parsing.py", "elapsed": 15},
                       {"file": "test/registered/unit/test_parser.py", "elapsed": 26}]}
         ]}

        """

    static let timingsLog = """
        2026-06-07T23:26:07.1234567Z ##[group]Run python3 run_suite.py
        2026-06-07T23:40:00.0000000Z [CI] TIMINGS BEGIN
        2026-06-07T23:40:00.0000001Z [CI] {"file": "test/registered/a.py", "passed": false, "elapsed": 10.5}
        2026-06-07T23:40:00.0000002Z [CI] {"file": "test/registered/a.py", "passed": true, "elapsed": 11}
        2026-06-07T23:40:00.0000004Z [CI] TIMINGS END
        2026-06-07T23:41:30.0000000Z Post job cleanup.

        """

    static let registeredTest = """
        import unittest

        from sglang.test.ci.ci_register import register_amd_ci, register_cuda_ci

        register_cuda_ci(est_time=120, suite="stage-b-test-small-1-gpu")
        register_amd_ci(est_time=300, suite="stage-a-test-1", disabled="flaky on MI300")


        class TestFoo(unittest.TestCase):
            def test_a(self):
                self.assertEqual(1 + 1, 2)


        if __name__ == "__main__":
            unittest.main()

        """
}

/// The same damage through the `gpuci` executable, as a user meets it: every case ends by itself
/// within the per-case timeout (no hang), by exit and not by a signal, and a rejection is exit 1
/// with exactly one `Error:` line that names the file. (Fleet files are read only by commands that
/// need a history database of runs; the in-process suite covers their reader.)
@Suite struct CommandFuzzTests {
    static let casesPerCommand = ProcessInfo.processInfo.environment["GPUCI_FUZZ_COMMAND_CASES"].flatMap(Int.init) ?? 12
    static let perCaseTimeout: TimeInterval = 60

    /// Reader name, file name, arguments (`FILE` and `DB` are replaced).
    static let commands: [(reader: String, file: String, arguments: [String])] = [
        ("hwloc-xml", "capture.xml", ["topology", "show", "FILE", "--format", "json"]),
        ("hwloc-xml-v3", "capture.xml", ["topology", "show", "FILE"]),
        ("topology-yaml", "h200-8.yaml", ["topology", "show", "FILE"]),
        ("scenario-yaml", "gateway-e2e.yaml", ["simulate", "FILE"]),
        ("scenario-json", "scenario.json", ["simulate", "FILE", "--format", "json"]),
        ("allocator-trace", "trace.jsonl", ["allocate", "--trace", "FILE"]),
        ("pool-trace", "pool.jsonl", ["pool", "--trace", "FILE"]),
        ("registry-csv", "registry.csv", ["plan", "--registry", "FILE"]),
        ("suites-yaml", "suites.yaml", ["plan", "--suites", "FILE"]),
        ("junit-xml", "junit.xml", ["history", "ingest", "FILE", "--backend", "cuda", "--db", "DB"]),
        ("durations-csv", "durations.csv", ["history", "ingest", "FILE", "--backend", "cuda", "--db", "DB"]),
        ("ci-run-file", "run.json", ["history", "ingest", "FILE", "--db", "DB"]),
        ("pytest-module", "test_worker_api.py", ["scenario", "import", "FILE"]),
    ]

    static func executable() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gpuci"),
            FuzzInputs.root.appendingPathComponent(".build/debug/gpuci"),
        ]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "build gpuci first (swift build)")
    }

    @Test(arguments: commands.map(\.reader))
    func damagedFilesEndInOneLocatedErrorLine(reader name: String) throws {
        let command = try #require(Self.commands.first { $0.reader == name })
        let reader = try #require(FuzzInputs.readers.first { $0.name == name })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-fuzz-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(command.file).path
        let mutations = ByteMutations(of: try reader.seed(), alphabet: reader.alphabet, count: Self.casesPerCommand,
                                      seed: FuzzInputs.seed ^ 0xC11)
        for (index, bytes) in mutations.enumerated() {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let database = folder.appendingPathComponent("h\(index).sqlite").path
            let arguments = command.arguments.map { $0 == "FILE" ? path : $0 == "DB" ? database : $0 }
            let (status, reason, stderr) = try Self.run(arguments, in: folder)
            let label = "\(name) case \(index) (gpuci \(arguments.joined(separator: " ")))"
            #expect(reason == .exit, "\(label): ended by signal \(status)")
            #expect(status == 0 || status == 1, "\(label): exit \(status)")
            if status != 0 {
                let lines = stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") && !$0.hasPrefix("warning:") }
                // The path as given, or (scenario import, which names files from the import root) the file name.
                #expect(lines.count == 1 && lines[0].hasPrefix("Error: ") && lines[0].contains(command.file), "\(label): \(stderr)")
            }
        }
    }

    /// Runs gpuci with its output in files; kills it and fails after ``perCaseTimeout``.
    static func run(_ arguments: [String], in folder: URL) throws -> (Int32, Process.TerminationReason, String) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let err = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(perCaseTimeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("gpuci \(arguments.joined(separator: " ")): still running after \(Int(perCaseTimeout)) s")
        }
        return (process.terminationStatus, process.terminationReason, (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
