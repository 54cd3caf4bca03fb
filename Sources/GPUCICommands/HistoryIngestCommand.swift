import ArgumentParser
import Foundation
import GPUCIHistory
import GPUCISupport

/// `gpuci history ingest FILE…`: add JUnit XML or timing CSV results to the history.
struct HistoryIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add JUnit XML, timing CSV, sglang CI run files or CI job logs to the history (all files in one transaction).",
        discussion: """
        JUnit XML (pytest --junitxml) gives one attempt per test file: the sum of its test cases' time, \
        failed when any case failed or errored; files whose cases were all skipped are left out. \
        CSV needs the header file,backend,seconds,outcome,timestamp (optional columns: suite, attempt, run_id). \
        sglang-ci-stats run files (runs/<started>__<run_id>.json) add the run, its jobs (suite, backend, partition, \
        runner label, start, end) and their per-file timings. A saved job log with sglang's TIMINGS BEGIN … TIMINGS END \
        block adds one job; --suite and --backend are required for it, --partition, --run-id, --job-id and --label optional. \
        A file whose content was ingested before adds nothing, and so does a job stored before with the same content; \
        a known run or job with other content is an error. If any file is malformed, nothing is written.
        """)

    @Argument(help: "JUnit XML or CSV files.")
    var files: [String]

    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "Backend for JUnit files (required for them) and for CSV rows with an empty backend.")
    var backend: String?

    @Option(help: "Suite to record with the attempts.")
    var suite: String?

    @Option(help: "Commit or CI run id to record with the attempts.")
    var runId: String?

    @Option(parsing: .unconditional, help: "0-based partition index of a CI log's job.")
    var partition: Int?

    @Option(help: "Job id of a CI log (default: log-<hash of the log>).")
    var jobId: String?

    @Option(help: "Runner label of a CI log's job.")
    var label: String?

    @Option(help: "Prefix for file names that lack it, e.g. test/ for pytest run from sglang's test/ folder.")
    var pathPrefix: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
        if let partition, partition < 0 { throw ValidationError("--partition must be 0 or more") }
    }

    func run() throws {
        let history = try database.open(create: true)
        var parsed: [IngestFile] = []
        var earlier: [String: String] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(FileManager.default.fileExists(atPath: file) ? "cannot read the file" : "no such file", file: file)
            }
            // Content seen before needs no parsing (it was valid then); ingest() checks again inside its transaction.
            if let source = try history.ingestedSource(contentHash: IngestFile.contentHash(of: data)) {
                earlier[file] = source
                continue
            }
            let job = TimingsLogReader.JobContext(partition: partition, jobID: jobId, runnerLabel: label)
            var ingest = try IngestFile.parse(data: data, source: file, backend: backend, suite: suite, runID: runId, job: job)
            if let pathPrefix, !pathPrefix.isEmpty {
                func prefixed(_ attempts: inout [Attempt]) {
                    for index in attempts.indices where !attempts[index].file.hasPrefix(pathPrefix) {
                        attempts[index].file = pathPrefix + attempts[index].file
                    }
                }
                prefixed(&ingest.attempts)
                for index in ingest.records.jobs.indices { prefixed(&ingest.records.jobs[index].attempts) }
            }
            parsed.append(ingest)
        }
        var results = try history.ingest(parsed).makeIterator()
        for file in files {
            if let source = earlier[file] {
                print("\(file): already ingested (as \(source)); nothing added")
            } else if let result = results.next() {
                if let source = result.duplicateOf {
                    print("\(result.source): already ingested (as \(source)); nothing added")
                } else {
                    var line = "\(result.source): \(result.added) attempt\(result.added == 1 ? "" : "s") added"
                    if result.jobsAdded + result.jobsKnown > 0 {
                        line += " in \(result.jobsAdded) job\(result.jobsAdded == 1 ? "" : "s")"
                        if result.jobsKnown > 0 { line += " (\(result.jobsKnown) known job\(result.jobsKnown == 1 ? "" : "s") skipped)" }
                    }
                    print(line)
                }
            }
        }
    }
}
