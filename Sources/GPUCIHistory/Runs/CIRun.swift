import Foundation

/// One CI workflow run (a GitHub Actions run): a row of the history's `runs` table.
public struct CIRun: Sendable, Hashable, Codable {
    /// The run's id (GitHub's `run_id`).
    public var id: String
    /// When the run started, ISO-8601 UTC; `nil` when a saved log gave only the id.
    public var startedAt: String?
    /// What triggered it (`schedule`, `workflow_dispatch`, `push`, …).
    public var event: String?
    /// The commit it ran on.
    public var headSHA: String?
    /// The run's title as shown by GitHub.
    public var title: String?

    /// Creates a run record; unknown fields stay `nil`.
    public init(id: String, startedAt: String? = nil, event: String? = nil, headSHA: String? = nil, title: String? = nil) {
        self.id = id
        self.startedAt = startedAt
        self.event = event
        self.headSHA = headSHA
        self.title = title
    }

    /// The fields that identify the run's content: a known id with other values is a conflict.
    var identity: String {
        [startedAt, event, headSHA, title].map { $0 ?? "" }.joined(separator: "\u{1F}")
    }
}

/// One CI job (one shard of a suite): a row of the history's `jobs` table.
public struct CIJob: Sendable, Hashable, Codable {
    /// The job's id (GitHub's job id, or `log-<hash>` for a saved log given no `--job-id`).
    public var id: String
    /// The run it belongs to, when known.
    public var runID: String?
    /// The job's display name (`base-b-test-1-gpu-large (5)`).
    public var name: String?
    /// The suite the job ran.
    public var suite: String
    /// The backend of the suite (`cuda`, `cpu`, `amd`, …).
    public var backend: String
    /// 0-based partition index, when the job ran one shard of a partitioned suite.
    public var partition: Int?
    /// The runner label the job asked for (the first of its labels).
    public var runnerLabel: String?
    /// When the job started and completed, ISO-8601 UTC, when known.
    public var startedAt: String?
    /// See ``startedAt``.
    public var completedAt: String?

    /// Creates a job record; unknown fields stay `nil`.
    public init(id: String, runID: String? = nil, name: String? = nil, suite: String, backend: String,
                partition: Int? = nil, runnerLabel: String? = nil, startedAt: String? = nil, completedAt: String? = nil) {
        self.id = id
        self.runID = runID
        self.name = name
        self.suite = suite
        self.backend = backend
        self.partition = partition
        self.runnerLabel = runnerLabel
        self.startedAt = startedAt
        self.completedAt = completedAt
    }

    /// Wall-clock seconds from start to completion, when both are known and in order.
    public var wallSeconds: Double? {
        guard let startedAt, let completedAt,
              let start = Timestamp.date(startedAt), let end = Timestamp.date(completedAt), end >= start else { return nil }
        return end.timeIntervalSince(start)
    }
}
