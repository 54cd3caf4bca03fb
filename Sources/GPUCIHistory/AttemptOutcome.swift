/// How one attempt at running a test file ended.
public enum AttemptOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The file exited 0 (JUnit: at least one test ran and none failed).
    case passed
    /// The file exited non-zero and was not tried again (JUnit: a failure or error child).
    case failed
    /// The file ran past its per-file timeout and its process group was killed; never retried.
    case timeout
    /// The file failed with a retriable failure and was tried again.
    case retried
}
