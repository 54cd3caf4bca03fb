import Foundation
import GPUCISupport

/// Runs the files of one partition one at a time, retrying retriable failures, and reports
/// every attempt as it finishes.
public struct PartitionRunner: Sendable {
    /// What one run needs to know.
    public struct Configuration: Sendable, Hashable {
        /// Where files are run from and must stay inside.
        public var root: RegistryRoot
        /// The interpreter, a name on `PATH` or a path.
        public var python: String
        /// Seconds each attempt may take.
        public var timeoutPerFile: Double
        /// Seconds between SIGTERM and SIGKILL on a timeout.
        public var killGrace: Double
        /// Extra attempts for a retriable failure (0 = none).
        public var retries: Int
        /// Seconds to wait before a retry.
        public var retryWait: Double
        /// Whether to go on after a failed file.
        public var continueOnError: Bool
        /// Recorded with each attempt.
        public var backend: String
        /// Recorded with each attempt.
        public var suite: String?
        /// 0-based partition index, recorded with each attempt.
        public var partition: Int?
        /// Partition count, recorded with each attempt.
        public var partitions: Int?
        /// Commit or CI run id, recorded with each attempt.
        public var runID: String?
        /// Where every attempt's whole output is kept (`<file with / as __>.<attempt>.log`), if anywhere.
        public var logFolder: URL?
        /// Seconds of silence from a test before a heartbeat event; 0 for none.
        public var heartbeatSeconds: Double = 0

        /// Creates a configuration; the defaults are the reference runner's (no retry, 60 s wait, 1200 s timeout).
        public init(root: RegistryRoot, python: String = "python3", timeoutPerFile: Double = 1200, killGrace: Double = 5,
                    retries: Int = 0, retryWait: Double = 60, continueOnError: Bool = false, backend: String,
                    suite: String? = nil, partition: Int? = nil, partitions: Int? = nil, runID: String? = nil) {
            self.root = root
            self.python = python
            self.timeoutPerFile = timeoutPerFile
            self.killGrace = killGrace
            self.retries = retries
            self.retryWait = retryWait
            self.continueOnError = continueOnError
            self.backend = backend
            self.suite = suite
            self.partition = partition
            self.partitions = partitions
            self.runID = runID
        }
    }

    /// Something that happened during the run, for progress output.
    public enum Event: Sendable {
        /// An attempt is starting: file index (0-based) of count, 1-based attempt.
        case starting(file: String, index: Int, count: Int, attempt: Int)
        /// Output the running attempt wrote.
        case output(Data)
        /// The running attempt has been silent for `silent` of its `elapsed` seconds.
        case heartbeat(file: String, elapsed: Double, silent: Double)
        /// An attempt finished, with the retry verdict when it failed.
        case finished(FileAttempt, index: Int, count: Int)
        /// A termination signal stopped the attempt at `file` (not recorded in the history).
        case interrupted(file: String, signal: Int32, seconds: Double)
    }

    /// The log file of attempt `attempt` of `file` in `folder`.
    public static func logURL(folder: URL, file: String, attempt: Int) -> URL {
        folder.appendingPathComponent(file.replacingOccurrences(of: "/", with: "__") + ".\(attempt).log")
    }

    /// The configuration.
    public let configuration: Configuration

    /// Creates a runner.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs `files` (paths relative to the root, recorded under the same names); see
    /// ``run(_:onEvent:record:)``.
    public func run(files: [String], onEvent: @escaping @Sendable (Event) -> Void = { _ in },
                    record: (Attempt) throws(InputError) -> Void) throws(InputError) -> RunSummary {
        try run(files.map { RunnableFile(name: $0, path: $0) }, onEvent: onEvent, record: record)
    }

    /// Sleeps `seconds` in short steps, returning early when a termination signal arrives.
    private static func sleep(_ seconds: Double) {
        var left = seconds
        while left > 0, ProcessGroupRunner.interruptedBy == nil {
            Thread.sleep(forTimeInterval: min(left, 0.1))
            left -= 0.1
        }
    }

