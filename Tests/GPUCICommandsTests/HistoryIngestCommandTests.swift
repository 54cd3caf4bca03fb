import ArgumentParser
import Foundation
import GPUCIHistory
import Testing
@testable import GPUCICommands

@Suite struct HistoryIngestCommandTests {
    @Test func twoProcessesIngestingAtOnceLoseNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-ingest-race-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = 20_000
        for name in ["one", "two"] {
            var csv = "file,backend,seconds,outcome,timestamp\n"
            for index in 0..<rows { csv += "test/registered/\(name)_\(index % 101).py,cuda,\(index % 300),passed,\n" }
            try Data(csv.utf8).write(to: folder.appendingPathComponent("\(name).csv"))
        }
        // Both start on a database that does not exist yet: creation and migration race too.
        let first = try HistoryRunBinary.start(["history", "ingest", "one.csv", "--db", "db/h.sqlite"], in: folder)
        let second = try HistoryRunBinary.start(["history", "ingest", "two.csv", "--db", "db/h.sqlite"], in: folder)
        first.0.waitUntilExit()
        second.0.waitUntilExit()
        let errors = [first.2, second.2].map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }
        #expect(first.0.terminationStatus == 0 && second.0.terminationStatus == 0, "\(errors)")
        let database = try HistoryDatabase(path: folder.appendingPathComponent("db/h.sqlite").path)
        #expect(try database.attemptCount() == 2 * rows)
        #expect(try database.ingestCount() == 2)
    }

    @Test func aMalformedFileWritesNothingAndNamesFileAndLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-ingest-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("file,backend,seconds,outcome,timestamp\na.py,cuda,1,passed,\n".utf8).write(to: folder.appendingPathComponent("good.csv"))
        try Data("<testsuite>\n<testcase classname=\"a.b\" time=\"1\"/>\n<testcase classname=\"a.c\" time=\"x\"/>\n</testsuite>\n".utf8)
            .write(to: folder.appendingPathComponent("bad.xml"))
        let result = try HistoryRunBinary.run(["history", "ingest", "good.csv", "bad.xml", "--backend", "cuda", "--db", "h.sqlite"], in: folder)
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.xml:3: testcase.time: expected a number of seconds from 0 to 2592000"))
        #expect(try HistoryDatabase(path: folder.appendingPathComponent("h.sqlite").path).attemptCount() == 0)
    }

    @Test func pathPrefixMapsPytestNamesToRegisteredNames() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-ingest-prefix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<testsuite><testcase classname=\"registered.ops.test_x.TestX\" time=\"2\"/><testcase classname=\"q\" file=\"test/registered/y.py\" time=\"1\"/></testsuite>".utf8)
            .write(to: folder.appendingPathComponent("r.xml"))
        let result = try HistoryRunBinary.run(["history", "ingest", "r.xml", "--backend", "cuda", "--path-prefix", "test/", "--db", "h.sqlite"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let files = try HistoryDatabase(path: folder.appendingPathComponent("h.sqlite").path).attempts().map(\.file)
        #expect(files == ["test/registered/ops/test_x.py", "test/registered/y.py"])
    }

    @Test func applyNeedsASourceTree() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-apply-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("file,backend,suite,est_time,extra\r\n".utf8).write(to: folder.appendingPathComponent("r.csv"))
        let result = try HistoryRunBinary.run(["history", "apply", "--registry", "r.csv", "--db", "h.sqlite"], in: folder)
        #expect(result.status != 0 && result.stderr.contains("r.csv: expected a source tree folder"))
    }

    @Test func junitWithoutBackendIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-ingest-nobackend-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<testsuite><testcase classname=\"a.b\" time=\"1\"/></testsuite>".utf8).write(to: folder.appendingPathComponent("r.xml"))
        let result = try HistoryRunBinary.run(["history", "ingest", "r.xml", "--db", "h.sqlite"], in: folder)
        #expect(result.status != 0 && result.stderr.contains("pass --backend"))
    }

    @Test func optionsParse() throws {
        let command = try GPUCI.parseAsRoot(["history", "drift", "--min-runs", "5", "--format", "json", "--db", "x.sqlite"])
        let drift = try #require(command as? HistoryDriftCommand)
        #expect(drift.comparison.minRuns == 5 && drift.format == .json && drift.database.db == "x.sqlite")
        #expect(throws: (any Error).self) { try GPUCI.parseAsRoot(["history", "drift", "--min-runs", "0"]) }
        let run = try #require(try GPUCI.parseAsRoot(["run", "--registry", "t", "--backend", "cuda", "--suite", "s",
                                                      "--partition", "1", "--of", "3", "--retry", "2", "--retry-wait", "0"]) as? RunCommand)
        #expect(run.partition == 1 && run.of == 3 && run.retry == 2 && run.retryWait == 0 && run.timeoutPerFile == nil)
        #expect(throws: (any Error).self) {
            try GPUCI.parseAsRoot(["run", "--registry", "t", "--backend", "cuda", "--suite", "s", "--partition", "3", "--of", "3"])
        }
        #expect(throws: (any Error).self) {
            try GPUCI.parseAsRoot(["run", "--registry", "t", "--backend", "gpu", "--suite", "s"])
        }
    }
}

