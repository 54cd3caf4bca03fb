import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GPUCIHistory
import GPUCIPlanner
import GPUCISupport

/// `gpuci run`: run one partition of a suite, recording every attempt in the history.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one partition of a suite's test files, with timeouts, retries and history.",
        discussion: """
        Plans the suite like `gpuci plan` (same --algorithm and --estimates give the same partitions) and \
        runs partition --partition of --of: each file as `PYTHON registered/FILE` from the folder holding \
        registered/, one at a time, each in its own process group. A file that runs past --timeout-per-file \
        gets SIGTERM, then SIGKILL after --kill-grace, and is never retried. A failed file is retried \
        (up to --retry times, after --retry-wait seconds) when its output looks flaky: non-retriable patterns \
        (ImportError, CUDA out of memory, …) first, then retriable phrases (accuracy, latency, …), then a \
        literal AssertionError. Every attempt is committed to the history database as it ends. \
        With --estimates history or p90, every partition job must start from the same database contents.
        """)

    @Option(help: "The source tree: sglang's test/ or a repository root.")
    var registry: String

    @OptionGroup var rules: RegistryRulesOptions

    @Option(help: "Backend (cpu, cuda, amd, npu, xpu, musa, mlx).")
    var backend: String

    @Option(help: "Suite to run.")
    var suite: String

    @Flag(help: "Run the nightly registrations of the suite.")
    var nightly = false

    @Option(parsing: .unconditional, help: "0-based partition index.")
    var partition: Int = 0

    @Option(parsing: .unconditional, help: "The number of partitions (without it the suite's files run in discovery order, as sglang's runner does).")
    var of: Int?

    @OptionGroup var algorithm: PlanAlgorithmOptions
    @OptionGroup var estimates: HistoryEstimateOptions
    @OptionGroup var database: HistoryDatabaseOptions

    @Option(parsing: .unconditional, help: "Seconds each file may run (default: the suites file's perFileTimeoutSeconds, else 1200).")
    var timeoutPerFile: Double?

    @Option(parsing: .unconditional, help: "Each file's timeout is its est_time times this factor (at least 60 s) instead of one per-file timeout.")
    var timeoutFromEstTime: Double?

    @Option(parsing: .unconditional, help: "Seconds added to every file's timeout when --retry is given (sglang's runner adds 600).")
    var retryTimeoutIncrease: Double = 600

    @Option(help: "A suites YAML file whose perFileTimeoutSeconds for this suite is the default timeout.")
    var suites: String?

    @Option(parsing: .unconditional, help: "Seconds between SIGTERM and SIGKILL when a file times out.")
    var killGrace: Double = 5

    @Option(parsing: .unconditional, help: "Extra attempts for a retriable failure.")
    var retry: Int = 0

    @Option(parsing: .unconditional, help: "Seconds to wait before a retry.")
    var retryWait: Double = 60

    @Flag(help: "Keep going after a failed file.")
    var continueOnError = false

    @Option(help: "Write a JUnit XML report here (atomically; also when a termination signal stops the run).")
    var junit: String?

    @Option(help: "Keep every attempt's whole output in this folder (<file with / as __>.<attempt>.log).")
    var logDir: String?

    @Option(help: "Write the run's summary as JSON here (atomically; also when a termination signal stops the run).")
    var summaryJson: String?

    @Option(parsing: .unconditional, help: "Seconds a test may be silent before a line says it is still running (0: never).")
    var heartbeat: Double = 300

    @Flag(help: "Do not pass test output through; print result lines and the last lines of a failure only.")
    var quiet = false

    @Option(help: "The Python interpreter (a name on PATH or a path).")
    var python: String = "python3"

    @Option(help: "Commit or CI run id to record with the attempts.")
    var runId: String?

    func validate() throws {
        guard (1...PartitionOptions.maximumPartitions).contains(of ?? 1) else {
            throw ValidationError("--of must be from 1 to \(PartitionOptions.maximumPartitions)")
        }
        guard (0..<(of ?? 1)).contains(partition) else { throw ValidationError("--partition must be in 0..<\(of ?? 1)") }
        if let timeoutPerFile, !(timeoutPerFile > 0 && DurationLimit.accepts(timeoutPerFile)) {
            throw ValidationError("--timeout-per-file must be positive and at most \(Int(DurationLimit.maximumSeconds)) seconds (30 days)")
        }
        if let timeoutFromEstTime, !(timeoutFromEstTime > 0 && timeoutFromEstTime <= 1000) {
            throw ValidationError("--timeout-from-est-time must be a factor above 0 and at most 1000")
        }
        if timeoutPerFile != nil, timeoutFromEstTime != nil {
            throw ValidationError("give --timeout-per-file or --timeout-from-est-time, not both")
        }
        guard retryTimeoutIncrease >= 0, DurationLimit.accepts(retryTimeoutIncrease) else {
            throw ValidationError("--retry-timeout-increase must be from 0 to \(Int(DurationLimit.maximumSeconds)) seconds")
        }
        guard killGrace >= 0, killGrace <= 3600 else { throw ValidationError("--kill-grace must be from 0 to 3600 seconds") }
        guard retry >= 0 else { throw ValidationError("--retry must be 0 or more") }
        guard retryWait >= 0, retryWait <= 86_400 else { throw ValidationError("--retry-wait must be from 0 to 86400 seconds") }
        guard heartbeat >= 0, heartbeat <= 86_400 else { throw ValidationError("--heartbeat must be from 0 to 86400 seconds") }
        guard RegistrationReader.backends.contains(backend) else {
            throw ValidationError("unknown backend '\(backend)' (expected one of \(RegistrationReader.backends.joined(separator: ", ")))")
        }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: registry, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError("expected a source tree folder (sglang's test/ or a repository root)", file: registry)
        }
        if let junit { try Self.checkOutput(junit) }
        if let summaryJson { try Self.checkOutput(summaryJson) }
        let logFolder = try logDir.map { path throws(InputError) in try Self.checkLogFolder(path) }
        let key = SuiteKey(backend: backend, suite: suite, nightly: nightly)
        let (registrations, fallbacks) = try estimates.apply(to: PlanRegistry.load(registry, rules: rules), database: database)
        let of = self.of ?? 1
        let plan = SuitePlanner.plan(registrations, key: key, partitions: of, algorithm: algorithm.algorithm,
                                     options: algorithm.partitionOptions)
        guard plan.partitions.contains(where: { !$0.files.isEmpty }) || !plan.skipped.isEmpty else {
            // sglang's runner runs an empty suite as a pass (workflows name suites before they
            // have files); say so, and how near a registered suite is.
            let suites = Set(registrations.filter { $0.backend == backend && $0.nightly == nightly }.map(\.suite)).sorted()
            FileHandle.standardError.write(Data("warning: \(registry): no registrations for suite \(suite) on \(backend)\(nightly ? " (nightly)" : ""): nothing to run\(Suggestion.phrase(for: suite, among: suites))\n".utf8))
            if let junit { try AtomicFile.write(JUnitWriter.document(RunSummary(results: []), suite: suite), to: junit) }
            return
        }
        var planned = plan.partitions[partition]
        if self.of == nil {
            planned.files = registrations.filter { SuiteKey($0) == key && $0.isEnabled }.map(\.file)
        }
        let configured = try suites.map { path throws in try SuitesConfig.read(path: path).config(for: key)?.perFileTimeoutSeconds }
        // sglang's runner gives a retried file more time: timeout + --retry-timeout-increase.
        let extra = retry > 0 ? retryTimeoutIncrease : 0
        let perFile = (timeoutPerFile ?? configured?.map(Double.init) ?? 1200) + extra
        let output = RunOutput(interactive: isatty(STDOUT_FILENO) == 1, stream: !quiet)
        output.header(key: key, partition: partition, of: of, planned: planned, skipped: plan.skipped,
                      fallbacks: fallbacks.filter { SuiteKey($0) == key && $0.isEnabled }.map(\.file))

        let history = try database.open(create: true)
        let token = UUID().uuidString.lowercased()
        try history.registerRecordingRun(token: token, description: "gpuci run \(backend)/\(suite) partition \(partition) of \(of) (\(token))")
        ProcessGroupRunner.forwardTerminationSignals()
        var configuration = PartitionRunner.Configuration(
            root: try RegistryRoot(path: HistorySourceTree.testFolder(registry)), python: python,
            timeoutPerFile: perFile, killGrace: killGrace, retries: retry, retryWait: retryWait,
            continueOnError: continueOnError, backend: backend, suite: suite, partition: partition, partitions: of,
            runID: runId)
        configuration.logFolder = logFolder
        configuration.heartbeatSeconds = heartbeat
        let runner = PartitionRunner(configuration: configuration)
        let estimate = Dictionary(registrations.filter { SuiteKey($0) == key }.map { ($0.file, $0.estTime) }, uniquingKeysWith: { first, _ in first })
        let files = planned.files.map { file in
            RunnableFile(name: file, path: HistorySourceTree.relativeToTestFolder(file),
                         timeout: timeoutFromEstTime.map { factor in
                             min(max((estimate[file] ?? 0) * factor, 60), DurationLimit.maximumSeconds) + extra
                         })
        }
        for file in files {
            let limit = file.timeout ?? perFile
            if let est = estimate[file.name], est > limit {
                FileHandle.standardError.write(Data("warning: \(file.name): est_time \(Int(est.rounded())) s is over its \(Int(limit.rounded())) s per-file timeout\n".utf8))
            }
        }
        let summary = try runner.run(files, onEvent: output.event) { attempt throws(InputError) in
            try history.record(attempt)
        }
        output.summary(summary, estimates: estimate)
        output.timings(summary, recordedAs: token)
        if let junit {
            try AtomicFile.write(JUnitWriter.document(summary, suite: suite, recordedAs: token), to: junit)
        }
        if let summaryJson {
            try AtomicFile.write(try RunSummaryJSON(summary, key: key, partition: partition, of: of).json(), to: summaryJson)
        }
        if let signal = summary.interruptedBy { ProcessGroupRunner.endAsSignal(signal) }
        if !summary.passed { throw ExitCode(1) }
    }

    /// Creates the `--log-dir` folder before the first file runs and checks that it is writable.
    static func checkLogFolder(_ path: String) throws(InputError) -> URL {
        let url = URL(fileURLWithPath: path, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw InputError("cannot create the folder for --log-dir: \(error.localizedDescription)", file: path)
        }
        guard FileManager.default.isWritableFile(atPath: url.path) else {
            throw InputError("the --log-dir folder is not writable", file: path)
        }
        return url
    }

    /// Checks, before the first file runs, that `path` can be written: its folder is created when
    /// missing (as `--db`'s is), must be writable, and `path` must not be a folder.
    static func checkOutput(_ path: String) throws(InputError) {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw InputError("is a folder; --junit needs a file name", file: path)
        }
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw InputError("cannot create the folder \(folder.path) for --junit: \(error.localizedDescription)", file: path)
        }
        guard access(folder.path, W_OK) == 0 else {
            throw InputError("the folder \(folder.path) is not writable (--junit)", file: path)
        }
    }
}

