import Foundation
import Testing
@testable import GPUCICommands

/// Runs the built `gpuci` binary.
enum PlanCLI {
    static let packageRoot = GPUCIExecutable.packageRoot
    typealias Output = GPUCIExecutable.Output

    static func run(_ arguments: [String]) throws -> Output { try GPUCIExecutable.run(arguments) }

    static func temporaryFolder() throws -> URL { try GPUCIExecutable.scratchFolder("plan-cli") }
}

@Suite(.serialized)
struct PlanCommandTests {
    @Test func optionsAreValidated() {
        #expect(throws: (any Error).self) { try GPUCI.parseAsRoot(["plan", "--partitions", "0"]) }
        #expect(throws: (any Error).self) { try GPUCI.parseAsRoot(["plan", "--partitions", "2", "--suites", "x.yaml"]) }
        #expect(throws: (any Error).self) { try GPUCI.parseAsRoot(["plan", "--algorithm", "fastest"]) }
        #expect(throws: (any Error).self) { try GPUCI.parseAsRoot(["plan", "show", "--suite", "s", "--partition", "3", "--of", "3"]) }
        #expect(throws: (any Error).self) { try GPUCI.parseAsRoot(["plan", "recommend", "--timeout", "30"]) }
        #expect(throws: (any Error).self) { try GPUCI.parseAsRoot(["plan", "recommend", "--timeout", "1m", "--overhead", "2m"]) }
        #expect((try? GPUCI.parseAsRoot(["plan", "recommend", "--timeout", "1h30m", "--overhead", "90s"])) != nil)
    }

    @Test func theToyExampleThroughTheCLI() throws {
        let folder = try PlanCLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var csv = "file,backend,suite,est_time,extra\r\n"
        for (name, est) in [("a", 100), ("b", 90), ("c", 60), ("d", 60), ("e", 50), ("f", 30), ("g", 10)] {
            csv += "test/registered/\(name).py,cuda,toy,\(est),\r\n"
        }
        let path = folder.appendingPathComponent("toy.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let json = try PlanCLI.run(["plan", "--registry", path, "--partitions", "3", "--algorithm", "sglang", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let suite = try #require((document["suites"] as? [[String: Any]])?.first)
        let partitions = try #require(suite["partitions"] as? [[String: Any]])
        #expect(partitions.map { $0["files"] as? [String] ?? [] } == [
            ["test/registered/a.py", "test/registered/f.py"],
            ["test/registered/b.py", "test/registered/e.py"],
            ["test/registered/c.py", "test/registered/d.py", "test/registered/g.py"],
        ])
        #expect(partitions.map { $0["estSeconds"] as? Double ?? 0 } == [130, 140, 130])
        #expect(suite["makespanSeconds"] as? Double == 140)
        #expect(suite["lowerBoundSeconds"] as? Double == 140)
        #expect(suite["optimal"] as? Bool == true)
        #expect((document["planHash"] as? String)?.hasPrefix("sha256:") == true)

