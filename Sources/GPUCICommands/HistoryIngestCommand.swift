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
        A file ingested before with the same options adds nothing, and so does a job stored before with the same content; \
        the same file with other options (say another --path-prefix) is refused with the ingest to forget first \
        (gpuci history ingests lists them, gpuci history forget ID removes one); a known run or job with other content \
        is an error. If any file is malformed, nothing is written.
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

    /// The options that shaped a file's rows: a CI run file takes only the path prefix.
    func options(for format: IngestFile.Format) -> String {
        let prefix = pathPrefix.flatMap { $0.isEmpty ? nil : $0 }
        if format == .ciStatsRun { return IngestFile.canonicalOptions([("path-prefix", prefix)]) }
        return IngestFile.canonicalOptions([
            ("backend", backend), ("suite", suite), ("run-id", runId), ("partition", partition.map(String.init)),
            ("job-id", jobId), ("label", label), ("path-prefix", prefix),
        ])
    }

    func run() throws {
        let history = try database.open(create: true)
        var parsed: [IngestFile] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(FileManager.default.fileExists(atPath: file) ? "cannot read the file" : "no such file", file: file)
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
            ingest.options = options(for: ingest.format)
            parsed.append(ingest)
        }
        for result in try history.ingest(parsed) {
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

/// `gpuci history ingests`: what was ingested, with the ids `history forget` takes.
struct HistoryIngestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingests",
        abstract: "List the ingested files (id, format, attempts added, options), oldest first.")

    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "table or json.")
    var format: ListFormat = .table

    enum ListFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    func run() throws {
        let ingests = try database.open().ingests()
        switch format {
        case .json:
            struct Row: Encodable { var id, source, format: String; var attempts: Int; var options: String }
            print(try JSONOutput.string(ingests.map { Row(id: $0.id, source: $0.source, format: $0.format, attempts: $0.attempts, options: $0.options) }))
        case .table:
            guard !ingests.isEmpty else {
                print("no ingests in \(database.db)")
                return
            }
            for ingest in ingests {
                let options = ingest.options.isEmpty ? "" : "  [\(ingest.options)]"
                print("\(ingest.id)  \(ingest.format)  \(ingest.attempts) attempt\(ingest.attempts == 1 ? "" : "s")  \(ingest.source)\(options)")
            }
        }
    }
}

/// `gpuci history forget ID`: remove one ingest and what it added.
struct HistoryForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove one ingest (its attempts, and the jobs and runs only it brought), by the id `history ingests` shows.")

    @Argument(help: "The ingest id (its first 8 or more characters).")
    var id: String

    @OptionGroup var database: HistoryDatabaseOptions

    func run() throws {
        let removed = try database.open().forget(id)
        print("\(removed.id): forgot \(removed.source) (\(removed.attempts) attempt\(removed.attempts == 1 ? "" : "s"))")
    }
}
