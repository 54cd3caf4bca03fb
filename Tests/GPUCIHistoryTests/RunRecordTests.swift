import Foundation
import GPUCISupport
import GPUCITestSupport
import Testing
@testable import GPUCIHistory

/// The four real sglang-ci-stats run files shipped as fixtures (2026-06-07 … 06-09).
enum CIStatsFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/ci-stats")

    static func paths() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
            .map { folder.appendingPathComponent($0).path }
    }

    static func parsed() throws -> [IngestFile] {
        try paths().map { try IngestFile.read(path: $0, backend: nil) }
    }
}

@Suite struct RunRecordTests {
    @Test func readsARealRunFile() throws {
        let file = try #require(CIStatsFixtures.parsed().first)
        #expect(file.format == .ciStatsRun)
        #expect(file.records.runs == [CIRun(id: "27108004491", startedAt: "2026-06-07T23:25:51Z", event: "schedule",
                                            headSHA: "02be2e71899491b7aaf2849dce6431f61fc190b6", title: "Scheduled Full Run")])
        #expect(file.records.jobs.count == 63)
        #expect(file.allAttempts.count == 518)
        let cpu = try #require(file.records.jobs.first { $0.job.id == "80000525899" })
        #expect(cpu.job.suite == "base-a-test-cpu" && cpu.job.backend == "cpu" && cpu.job.partition == 3)
        #expect(cpu.job.runnerLabel == "ubuntu-latest")
        #expect(cpu.job.wallSeconds == 478)
        #expect(cpu.attempts.first == Attempt(file: "test/registered/quant/test_quant_config_parsing.py", backend: "cpu",
                                              suite: "base-a-test-cpu", partition: 3, startedAt: "2026-06-07T23:26:07Z",
                                              seconds: 15, outcome: .passed, runID: "27108004491", jobID: "80000525899"))
    }

    @Test func jobNamesGivePartitionIndexes() {
        #expect(CIStatsRunReader.partitionIndex("base-a-test-cpu (3)") == 3)
        #expect(CIStatsRunReader.partitionIndex("base-b-test-1-gpu-large / base-b-test-1-gpu-large (12)") == 12)
        #expect(CIStatsRunReader.partitionIndex("lint") == nil)
        #expect(CIStatsRunReader.partitionIndex("x (a)") == nil)
        #expect(CIStatsRunReader.partitionIndex("x (-1)") == nil)
    }

    @Test func reingestIsANoOpAndARescrapeAddsOnlyNewJobs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try HistoryDatabase(path: folder.appendingPathComponent("h.sqlite").path)
        let files = try CIStatsFixtures.parsed()
        let first = try database.ingest(files)
        #expect(first.map(\.added) == files.map(\.allAttempts.count))
        let attempts = try database.attemptCount()
        #expect(try database.runs().map(\.id) == ["27108004491", "27137824660", "27173541425", "27204764446"])
        // The same run scraped again later: new bytes (a scrape time), one job appended by a re-run.
        var text = try String(contentsOfFile: CIStatsFixtures.paths()[0], encoding: .utf8)
        text = text.replacingOccurrences(of: "\"jobs\": [", with: """
            "rescraped": true, "jobs": [{"job_id": 1, "name": "base-a-test-cpu (0)", "suite": "base-a-test-cpu",
             "backend": "cpu", "started_at": "2026-06-08T02:00:00Z", "completed_at": "2026-06-08T02:01:00Z",
             "labels": ["ubuntu-latest"], "timings": [{"file": "test/registered/a.py", "elapsed": 7}]},
            """)
        #expect(text.contains("rescraped"))
        let rescraped = try IngestFile.parse(data: Data(text.utf8), source: "rescraped.json", backend: nil)
        let again = try database.ingest(files + [rescraped])
        #expect(again.map(\.added) == [0, 0, 0, 0, 1])
        #expect(again[4].jobsAdded == 1 && again[4].jobsKnown == 63)
        #expect(try database.attemptCount() == attempts + 1)
        #expect(try database.jobs().count == files.reduce(0) { $0 + $1.records.jobs.count } + 1)
        #expect(try database.integrityCheck() == ["ok"])
    }

    @Test func aKnownJobWithOtherContentIsAnErrorNamingBothFilesAndWritesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try HistoryDatabase(path: folder.appendingPathComponent("h.sqlite").path)
        let path = try CIStatsFixtures.paths()[0]
        _ = try database.ingest([IngestFile.read(path: path, backend: nil)])
        let before = try database.attemptCount()
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\"elapsed\": 15\n", with: "\"elapsed\": 16\n")
        #expect(text != (try String(contentsOfFile: path, encoding: .utf8)))
        let changed = try IngestFile.parse(data: Data(text.utf8), source: "changed.json", backend: nil)
        let csv = try IngestFile.parse(data: Data("file,backend,seconds,outcome,timestamp\nz.py,cuda,1,passed,\n".utf8),
                                       source: "z.csv", backend: nil)
        #expect {
            _ = try database.ingest([csv, changed])
        } throws: { error in
            let error = error as? InputError
            return error?.location?.file == "changed.json" && error?.message.contains(path) == true
                && error?.message.contains("differs") == true
        }
        #expect(try database.attemptCount() == before)
        // A run's metadata must agree too.
        let moved = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\"head_sha\": \"02be2e7", with: "\"head_sha\": \"12be2e7")
        #expect(throws: InputError.self) {
            _ = try database.ingest([IngestFile.parse(data: Data(moved.utf8), source: "moved.json", backend: nil)])
        }
    }

    @Test(arguments: [
        (#"{"run_id": 1, "jobs": [{"job_id": 2, "suite": "s", "backend": "cuda", "timings": [{"file": "a.py", "elapsed": -1}]}]}"#,
         "jobs[0].timings[0].elapsed"),
        (#"{"run_id": 1, "jobs": [{"job_id": 2, "suite": "s", "backend": "cuda", "timings": [{"elapsed": 1}]}]}"#,
         "jobs[0].timings[0].file"),
        (#"{"run_id": 1, "jobs": [{"job_id": 2, "backend": "cuda"}]}"#, "jobs[0].suite"),
        (#"{"run_id": 1, "jobs": [{"job_id": 2, "suite": "s", "backend": "cuda", "started_at": "yesterday"}]}"#, "jobs[0].started_at"),
        (#"{"run_id": 1, "jobs": {}}"#, "jobs"),
        (#"{"run_id": true, "jobs": []}"#, "run_id"),
        (#"{"run_id": 1, "jobs": [{"job_id": 2, "suite": "s", "backend": "cuda", "timings": [{"file": "a.py", "elapsed": 1e300}]}]}"#,
         "jobs[0].timings[0].elapsed"),
        (#"{"run_id": 1, "jobs": [{"job_id": 2, "suite": "s", "backend": "cuda", "started_at": "2026-06-08T02:00:00Z", "completed_at": "2026-06-08T01:00:00Z"}]}"#,
         "jobs[0]"),
        (#"{"run": 1}"#, "run_id"),
    ])
    func malformedRunFilesNameTheJSONPath(json: String, key: String) {
        #expect {
            _ = try IngestFile.parse(data: Data(json.utf8), source: "bad.json", backend: nil)
        } throws: { error in
            let error = error as? InputError
            return error?.location?.file == "bad.json" && error?.location?.key == key
        }
    }

    @Test func readsATimingsBlockBehindLogPrefixes() throws {
        let log = """
            2026-06-07T23:26:07.1234567Z ##[group]Run python3 run_suite.py
            2026-06-07T23:40:00.0000000Z [CI] TIMINGS BEGIN
            2026-06-07T23:40:00.0000001Z [CI] {"file": "test/registered/a.py", "passed": false, "elapsed": 10.5}
            2026-06-07T23:40:00.0000002Z [CI] {"file": "test/registered/a.py", "passed": true, "elapsed": 11}
            2026-06-07T23:40:00.0000003Z [CI] {"file": "test/registered/b.py", "passed": true, "elapsed": 3}
            2026-06-07T23:40:00.0000004Z [CI] TIMINGS END
            2026-06-07T23:41:30.0000000Z Post job cleanup.
            """
        let file = try IngestFile.parse(data: Data(log.utf8), source: "job.log", backend: "cuda", suite: "s", runID: "9",
                                        job: .init(partition: 2, jobID: "77", runnerLabel: "1-gpu-h100"))
        #expect(file.format == .timingsLog)
        let job = try #require(file.records.jobs.first)
        #expect(job.job == CIJob(id: "77", runID: "9", suite: "s", backend: "cuda", partition: 2, runnerLabel: "1-gpu-h100",
                                 startedAt: "2026-06-07T23:26:07Z", completedAt: "2026-06-07T23:41:30Z"))
        #expect(job.attempts.map(\.outcome) == [.retried, .passed, .passed])
        #expect(job.attempts.map(\.attempt) == [1, 2, 1])
        #expect(job.attempts.map(\.seconds) == [10.5, 11, 3])
        #expect(file.records.runs == [CIRun(id: "9")])
        // Without --job-id the log's hash names the job, so the same log is the same job.
        let unnamed = try IngestFile.parse(data: Data(log.utf8), source: "job.log", backend: "cuda", suite: "s")
        #expect(unnamed.records.jobs[0].job.id == "log-" + unnamed.contentHash.prefix(16))
    }

    @Test(arguments: [
        ("TIMINGS BEGIN\n{\"file\": \"a.py\", \"passed\": true, \"elapsed\": 1}\n", 1, "no TIMINGS END"),
        ("TIMINGS BEGIN\nsomething else\nTIMINGS END\n", 2, "expected a JSON object"),
        ("TIMINGS BEGIN\n{\"file\": \"a.py\", \"elapsed\": 1}\nTIMINGS END\n", 2, "missing key"),
        ("TIMINGS BEGIN\n{\"file\": \"a.py\", \"passed\": true, \"elapsed\": \"1\"}\nTIMINGS END\n", 2, "expected a number"),
        ("TIMINGS BEGIN\n{\"file\": \"a.py\"\nTIMINGS END\n", 2, "not a JSON object"),
        ("TIMINGS BEGIN\nTIMINGS BEGIN\nTIMINGS END\n", 2, "inside the block"),
    ])
    func malformedLogsNameTheLine(log: String, line: Int, message: String) {
        #expect {
            _ = try IngestFile.parse(data: Data(log.utf8), source: "job.log", backend: "cuda", suite: "s")
        } throws: { error in
            let error = error as? InputError
            return error?.location?.file == "job.log" && error?.location?.line == line && error?.message.contains(message) == true
        }
    }

    @Test func aLogNeedsItsSuiteAndBackend() {
        let log = "TIMINGS BEGIN\nTIMINGS END\n"
        #expect(throws: InputError.self) { _ = try IngestFile.parse(data: Data(log.utf8), source: "l", backend: "cuda") }
        #expect(throws: InputError.self) { _ = try IngestFile.parse(data: Data(log.utf8), source: "l", backend: nil, suite: "s") }
    }

    @Test func damagedRunFilesAndLogsFailCleanly() throws {
        let run = #"{"run_id": 5, "started_at": "2026-06-07T23:25:51Z", "event": "schedule", "jobs": [{"job_id": 6, "name": "s (1)", "suite": "s", "backend": "cuda", "started_at": "2026-06-07T23:26:07Z", "completed_at": "2026-06-07T23:34:05Z", "labels": ["x"], "timings": [{"file": "a.py", "elapsed": 15}, {"file": "b.py", "elapsed": 2, "passed": false}]}]}"#
        let log = "x TIMINGS BEGIN\nx {\"file\": \"a.py\", \"passed\": true, \"elapsed\": 1.5}\nx TIMINGS END\n"
        for (seed, sample) in [(UInt64(1), run), (2, log)] {
            for bytes in ByteMutations(of: Array(sample.utf8), alphabet: Array("{}[]\":,.-e01 \nTIMNGSBEDjob_id".utf8),
                                       count: 800, seed: seed) {
                do {
                    let file = try IngestFile.parse(data: Data(bytes), source: "fuzz", backend: "cuda", suite: "s")
                    #expect(file.allAttempts.allSatisfy { $0.seconds >= 0 && $0.seconds <= CIStatsRunReader.maximumSeconds && !$0.file.isEmpty })
                } catch {
                    #expect(error.location?.file == "fuzz" && !error.message.isEmpty)
                }
            }
        }
    }
}