/// `gpuci run --summary-json`: `{backend, suite, nightly, partition, of, passed, interruptedBy, files: [{file,
/// outcome, attempts: [{attempt, outcome, seconds}], seconds}]}`; a file's outcome is its last attempt's,
/// `interrupted` or `not run`.
struct RunSummaryJSON: Encodable {
    struct File: Encodable {
        struct Try: Encodable {
            var attempt: Int
            var outcome: String
            var seconds: Double
        }
        var file: String
        var outcome: String
        var attempts: [Try]
        var seconds: Double
    }
    var backend: String
    var suite: String
    var nightly: Bool
    var partition: Int
    var of: Int
    var passed: Bool
    var interruptedBy: String?
    var files: [File]

    init(_ summary: RunSummary, key: SuiteKey, partition: Int, of: Int) {
        backend = key.backend
        suite = key.suite
        nightly = key.nightly
        self.partition = partition
        self.of = of
        passed = summary.passed && summary.interruptedBy == nil
        interruptedBy = summary.interruptedBy.map(RunOutput.signalName)
        files = summary.results.map { result in
            let outcome = result.interrupted != nil ? "interrupted"
                : result.skipped ? "not run" : (result.attempts.last?.attempt.outcome.rawValue ?? "not run")
            return File(file: result.file, outcome: outcome,
                        attempts: result.attempts.map { File.Try(attempt: $0.attempt.attempt, outcome: $0.attempt.outcome.rawValue,
                                                            seconds: ($0.attempt.seconds * 1000).rounded() / 1000) },
                        seconds: (result.seconds * 1000).rounded() / 1000)
        }
    }

    func json() throws -> String { try JSONOutput.string(self) + "\n" }
}
