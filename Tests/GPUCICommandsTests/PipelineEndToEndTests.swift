import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GPUCIHistory
import Testing

/// Issue 10's whole pipeline on a fake tree: suites file → `plan --format github-matrix` → a
/// `gpuci run` per matrix job (one file hangs past its per-file timeout, one job is stopped by
/// SIGTERM halfway) → complete and partial JUnit and logs → the JUnit and the job log ingested
/// back into the same history without counting an attempt twice.
@Suite(.serialized) struct PipelineEndToEndTests {
    @Test func matrixToRunsToHistory() throws {
        let tree = try HistoryRunTree()
        defer { tree.remove() }
        try tree.add("test_alpha.py", estTime: "30", body: "print('alpha ok')\n")
        try tree.add("test_hang.py", estTime: "29", body: "import time\nprint('hang started', flush=True)\ntime.sleep(120)\n")
        try tree.add("test_gamma.py", estTime: "20", body: "print('gamma ok')\n")
        try tree.add("test_delta.py", estTime: "19", body: """
        import os, time
        print('delta started', flush=True)
        with open('delta.pid.tmp', 'w') as f:
            f.write(str(os.getpid()))
        os.rename('delta.pid.tmp', 'delta.pid')
        time.sleep(120)

        """)
        try """
        suites:
          - {backend: cpu, suite: unit, partitions: 2, runner: cpu-box, timeoutMinutes: 10, perFileTimeoutSeconds: 3}
        """.write(to: tree.root.appendingPathComponent("suites.yaml"), atomically: true, encoding: .utf8)

        let plan = try HistoryRunBinary.run(["plan", "--registry", ".", "--suites", "suites.yaml", "--backend", "cpu",
                                             "--suite", "unit", "--format", "github-matrix"], in: tree.root)
        #expect(plan.status == 0, "\(plan.stderr)")
        let matrix = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let jobs = try #require(matrix["include"] as? [[String: Any]])
        #expect(jobs.count == 2 && jobs.allSatisfy { $0["runner"] as? String == "cpu-box" && $0["of"] as? Int == 2 })

        // Which job runs which files, as the CI step would print them.
        var files: [Int: [String]] = [:]
        for job in jobs {
            let index = try #require(job["partition"] as? Int)
            let show = try HistoryRunBinary.run(["plan", "show", "--registry", ".", "--backend", "cpu",
                                                 "--suite", "unit", "--partition", "\(index)", "--of", "2"], in: tree.root)
            files[index] = show.stdout.split(separator: "\n").map(String.init)
        }
        let hanging = try #require(files.first { $0.value.contains("test/registered/test_hang.py") }?.key)
        let stopped = 1 - hanging
        #expect(files[stopped]?.contains("test/registered/test_delta.py") == true)

        // Job 1: the hanging file is killed at its 3 s per-file timeout; the job finishes.
        let first = try HistoryRunBinary.run(["run", "--registry", ".", "--suites", "suites.yaml", "--backend", "cpu", "--suite", "unit",
                                              "--partition", "\(hanging)", "--of", "2", "--db", "h.sqlite", "--kill-grace", "1",
                                              "--junit", "out/hang.xml", "--log-dir", "logs-hang"], in: tree.root)
        #expect(first.status != 0)
        #expect(first.stdout.contains("test/registered/test_hang.py") && first.stdout.contains("TIMINGS BEGIN"))
        let hangJUnit = try String(contentsOf: tree.root.appendingPathComponent("out/hang.xml"), encoding: .utf8)
        #expect(hangJUnit.contains("tests=\"2\""))
        #expect(hangJUnit.contains("hang started"))
        #expect(FileManager.default.fileExists(atPath: tree.root.appendingPathComponent("logs-hang/test__registered__test_hang.py.1.log").path))

        // Job 2: SIGTERM while the delta file runs: partial JUnit, summary, then the signal.
        let pidFile = tree.root.appendingPathComponent("test/delta.pid")
        let (process, stdout, _) = try HistoryRunBinary.start(
            ["run", "--registry", ".", "--suites", "suites.yaml", "--backend", "cpu", "--suite", "unit", "--partition", "\(stopped)",
             "--of", "2", "--db", "h.sqlite", "--kill-grace", "1", "--junit", "out/stopped.xml", "--log-dir", "logs-stopped"], in: tree.root)
        var waited = 0
        while !FileManager.default.fileExists(atPath: pidFile.path), waited < 3000, process.isRunning {
            usleep(10_000)
            waited += 1
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
        let stoppedJUnit = try String(contentsOf: tree.root.appendingPathComponent("out/stopped.xml"), encoding: .utf8)
        #expect(stoppedJUnit.contains("<error message=\"interrupted by signal \(SIGTERM) after "))
        let log = try String(contentsOf: stdout, encoding: .utf8)
        #expect(log.contains("interrupted by SIGTERM") && log.contains("TIMINGS END"))

        // Back into history: the runs recorded their attempts; their JUnit and log add nothing.
        let database = try HistoryDatabase(path: tree.root.appendingPathComponent("h.sqlite").path)
        let recorded = try database.attemptCount()
        #expect(recorded >= 2)
        for (file, extra) in [("out/hang.xml", ["--suite", "unit", "--backend", "cpu"]), ("out/stopped.xml", ["--suite", "unit", "--backend", "cpu"])] {
            let ingest = try HistoryRunBinary.run(["history", "ingest", file, "--db", "h.sqlite"] + extra, in: tree.root)
            #expect(ingest.status == 0, "\(file): \(ingest.stdout) \(ingest.stderr)")
        }
        try FileManager.default.copyItem(at: stdout, to: tree.root.appendingPathComponent("job.log"))
        let ingestLog = try HistoryRunBinary.run(["history", "ingest", "job.log", "--suite", "unit", "--backend", "cpu", "--db", "h.sqlite"], in: tree.root)
        #expect(ingestLog.status == 0, "\(ingestLog.stderr)")
        #expect(try database.attemptCount() == recorded)
        if let pid = pid_t((try? String(contentsOf: pidFile, encoding: .utf8)) ?? "") { kill(-pid, SIGKILL) }
    }
}
