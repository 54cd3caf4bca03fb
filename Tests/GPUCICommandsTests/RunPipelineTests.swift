import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GPUCIHistory
import Testing

/// `gpuci run` as a CI job uses it (issue 10, item 1): output streamed with a line per file, a
/// heartbeat for a silent test, every attempt's output kept, and on SIGTERM the summary, a
/// partial JUnit and sglang's timings block written before it ends as the signal would; the log's
/// timings block read back by `history ingest` adds nothing twice.
@Suite struct RunPipelineTests {
    @Test func aTerminatedRunReportsWhatFinished() throws {
        let tree = try HistoryRunTree()
        defer { tree.remove() }
        try tree.add("test_a.py", estTime: "30", body: "print('alpha output')\n")
        try tree.add("test_b_hang.py", estTime: "10", body: """
        import os, sys, time
        print('b started', flush=True)
        with open('hang.pid.tmp', 'w') as f:
            f.write(str(os.getpid()))
        os.rename('hang.pid.tmp', 'hang.pid')
        time.sleep(60)

        """)
        try tree.add("test_c.py", estTime: "5", body: "print('never')\n")
        let pidFile = tree.root.appendingPathComponent("test/hang.pid")
        let (process, stdout, _) = try HistoryRunBinary.start(
            ["run", "--registry", ".", "--backend", "cpu", "--suite", "unit", "--algorithm", "sglang", "--db", "h.sqlite",
             "--junit", "out/junit.xml", "--log-dir", "logs", "--heartbeat", "1", "--kill-grace", "2",
             "--summary-json", "out/summary.json"], in: tree.root)
        var waited = 0
        while !FileManager.default.fileExists(atPath: pidFile.path), waited < 1500, process.isRunning {
            usleep(10_000)
            waited += 1
        }
        // Past one heartbeat (polled, so a loaded machine only makes it slower).
        waited = 0
        while waited < 3000, process.isRunning,
              (try? String(contentsOf: stdout, encoding: .utf8))?.contains("still running: ") != true {
            usleep(10_000)
            waited += 1
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)

        let log = try String(contentsOf: stdout, encoding: .utf8)
        #expect(log.contains("partition 0 of 1"))
        #expect(log.contains("── [1/3] test/registered/test_a.py ──\nalpha output\n"), "\(log)")
        #expect(log.contains("── [2/3] test/registered/test_b_hang.py ──\nb started\n"))
        #expect(log.contains("… test/registered/test_b_hang.py still running: "))
        #expect(log.contains("test/registered/test_b_hang.py interrupted by SIGTERM after "))
        #expect(log.contains("1 passed, 0 failed, 1 not run — interrupted by SIGTERM (1 file cut short)"))
        #expect(!log.contains("never"))
        #expect(log.contains("TIMINGS BEGIN\n{") && log.contains("\"file\":\"test/registered/test_a.py\"") && log.contains("TIMINGS END\n"))

        let junit = try String(contentsOf: tree.root.appendingPathComponent("out/junit.xml"), encoding: .utf8)
        #expect(junit.contains("tests=\"3\" failures=\"0\" errors=\"1\" skipped=\"1\""))
        #expect(junit.contains("<error message=\"interrupted by signal \(SIGTERM) after "))
        #expect(junit.contains("<skipped message=\"not run: the run was interrupted\"/>"))
        #expect(junit.contains("<system-out>alpha output\n</system-out>") && junit.contains("<system-out>b started\n"))
        let summary = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: tree.root.appendingPathComponent("out/summary.json"))) as? [String: Any])
        #expect(summary["interruptedBy"] as? String == "SIGTERM" && summary["passed"] as? Bool == false && summary["of"] as? Int == 1)
        let outcomes = (summary["files"] as? [[String: Any]])?.map { $0["outcome"] as? String ?? "" }
        #expect(outcomes == ["passed", "interrupted", "not run"])
        let kept = try String(contentsOf: tree.root.appendingPathComponent("logs/test__registered__test_a.py.1.log"), encoding: .utf8)
        #expect(kept == "alpha output\n")

        let database = try HistoryDatabase(path: tree.root.appendingPathComponent("h.sqlite").path)
        #expect(try database.attempts().map(\.file) == ["test/registered/test_a.py"])
        // The saved job log, ingested as a CI log into the same database: nothing counted twice.
        let saved = tree.root.appendingPathComponent("job.log")
        try FileManager.default.copyItem(at: stdout, to: saved)
        let ingest = try HistoryRunBinary.run(["history", "ingest", "job.log", "--suite", "unit", "--backend", "cpu", "--db", "h.sqlite"],
                                              in: tree.root)
        #expect(ingest.status == 0 && ingest.stdout.contains("already ingested"), "\(ingest.stdout) \(ingest.stderr)")
        #expect(try database.attemptCount() == 1)
        if let hang = pid_t((try? String(contentsOf: pidFile, encoding: .utf8)) ?? "") { kill(-hang, SIGKILL) }
    }
}