/// An ingest is its content with its options: a wrong `--path-prefix` can be forgotten and
/// redone (issue 10, item 5).
@Suite struct IngestIdentityTests {
    static let junit = """
        <testsuites><testsuite name="s">
        <testcase classname="registered.test_a" name="t" file="registered/test_a.py" time="2.5"/>
        </testsuite></testsuites>
        """

    @Test func theSameFileWithOtherOptionsIsRefusedUntilForgotten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-ingest-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.junit.utf8).write(to: folder.appendingPathComponent("r.xml"))
        let ingest = ["history", "ingest", "r.xml", "--backend", "cuda", "--db", "h.sqlite"]
        let wrong = try HistoryRunBinary.run(ingest + ["--path-prefix", "tests/"], in: folder)
        #expect(wrong.status == 0 && wrong.stdout.contains("r.xml: 1 attempt added"), "\(wrong.stderr)")
        let again = try HistoryRunBinary.run(ingest + ["--path-prefix", "tests/"], in: folder)
        #expect(again.status == 0 && again.stdout.contains("already ingested"))

        let refused = try HistoryRunBinary.run(ingest + ["--path-prefix", "test/"], in: folder)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("r.xml: the same content was ingested as r.xml with options 'backend=cuda path-prefix=tests/', here with 'backend=cuda path-prefix=test/'"), "\(refused.stderr)")
        let listed = try HistoryRunBinary.run(["history", "ingests", "--db", "h.sqlite"], in: folder)
        let line = try #require(listed.stdout.split(separator: "\n").first)
        #expect(line.hasSuffix("junit  1 attempt  r.xml  [backend=cuda path-prefix=tests/]"), "\(listed.stdout)")
        let id = String(line.prefix(12))
        #expect(refused.stderr.contains("`gpuci history forget \(id)`"))

        let forgot = try HistoryRunBinary.run(["history", "forget", id, "--db", "h.sqlite"], in: folder)
        #expect(forgot.status == 0 && forgot.stdout == "\(id): forgot r.xml (1 attempt)\n", "\(forgot.stderr)")
        let database = try HistoryDatabase(path: folder.appendingPathComponent("h.sqlite").path)
        #expect(try database.attemptCount() == 0 && database.ingestCount() == 0)
        let right = try HistoryRunBinary.run(ingest + ["--path-prefix", "test/"], in: folder)
        #expect(right.status == 0, "\(right.stderr)")
        #expect(try database.attempts(backend: nil).map(\.file) == ["test/registered/test_a.py"])

        let unknown = try HistoryRunBinary.run(["history", "forget", "0123456789ab", "--db", "h.sqlite"], in: folder)
        #expect(unknown.status != 0 && unknown.stderr.contains("no ingest 0123456789ab"))
        let missing = try HistoryRunBinary.run(["history", "ingests", "--db", "nope.sqlite"], in: folder)
        #expect(missing.status != 0 && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("nope.sqlite").path))
    }
}
