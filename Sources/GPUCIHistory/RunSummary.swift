/// A file to run: the name recorded in the history and its path relative to the root.
public struct RunnableFile: Sendable, Hashable {
    /// The registered name, e.g. `test/registered/x/test_y.py`.
    public var name: String
    /// The path relative to the root the runner runs from, e.g. `registered/x/test_y.py`.
    public var path: String
    /// Seconds each attempt may take, when not the run's `timeoutPerFile`.
    public var timeout: Double?

    /// Creates a file to run.
    public init(name: String, path: String, timeout: Double? = nil) {
        self.name = name
        self.path = path
        self.timeout = timeout
    }
}

/// One attempt with what the runner learned from it.
public struct FileAttempt: Sendable, Hashable {
    /// The row recorded in the history.
    public var attempt: Attempt
    /// How the process ended, with its output.
    public var process: ProcessOutcome
    /// The retry verdict, for a failed (not timed-out) attempt.
    public var verdict: RetryClassifier.Verdict?
}

/// All attempts at one file.
public struct FileResult: Sendable, Hashable {
    /// Test file, relative to the root.
    public var file: String
    /// Its attempts in order; empty when the run stopped before reaching it.
    public var attempts: [FileAttempt]
    /// The attempt a termination signal cut short: not an attempt of the history (its time says
    /// nothing about the file), kept for the report.
    public var interrupted: ProcessOutcome?

    /// Creates a result.
    public init(file: String, attempts: [FileAttempt], interrupted: ProcessOutcome? = nil) {
        self.file = file
        self.attempts = attempts
        self.interrupted = interrupted
    }

    /// Whether its last attempt passed.
    public var passed: Bool { interrupted == nil && attempts.last?.attempt.outcome == .passed }
    /// Whether the run stopped before it.
    public var skipped: Bool { attempts.isEmpty && interrupted == nil }
    /// Seconds over all attempts (the interrupted one included).
    public var seconds: Double { attempts.reduce(0) { $0 + $1.attempt.seconds } + (interrupted?.seconds ?? 0) }
}

/// The result of a partition run.
public struct RunSummary: Sendable, Hashable {
    /// One result per file, in run order.
    public var results: [FileResult]
    /// The termination signal that stopped the run, if one did.
    public var interruptedBy: Int32? = nil

    /// Creates a summary.
    public init(results: [FileResult], interruptedBy: Int32? = nil) {
        self.results = results
        self.interruptedBy = interruptedBy
    }

    /// Whether every file passed.
    public var passed: Bool { results.allSatisfy(\.passed) }
}
