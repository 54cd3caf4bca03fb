import Foundation
import Testing
import Yams

/// The example workflow in `docs/` reads only keys the github-matrix gives every job.
@Suite struct WorkflowExampleTests {
    @Test func everyMatrixKeyTheExampleReadsIsInTheMatrix() throws {
        let path = PlanCLI.packageRoot.appendingPathComponent("docs/github-actions-example.yml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let workflow = try #require(try Yams.load(yaml: text) as? [String: Any])
        let jobs = try #require(workflow["jobs"] as? [String: Any])
        #expect(Set(jobs.keys) == ["plan", "test", "history"])
        let test = try #require(jobs["test"] as? [String: Any])
        #expect((test["strategy"] as? [String: Any])?["matrix"] as? String == "${{ fromJson(needs.plan.outputs.matrix) }}")

        let pattern = try NSRegularExpression(pattern: #"matrix\.([A-Za-z_]+)"#)
        let used = Set(pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        })
        #expect(used == ["runner", "timeout", "backend", "suite", "partition", "of"])

        let result = try PlanCLI.run(["plan", "--backend", "amd", "--suite", "stage-b-test-1-gpu-small-amd", "--format", "github-matrix"])
        #expect(result.status == 0, "\(result.stderr)")
        let matrix = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let entries = try #require(matrix["include"] as? [[String: Any]])
        #expect(!entries.isEmpty)
        for entry in entries { #expect(used.isSubset(of: Set(entry.keys)), "\(entry.keys.sorted())") }
    }
}