/// Where a file's timeout comes from, and a warning before the run when est_time is over it.
@Suite struct RunTimeoutSourceTests {
    @Test func theTimeoutComesFromTheFlagsTheSuitesFileOrEstTime() throws {
        let tree = try HistoryRunTree()
        defer { tree.remove() }
        try tree.add("test_long.py", estTime: "2000", body: "print('quick')\n")
        let suites = tree.root.appendingPathComponent("suites.yaml")
        try Data("suites:\n  - {backend: cpu, suite: unit, runner: r, perFileTimeoutSeconds: 3000}\n".utf8).write(to: suites)
        let base = ["run", "--registry", ".", "--backend", "cpu", "--suite", "unit", "--db", "h.sqlite", "--quiet"]
        let plain = try HistoryRunBinary.run(base, in: tree.root)
        #expect(plain.status == 0 && plain.stderr.contains("warning: test/registered/test_long.py: est_time 2000 s is over its 1200 s per-file timeout"), "\(plain.stderr)")
        let retried = try HistoryRunBinary.run(base + ["--retry", "1"], in: tree.root)
        #expect(retried.stderr.contains("is over its 1800 s per-file timeout"))
        let configured = try HistoryRunBinary.run(base + ["--suites", "suites.yaml"], in: tree.root)
        #expect(configured.status == 0 && !configured.stderr.contains("warning"), "\(configured.stderr)")
        let scaled = try HistoryRunBinary.run(base + ["--timeout-from-est-time", "1.5"], in: tree.root)
        #expect(scaled.status == 0 && !scaled.stderr.contains("warning"), "\(scaled.stderr)")
        let both = try HistoryRunBinary.run(base + ["--timeout-from-est-time", "1.5", "--timeout-per-file", "10"], in: tree.root)
        #expect(both.status != 0 && both.stderr.contains("not both"))
    }
}

/// As sglang's runner: without partition flags files run in discovery order, and an empty suite
/// is nothing to run, not an error (issue 10, item 4).
@Suite struct RunDiscoveryOrderTests {
    @Test func unpartitionedRunsKeepDiscoveryOrderAndEmptySuitesPass() throws {
        let tree = try HistoryRunTree()
        defer { tree.remove() }
        try tree.add("test_a_short.py", estTime: "10", body: "print('a')\n")
        try tree.add("test_b_long.py", estTime: "30", body: "print('b')\n")
        let base = ["run", "--registry", ".", "--backend", "cpu", "--suite", "unit", "--db", "h.sqlite", "--quiet"]
        let discovery = try HistoryRunBinary.run(base, in: tree.root)
        #expect(discovery.status == 0, "\(discovery.stderr)")
        let order = discovery.stdout.split(separator: "\n").filter { $0.hasPrefix("[") }.map { String($0.split(separator: " ")[1]) }
        #expect(order == ["test/registered/test_a_short.py", "test/registered/test_b_long.py"], "\(discovery.stdout)")
        let partitioned = try HistoryRunBinary.run(base + ["--of", "1"], in: tree.root)
        let lpt = partitioned.stdout.split(separator: "\n").filter { $0.hasPrefix("[") }.map { String($0.split(separator: " ")[1]) }
        #expect(lpt == ["test/registered/test_b_long.py", "test/registered/test_a_short.py"])

        let empty = try HistoryRunBinary.run(["run", "--registry", ".", "--backend", "cpu", "--suite", "uni", "--db", "h.sqlite",
                                              "--junit", "empty.xml"], in: tree.root)
        #expect(empty.status == 0)
        #expect(empty.stderr.contains("no registrations for suite uni on cpu: nothing to run; did you mean 'unit'?"), "\(empty.stderr)")
        let junit = try String(contentsOf: tree.root.appendingPathComponent("empty.xml"), encoding: .utf8)
        #expect(junit.contains("tests=\"0\""))
    }
}