        let show = try PlanCLI.run(["plan", "show", "--registry", path, "--suite", "toy", "--partition", "2", "--of", "3", "--algorithm", "sglang"])
        #expect(show.stdout == "test/registered/c.py\ntest/registered/d.py\ntest/registered/g.py\n")
    }

    @Test func bundledPlansAreDeterministicAndMatchShow() throws {
        let arguments = ["plan", "--backend", "cuda", "--suite", "base-b-test-1-gpu-small", "--format", "json"]
        let first = try PlanCLI.run(arguments)
        let second = try PlanCLI.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let suite = try #require((document["suites"] as? [[String: Any]])?.first)
        let partitions = try #require(suite["partitions"] as? [[String: Any]])
        // The bundled suites file has this suite's count computed at run time: ceil(Σ est / (0.75 · 30 min)).
        #expect(partitions.count == 8)
        #expect((suite["makespanSeconds"] as? Double ?? 0) >= (suite["lowerBoundSeconds"] as? Double ?? .infinity))
        for (index, partition) in partitions.enumerated() {
            let show = try PlanCLI.run(["plan", "show", "--backend", "cuda", "--suite", "base-b-test-1-gpu-small",
                                        "--partition", String(index), "--of", "8"])
            #expect(show.stdout == (partition["files"] as? [String] ?? []).map { $0 + "\n" }.joined())
        }
    }

    @Test func planAloneWorksOnTheBundledDefaults() throws {
        let result = try PlanCLI.run(["plan"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cuda/base-b-test-1-gpu-small  algorithm optimal  partitions 8  runner 1-gpu-5090  timeout 30 min"))
        #expect(result.stdout.contains("plan hash sha256:"))
        let bad = try PlanCLI.run(["plan", "--registry", "/nonexistent/registry.csv"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("/nonexistent/registry.csv: no such file or folder"))
    }

    @Test func githubMatrixHasOneEntryPerJob() throws {
        let result = try PlanCLI.run(["plan", "--backend", "amd", "--suite", "stage-b-test-1-gpu-small-amd", "--format", "github-matrix"])
        #expect(result.status == 0, "\(result.stderr)")
        let matrix = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let jobs = try #require(matrix["include"] as? [[String: Any]])
        #expect(jobs.count == 14)
        #expect(jobs.map { $0["partition"] as? Int ?? -1 } == Array(0..<14))
        #expect(jobs.allSatisfy { $0["of"] as? Int == 14 && $0["runner"] as? String == "linux-mi300-1gpu-sglang" && $0["timeout"] as? Int == 75 })
    }

    @Test func theTableHasABarPerPartitionAndAHash() throws {
        let result = try PlanCLI.run(["plan", "--backend", "cuda", "--suite", "extra-b-test-4-gpu-h100", "--partitions", "8"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("|########################################|"))
        #expect(result.stdout.contains("alone binds the makespan"))
        #expect(result.stdout.split(separator: "\n").last?.hasPrefix("plan hash sha256:") == true)
    }

    @Test func recommendProvesTheMinimalCount() throws {
        let result = try PlanCLI.run(["plan", "recommend", "--backend", "cuda", "--suite", "base-b-test-1-gpu-small", "--timeout", "30m", "--overhead", "2m"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("recommended: 7 partitions (proved minimal: with 6 partitions the lower bound 1759 s exceeds the 1680 s"))
        let impossible = try PlanCLI.run(["plan", "recommend", "--backend", "cuda", "--suite", "extra-b-test-4-gpu-h100", "--timeout", "30m"])
        #expect(impossible.stdout.contains("no recommendation:"))
        #expect(impossible.stdout.contains("split that file"))
    }

    @Test func registryScanWritesCSVAndJSONAndReportsProblems() throws {
        let folder = try PlanCLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let registered = folder.appendingPathComponent("test/registered/a")
        try FileManager.default.createDirectory(at: registered, withIntermediateDirectories: true)
        try "register_cuda_ci(10, 'stage-a-test-1')\nregister_amd_ci(20.5, 't', disabled='TP=2; flaky')\nif __name__ == '__main__':\n    main()\n"
            .write(to: registered.appendingPathComponent("test_x.py"), atomically: true, encoding: .utf8)
        let csv = try PlanCLI.run(["registry", "scan", folder.path])
        #expect(csv.stdout == "file,backend,suite,est_time,extra\r\ntest/registered/a/test_x.py,cuda,stage-a-test-1,10,\r\ntest/registered/a/test_x.py,amd,t,20.5,\"disabled=\"\"TP=2; flaky\"\"\"\r\n")
        let json = try PlanCLI.run(["registry", "scan", folder.appendingPathComponent("test").path, "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let entries = try #require(document["registrations"] as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries[0]["disabled"] is NSNull)
        #expect(entries[1]["disabled"] as? String == "TP=2; flaky")
        #expect(entries[1]["estTime"] as? Double == 20.5)

        try "if True:\n    register_cuda_ci(1, 's')\n".write(to: registered.appendingPathComponent("test_y.py"), atomically: true, encoding: .utf8)
        let failing = try PlanCLI.run(["registry", "scan", folder.path])
        #expect(failing.status != 0)
        #expect(failing.stderr.contains("test/registered/a/test_y.py: No CI registry found"))
        let plan = try PlanCLI.run(["plan", "--registry", folder.path])
        #expect(plan.status != 0)
        #expect(plan.stderr.contains("test/registered/a/test_y.py"))
    }
}
