import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GPUCIHistory
import Testing

/// SIGKILL of `gpuci` mid-run or mid-ingest leaves a sound database: committed attempts kept,
/// nothing half-written.
@Suite struct RunCrashSafetyTests {
    @Test func killedRunKeepsTheAttemptsThatFinished() throws {
        let tree = try HistoryRunTree()
        defer { tree.remove() }
        try tree.add("test_a.py", estTime: "30", body: "print('a')\n")
        try tree.add("test_b.py", estTime: "20", body: "print('b')\n")
        try tree.add("test_c_hang.py", estTime: "10", body: """
        import os, time
        with open('hang.pid.tmp', 'w') as f:
            f.write(str(os.getpid()))
        os.rename('hang.pid.tmp', 'hang.pid')
        time.sleep(60)

        """)
        let pidFile = tree.root.appendingPathComponent("test/hang.pid")
        let (process, _, _) = try HistoryRunBinary.start(
            ["run", "--registry", ".", "--backend", "cpu", "--suite", "unit", "--algorithm", "sglang",
             "--timeout-per-file", "50", "--db", "h.sqlite"], in: tree.root)
        var waited = 0
        while !FileManager.default.fileExists(atPath: pidFile.path), waited < 1500, process.isRunning {
            usleep(10_000)
            waited += 1
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let hangPid = try pid_t(String(contentsOf: pidFile, encoding: .utf8)).map { $0 } ?? 0
        if hangPid > 0 { kill(-hangPid, SIGKILL) }  // the orphaned test runs in its own process group
        #expect(process.terminationReason == .uncaughtSignal)

        let database = try HistoryDatabase(path: tree.root.appendingPathComponent("h.sqlite").path)
        #expect(try database.integrityCheck() == ["ok"])
        let attempts = try database.attempts()
        #expect(attempts.map(\.file) == ["test/registered/test_a.py", "test/registered/test_b.py"])
        #expect(attempts.allSatisfy { $0.outcome == .passed })
    }

    @Test func terminatedRunTakesItsTestDown() throws {
        let tree = try HistoryRunTree()
        defer { tree.remove() }
        try tree.add("test_hang.py", estTime: "10", body: """
        import os, time
        with open('hang.pid.tmp', 'w') as f:
            f.write(str(os.getpid()))
        os.rename('hang.pid.tmp', 'hang.pid')
        time.sleep(60)

        """)
        let pidFile = tree.root.appendingPathComponent("test/hang.pid")
        let (process, _, _) = try HistoryRunBinary.start(
            ["run", "--registry", ".", "--backend", "cpu", "--suite", "unit", "--db", "h.sqlite"], in: tree.root)
        var waited = 0
        while !FileManager.default.fileExists(atPath: pidFile.path), waited < 1500, process.isRunning {
            usleep(10_000)
            waited += 1
        }
        let hangPid = try #require(pid_t(String(contentsOf: pidFile, encoding: .utf8)))
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
        var gone = false
        for _ in 0..<200 {
            if kill(hangPid, 0) != 0 { gone = true; break }
            usleep(10_000)
        }
        if !gone { kill(-hangPid, SIGKILL) }
        #expect(gone, "the test's process group outlived gpuci")
    }

    @Test func killedIngestWritesAllOrNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-ingest-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = 20_000
        var csv = "file,backend,seconds,outcome,timestamp\n"
        for index in 0..<rows { csv += "test/registered/file_\(index % 997).py,cuda,\(index % 500).5,passed,\n" }
        try Data(csv.utf8).write(to: folder.appendingPathComponent("big.csv"))
        let databasePath = folder.appendingPathComponent("h.sqlite").path
        let wal = databasePath + "-wal"

        for round in 0..<2 {
            let (process, _, _) = try HistoryRunBinary.start(["history", "ingest", "big.csv", "--db", "h.sqlite"], in: folder)
            // Kill once the transaction has started spilling pages into the WAL (or at the latest after 10 s).
            var waited = 0
            while process.isRunning, waited < 1000 {
                let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
                if size > 150_000 * (round + 1) { break }
                usleep(10_000)
                waited += 1
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let database = try HistoryDatabase(path: databasePath)
            #expect(try database.integrityCheck() == ["ok"])
            let count = try database.attemptCount()
            #expect(count == 0 || count == rows, "round \(round): \(count) rows")
            #expect(try database.ingestCount() == (count == 0 ? 0 : 1))
        }
        let finish = try HistoryRunBinary.run(["history", "ingest", "big.csv", "--db", "h.sqlite"], in: folder)
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try HistoryDatabase(path: databasePath).attemptCount() == rows)
    }
}
