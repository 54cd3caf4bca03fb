import Foundation
import Testing

/// `--rules NAME|auto` through the `gpuci` executable.
@Suite(.serialized)
struct RegistryRulesCommandTests {
    /// A tree (in no git checkout) with one pytest-style file that has no main block.
    private static func tree() throws -> URL {
        let folder = try GPUCIExecutable.scratchFolder("rules-cli")
        let registered = folder.appendingPathComponent("test/registered")
        try FileManager.default.createDirectory(at: registered, withIntermediateDirectories: true)
        try "register_cuda_ci(10, 'stage-a-test-1')\n\ndef test_x():\n    pass\n"
            .write(to: registered.appendingPathComponent("test_x.py"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func autoOutsideACheckoutUsesTheNewestRulesAndSaysSo() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scan = try GPUCIExecutable.run(["registry", "scan", folder.path])
        #expect(scan.status != 0)
        #expect(scan.stderr.contains("note: \(folder.path): registry rules 'collect-cpu-utils' (sglang ~2026-08-13 – ): \(folder.path) is not in a git checkout, so the newest rules are used"), "\(scan.stderr)")
        #expect(scan.stderr.contains("test/registered/test_x.py:1: missing an if __name__ == \"__main__\": block"), "\(scan.stderr)")
        let plan = try GPUCIExecutable.run(["plan", "--registry", folder.path])
        #expect(plan.status != 0 && plan.stderr.contains("test/registered/test_x.py:1: missing"))
    }

    @Test func namedRulesAreUsedAndReported() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = try GPUCIExecutable.run(["registry", "scan", folder.path, "--rules", "anchor", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stderr.isEmpty, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rules = try #require(document["rules"] as? [String: Any])
        #expect(rules["name"] as? String == "anchor" && rules["from"] as? String == "2026-01-07" && rules["to"] as? String == "2026-03-23")
        #expect(rules["reason"] as? String == "chosen with --rules" && rules["approximate"] as? Bool == false)
        #expect((document["registrations"] as? [Any])?.count == 1)

        let csv = try GPUCIExecutable.run(["registry", "scan", folder.path, "--rules", "jit-kernel"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("file,backend,suite,est_time,extra\r\n"))
        #expect(csv.stderr == "note: \(folder.path): registry rules 'jit-kernel' (sglang 2026-03-23 – 2026-04-21): chosen with --rules\n")
        let plan = try GPUCIExecutable.run(["plan", "--registry", folder.path, "--rules", "anchor"])
        #expect(plan.status == 0, "\(plan.stderr)")
    }

    @Test func badRulesAreRefused() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let unknown = try GPUCIExecutable.run(["registry", "scan", folder.path, "--rules", "newest"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--rules: unknown rule set 'newest' (expected auto or one of anchor,"), "\(unknown.stderr)")
        let csvPath = folder.appendingPathComponent("r.csv")
        try "file,backend,suite,est_time,extra\r\ntest/registered/a.py,cuda,s,10,\r\n".write(to: csvPath, atomically: true, encoding: .utf8)
        let onCSV = try GPUCIExecutable.run(["plan", "--registry", csvPath.path, "--rules", "anchor"])
        #expect(onCSV.status != 0 && onCSV.stderr.contains("--rules applies only to a source-tree registry"), "\(onCSV.stderr)")
        let bundled = try GPUCIExecutable.run(["suites", "list", "--rules", "auto"])
        #expect(bundled.status != 0 && bundled.stderr.contains("not to the bundled registry"), "\(bundled.stderr)")
    }
}
