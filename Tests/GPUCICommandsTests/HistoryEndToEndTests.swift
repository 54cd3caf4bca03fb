import Foundation
import GPUCIHistory
import Testing
@testable import GPUCICommands

/// The whole loop on a tiny tree: plan, run every partition, ingest, drift, apply, plan on history.
@Suite struct HistoryEndToEndTests {
    @Test func planRunIngestDriftApplyReplan() throws {
        let tree = try HistoryRunTree()
        defer { tree.remove() }
        let root = tree.root
        try tree.add("test_pass.py", estTime: "1", body: "print('ok')\n")
        let overestimated = try tree.add("test_overestimated.py", estTime: "100", body: "print('fast')  # est_time=100 stays in this comment\n")
        try tree.add("test_fail.py", estTime: "2", body: "import sys\nprint('ImportError: no module named foo')\nsys.exit(1)\n")
        try tree.add("test_hang.py", estTime: "3", body: "import time\ntime.sleep(60)\n")
        try tree.add("test_flaky.py", estTime: "4", body: """
        import os, sys
        if not os.path.exists('flaky.marker'):
            open('flaky.marker', 'w').close()
            print('AssertionError: 0.5 not greater than 0.9')
            sys.exit(1)
        print('ok the second time')

        """)
        let sourcesBefore = try sources(root)

        // Plan.
        let plan = try HistoryRunBinary.run(["plan", "--registry", ".", "--backend", "cpu", "--suite", "unit",
                                            "--partitions", "2", "--format", "json"], in: root)
        #expect(plan.status == 0, "\(plan.stderr)")
        let planned = try partitions(plan.stdout)
        #expect(planned.flatMap { $0 }.sorted() == ["test_fail.py", "test_flaky.py", "test_hang.py", "test_overestimated.py", "test_pass.py"].map { "test/registered/" + $0 })

        // Run each partition; the default database is .gpuci/history.sqlite under the working directory.
        for index in 0..<2 {
            let run = try HistoryRunBinary.run(["run", "--registry", ".", "--backend", "cpu", "--suite", "unit",
                                               "--partition", String(index), "--of", "2", "--timeout-per-file", "2",
                                               "--kill-grace", "0.5", "--retry", "1", "--retry-wait", "0", "--retry-timeout-increase", "0",
                                               "--continue-on-error", "--junit", "out-\(index).xml"], in: root)
            let failing = planned[index].contains { $0.hasSuffix("test_fail.py") || $0.hasSuffix("test_hang.py") }
            #expect(run.status == (failing ? 1 : 0), "\(run.stdout)\(run.stderr)")
            #expect(!run.stdout.contains("\u{1B}["), "no live progress when stdout is not a terminal")
        }
        let database = root.appendingPathComponent(".gpuci/history.sqlite").path
        let attempts = try HistoryDatabase(path: database).attempts()
        func outcomes(_ name: String) -> [AttemptOutcome] {
            attempts.filter { $0.file == "test/registered/\(name)" }.map(\.outcome)
        }
        #expect(outcomes("test_pass.py") == [.passed])
        #expect(outcomes("test_overestimated.py") == [.passed])
        #expect(outcomes("test_fail.py") == [.failed])
        #expect(outcomes("test_hang.py") == [.timeout])
        #expect(outcomes("test_flaky.py") == [.retried, .passed])
        #expect(attempts.allSatisfy { $0.backend == "cpu" && $0.suite == "unit" && $0.partitions == 2 && $0.startedAt != nil })
        let hang = try #require(attempts.first { $0.outcome == .timeout })
        #expect(hang.seconds >= 2 && hang.seconds < 30)

        // Ingest the JUnit reports into a second database, twice.
        let ingest = try HistoryRunBinary.run(["history", "ingest", "out-0.xml", "out-1.xml", "--backend", "cpu", "--db", "ingested.sqlite"], in: root)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let again = try HistoryRunBinary.run(["history", "ingest", "out-1.xml", "--backend", "cpu", "--db", "ingested.sqlite"], in: root)
        #expect(again.stdout.contains("already ingested"))
        let ingested = try HistoryDatabase(path: root.appendingPathComponent("ingested.sqlite").path).attempts()
        #expect(ingested.count == 5)
        #expect(ingested.filter { $0.outcome == .failed }.map(\.file).sorted() == ["test/registered/test_fail.py", "test/registered/test_hang.py"])

        // Drift flags the over-estimated file only.
        let drift = try HistoryRunBinary.run(["history", "drift", "--registry", ".", "--min-runs", "1", "--format", "json"], in: root)
        #expect(drift.status == 0, "\(drift.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(drift.stdout.utf8)) as? [String: Any])
        let rows = try #require(report["files"] as? [[String: Any]])
        #expect(rows.filter { $0["flagged"] as? Bool == true }.compactMap { $0["file"] as? String } == ["test/registered/test_overestimated.py"])
        #expect((report["unregistered"] as? [Any])?.isEmpty == true && (report["neverRun"] as? [Any])?.isEmpty == true)
        // Sorted by CI time: the timed-out file (2 s) comes first.
        #expect(rows.first?["file"] as? String == "test/registered/test_hang.py")

        // Apply: the preview changes nothing, --write edits only that literal.
        let preview = try HistoryRunBinary.run(["history", "apply", "--registry", ".", "--min-runs", "1"], in: root)
        #expect(preview.stdout.contains("-register_cpu_ci(est_time=100, suite=\"unit\")\n+register_cpu_ci(est_time=5, suite=\"unit\")"))
        #expect(try sources(root) == sourcesBefore)
        let apply = try HistoryRunBinary.run(["history", "apply", "--registry", ".", "--min-runs", "1", "--write"], in: root)
        #expect(apply.status == 0, "\(apply.stderr)")
        var expected = sourcesBefore
        expected[overestimated.lastPathComponent] = sourcesBefore[overestimated.lastPathComponent]?
            .replacingOccurrences(of: "register_cpu_ci(est_time=100,", with: "register_cpu_ci(est_time=5,")
        #expect(try sources(root) == expected)

        // The next plan on history uses the medians and names the files that fell back to est_time.
        let replan = try HistoryRunBinary.run(["plan", "--registry", ".", "--backend", "cpu", "--suite", "unit",
                                              "--partitions", "2", "--format", "json", "--estimates", "history"], in: root)
        #expect(replan.status == 0, "\(replan.stderr)")
        #expect(replan.stderr.contains("test/registered/test_fail.py") && replan.stderr.contains("test/registered/test_hang.py"))
        #expect(!replan.stderr.contains("test_pass.py") && !replan.stderr.contains("test_overestimated.py"))
        let passedSeconds = attempts.filter { $0.outcome == .passed }.reduce(0) { $0 + $1.seconds }
        let total = try partitionSeconds(replan.stdout).reduce(0, +)
        #expect(abs(total - (passedSeconds + 2 + 3)) < 0.01)
        let registryPlan = try HistoryRunBinary.run(["plan", "--registry", ".", "--backend", "cpu", "--suite", "unit",
                                                    "--partitions", "2", "--format", "json"], in: root)
        #expect(try partitionSeconds(registryPlan.stdout).reduce(0, +) == 15)
    }

    private func sources(_ root: URL) throws -> [String: String] {
        let folder = root.appendingPathComponent("test/registered")
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".py") {
            result[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        return result
    }

    private func suites(_ json: String) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(document["suites"] as? [[String: Any]])
    }

    private func partitions(_ json: String) throws -> [[String]] {
        let suite = try #require(try suites(json).first)
        let parts = try #require(suite["partitions"] as? [[String: Any]])
        return parts.map { ($0["files"] as? [String]) ?? [] }
    }

    private func partitionSeconds(_ json: String) throws -> [Double] {
        let suite = try #require(try suites(json).first)
        let parts = try #require(suite["partitions"] as? [[String: Any]])
        return parts.compactMap { ($0["estSeconds"] as? NSNumber)?.doubleValue }
    }
}