    /// Runs `runnable` in order. `record` is called with every attempt as soon as it ends, before
    /// the next one starts; an error from it stops the run.
    ///
    /// - Throws: `InputError` before anything runs when a file is outside the root or missing, or
    ///   the interpreter cannot be found; or the error `record` threw.
    public func run(_ runnable: [RunnableFile], onEvent: @escaping @Sendable (Event) -> Void = { _ in },
                    record: (Attempt) throws(InputError) -> Void) throws(InputError) -> RunSummary {
        let executable = try ProcessGroupRunner.resolveExecutable(configuration.python)
        var resolved: [URL] = []
        for file in runnable { resolved.append(try configuration.root.resolve(file.path)) }
        let files = runnable.map(\.name)

        var results: [FileResult] = []
        var stopped = false
        var interruptedBy: Int32?
        for (index, file) in files.enumerated() {
            if stopped || interruptedBy != nil {
                results.append(FileResult(file: file, attempts: []))
                continue
            }
            var attempts: [FileAttempt] = []
            var number = 1
            while true {
                if let received = ProcessGroupRunner.interruptedBy {
                    interruptedBy = received
                    break
                }
                onEvent(.starting(file: file, index: index, count: files.count, attempt: number))
                let startedAt = Timestamp.format(Date())
                let heartbeatFile = file
                let observer = ProcessObserver(
                    output: { onEvent(.output($0)) }, heartbeatSeconds: configuration.heartbeatSeconds,
                    heartbeat: { elapsed, silent in onEvent(.heartbeat(file: heartbeatFile, elapsed: elapsed, silent: silent)) })
                let outcome = try ProcessGroupRunner.run(
                    executable: executable, arguments: [resolved[index].path],
                    workingDirectory: configuration.root.url, timeout: runnable[index].timeout ?? configuration.timeoutPerFile,
                    grace: configuration.killGrace, observer: observer,
                    keepLog: configuration.logFolder.map { Self.logURL(folder: $0, file: file, attempt: number) })
                if let received = outcome.interruptedBy {
                    interruptedBy = received
                    onEvent(.interrupted(file: file, signal: received, seconds: outcome.seconds))
                    results.append(FileResult(file: file, attempts: attempts, interrupted: outcome))
                    break
                }
                var verdict: RetryClassifier.Verdict?
                let attemptOutcome: AttemptOutcome
                if outcome.timedOut {
                    attemptOutcome = .timeout
                } else if outcome.succeeded {
                    attemptOutcome = .passed
                } else {
                    let classified = RetryClassifier.classify(outcome.output)
                    verdict = classified
                    attemptOutcome = classified.isRetriable && number <= configuration.retries ? .retried : .failed
                }
                let attempt = Attempt(file: file, backend: configuration.backend, suite: configuration.suite,
                                      partition: configuration.partition, partitions: configuration.partitions,
                                      startedAt: startedAt, seconds: outcome.seconds, outcome: attemptOutcome,
                                      attempt: number, runID: configuration.runID)
                try record(attempt)
                let fileAttempt = FileAttempt(attempt: attempt, process: outcome, verdict: verdict)
                attempts.append(fileAttempt)
                onEvent(.finished(fileAttempt, index: index, count: files.count))
                guard attemptOutcome == .retried else { break }
                Self.sleep(configuration.retryWait)
                number += 1
            }
            if results.count == index + 1 { continue }  // interrupted: its result is in
            if attempts.isEmpty, interruptedBy != nil {
                results.append(FileResult(file: file, attempts: []))
                continue
            }
            let result = FileResult(file: file, attempts: attempts)
            results.append(result)
            if !result.passed && !configuration.continueOnError { stopped = true }
        }
        return RunSummary(results: results, interruptedBy: interruptedBy ?? ProcessGroupRunner.interruptedBy)
    }
}
