import GRDB
import GPUCISupport

/// One attempt at running one test file: a row of the history database's `attempts` table.
public struct Attempt: Sendable, Hashable, Codable {
    /// Repository-relative path of the test file, as registered (e.g. `test/registered/x/test_y.py`).
    public var file: String
    /// Backend or hardware the attempt ran on (`cuda`, `amd`, `h100`, …).
    public var backend: String
    /// CI suite, when known.
    public var suite: String?
    /// 0-based partition index, when the attempt ran in a partitioned job.
    public var partition: Int?
    /// Number of partitions of that job.
    public var partitions: Int?
    /// Start time as ISO-8601 UTC text (`2026-01-07T12:00:00Z`), when known.
    public var startedAt: String?
    /// Wall-clock seconds the attempt took.
    public var seconds: Double
    /// How the attempt ended.
    public var outcome: AttemptOutcome
    /// 1-based attempt number for the file within its run.
    public var attempt: Int
    /// Commit or CI run identifier, when known.
    public var runID: String?
    /// The CI job (a row of `jobs`) the attempt ran in, when known.
    public var jobID: String?

    /// Creates an attempt; unknown fields stay `nil`.
    public init(file: String, backend: String, suite: String? = nil, partition: Int? = nil,
                partitions: Int? = nil, startedAt: String? = nil, seconds: Double,
                outcome: AttemptOutcome, attempt: Int = 1, runID: String? = nil, jobID: String? = nil) {
        self.file = file
        self.backend = backend
        self.suite = suite
        self.partition = partition
        self.partitions = partitions
        self.startedAt = startedAt
        self.seconds = seconds
        self.outcome = outcome
        self.attempt = attempt
        self.runID = runID
        self.jobID = jobID
    }
}

extension AttemptOutcome: DatabaseValueConvertible {}

/// The `attempts` row read back: an ``Attempt`` plus the ingest it came from (`nil` for `gpuci run`).
struct AttemptRow: FetchableRecord, TableRecord {
    static let databaseTableName = "attempts"

    init(row: Row) throws {
        file = row["file"]
        backend = row["backend"]
        suite = row["suite"]
        partition = row["partition"]
        partitions = row["partitions"]
        startedAt = row["startedAt"]
        seconds = row["seconds"]
        // Older gpuci versions accepted any finite seconds (and JUnit sums of +inf): report such a
        // row instead of trapping on it later.
        guard DurationLimit.accepts(seconds) else {
            let id: Int64 = row["id"] ?? 0
            throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "attempts row \(id) (\(file)) has \(seconds) seconds, outside 0…2592000 (30 days); delete it (DELETE FROM attempts WHERE id = \(id)) or re-create the database")
        }
        guard let outcome = AttemptOutcome(rawValue: row["outcome"] ?? "") else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "attempts.outcome is not an outcome")
        }
        self.outcome = outcome
        attempt = row["attempt"]
        runID = row["runID"]
        jobID = row["jobID"]
        ingestHash = row["ingestHash"]
    }

    var file: String
    var backend: String
    var suite: String?
    var partition: Int?
    var partitions: Int?
    var startedAt: String?
    var seconds: Double
    var outcome: AttemptOutcome
    var attempt: Int
    var runID: String?
    var jobID: String?
    var ingestHash: String?

    var value: Attempt {
        Attempt(file: file, backend: backend, suite: suite, partition: partition, partitions: partitions,
                startedAt: startedAt, seconds: seconds, outcome: outcome, attempt: attempt, runID: runID, jobID: jobID)
    }
}
