/// One partition of a suite plan: the files one CI job runs, in order.
public struct PlannedPartition: Sendable, Hashable, Codable {
    /// 0-based partition index (sglang's `--auto-partition-id`).
    public var index: Int
    /// Σ est_time of its files, in seconds.
    public var estSeconds: Double
    /// Repository-relative test files, in run order.
    public var files: [String]
}

/// A disabled registration left out of the plan, with its reason.
public struct SkippedFile: Sendable, Hashable, Codable {
    /// Repository-relative test file.
    public var file: String
    /// Why it is disabled.
    public var reason: String
}

/// The plan of one suite: partitions and the certificate of their quality.
public struct SuitePlan: Sendable, Hashable, Codable {
    /// The backend.
    public var backend: String
    /// The suite name.
    public var suite: String
    /// Whether the nightly registrations were planned.
    public var nightly: Bool
    /// The algorithm that made it.
    public var algorithm: PartitionAlgorithm
    /// The partitions, index 0 first.
    public var partitions: [PlannedPartition]
    /// The longest partition, in seconds.
    public var makespanSeconds: Double
    /// The best proven lower bound on any plan's makespan, in seconds.
    public var lowerBoundSeconds: Double
    /// Whether the makespan is proved optimal.
    public var optimal: Bool
    /// How optimality is proved.
    public var proof: OptimalityProof
    /// (makespan − lower bound) / lower bound, in percent.
    public var gapPercent: Double
    /// The file that alone binds the makespan (est ≥ Σ/m): only splitting it would help.
    public var bindingFile: String?
    /// Disabled registrations of the suite.
    public var skipped: [SkippedFile]
    /// Branch-and-bound nodes spent.
    public var searchNodes: Int

    /// The suite's key.
    public var key: SuiteKey { SuiteKey(backend: backend, suite: suite, nightly: nightly) }

    /// Σ est of the planned files, in seconds.
    public var totalSeconds: Double { partitions.reduce(0) { $0 + $1.estSeconds } }
}
