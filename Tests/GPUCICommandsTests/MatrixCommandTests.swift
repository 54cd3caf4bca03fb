import Foundation
import Testing

/// `plan --format github-matrix` launches no job that cannot pass (issue 10, item 2).
@Suite(.serialized)
struct MatrixCommandTests {
    /// A toy registry: suite `toy` of 4 files (100, 90, 60, 10 s), suite `lone` of one 50 s file
    /// and suite `off` whose only file is disabled.
    static func registry(in folder: URL) throws -> String {
        var csv = "file,backend,suite,est_time,extra\n"
        for (name, est) in [("a", 100), ("b", 90), ("c", 60), ("d", 10)] { csv += "test/registered/\(name).py,cuda,toy,\(est),\n" }
        csv += "test/registered/lone.py,cuda,lone,50,\n"
        csv += "test/registered/off.py,cuda,off,20,disabled=flaky\n"
        let path = folder.appendingPathComponent("registry.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aUsersRegistryDoesNotGetTheBundledSuitesFile() throws {
        let folder = try PlanCLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let registry = try Self.registry(in: folder)
        let table = try PlanCLI.run(["plan", "--registry", registry])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stderr.contains("note: no suites file for \(registry)"))
        let matrix = try PlanCLI.run(["plan", "--registry", registry, "--format", "github-matrix"])
        #expect(matrix.status != 0 && matrix.stdout.isEmpty)
        #expect(matrix.stderr.contains("error: cuda/toy partition 0 of 1: no runner label"))
        #expect(matrix.stderr.contains("3 jobs of the matrix cannot pass"), "\(matrix.stderr)")
    }

    @Test func defaultsApplyToEverySuiteAndDeadJobsAreListed() throws {
        let folder = try PlanCLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let registry = try Self.registry(in: folder)
        let suites = try Self.write("""
        defaults: {runner: 1-gpu-runner, timeoutMinutes: 2, partitions: 2}
        suites:
          - {backend: cuda, suite: toy, partitions: 2, timeoutMinutes: 3}
        """, "suites.yaml", in: folder)
        let refused = try PlanCLI.run(["plan", "--registry", registry, "--suites", suites, "--format", "github-matrix"])
        #expect(refused.status != 0 && refused.stdout.isEmpty)
        let errors = refused.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") && !$0.contains("cannot pass") }
        #expect(errors == [
            "error: cuda/lone partition 1 of 2: nothing to run (more partitions than files)",
            "error: cuda/off partition 0 of 2: the suite has no enabled file",
            "error: cuda/off partition 1 of 2: the suite has no enabled file",
        ], "\(refused.stderr)")

        let allowed = try PlanCLI.run(["plan", "--registry", registry, "--suites", suites, "--format", "github-matrix", "--allow-dead-jobs"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("warning: cuda/off partition 0 of 2: the suite has no enabled file"))
        let jobs = try #require((try JSONSerialization.jsonObject(with: Data(allowed.stdout.utf8)) as? [String: Any])?["include"] as? [[String: Any]])
        #expect(jobs.map { "\($0["suite"] ?? "")/\($0["runner"] ?? "")/\($0["timeout"] ?? "")" }
                == ["lone/1-gpu-runner/2", "lone/1-gpu-runner/2", "off/1-gpu-runner/2", "off/1-gpu-runner/2", "toy/1-gpu-runner/3", "toy/1-gpu-runner/3"])
    }

    @Test func aPartitionOverItsTimeoutIsRefused() throws {
        let folder = try PlanCLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let registry = try Self.registry(in: folder)
        let suites = try Self.write("""
        suites:
          - {backend: cuda, suite: toy, partitions: 1, runner: r, timeoutMinutes: 4}
          - {backend: cuda, suite: lone, partitions: 1, runner: r, timeoutMinutes: 1}
        """, "suites.yaml", in: folder)
        let refused = try PlanCLI.run(["plan", "--registry", registry, "--suite", "toy", "--suites", suites, "--format", "github-matrix"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("error: cuda/toy partition 0 of 1: Σ est_time 260 s is over the 4 min timeout"), "\(refused.stderr)")
        let fits = try PlanCLI.run(["plan", "--registry", registry, "--suite", "lone", "--suites", suites, "--format", "github-matrix"])
        #expect(fits.status == 0, "\(fits.stderr)")
    }

    @Test func theBundledMatrixNamesItsDeadJobs() throws {
        let result = try PlanCLI.run(["plan", "--format", "github-matrix"])
        let dead = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") && $0.contains(" partition ") }
        if result.status == 0 {
            #expect(dead.isEmpty)
        } else {
            #expect(!dead.isEmpty && result.stdout.isEmpty)
            #expect(result.stderr.contains("\(dead.count) job\(dead.count == 1 ? "" : "s") of the matrix cannot pass"))
        }
    }
}
