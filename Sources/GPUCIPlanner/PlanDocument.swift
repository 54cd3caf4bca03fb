import GPUCISupport

/// The plans of several suites, as `gpuci plan --format json` writes them.
public struct PlanDocument: Sendable, Hashable, Codable {
    /// One suite's plan, as written.
    public struct Suite: Sendable, Hashable, Codable {
        /// The backend.
        public var backend: String
        /// The suite name.
        public var suite: String
        /// Whether these are nightly registrations.
        public var nightly: Bool
        /// `sglang` or `optimal`.
        public var algorithm: PartitionAlgorithm
        /// The partitions.
        public var partitions: [PlannedPartition]
        /// The longest partition, in seconds.
        public var makespanSeconds: Double
        /// The proven lower bound, in seconds.
        public var lowerBoundSeconds: Double
        /// Whether the makespan is proved optimal.
        public var optimal: Bool
        /// The remaining gap to the lower bound, in percent.
        public var gapPercent: Double
        /// How optimality is proved: `lowerBound`, `exhaustiveSearch` or `none`.
        public var proof: OptimalityProof
        /// Exact-search nodes spent (the deterministic effort measure).
        public var searchNodes: Int
        /// The file that alone binds the makespan, if any.
        public var bindingFile: String?
        /// Disabled registrations left out, with their reasons.
        public var skipped: [SkippedFile]
        /// The runner label, when a suites file gives it.
        public var runner: String?
        /// The step timeout in minutes, when a suites file gives it.
        public var timeoutMinutes: Int?
        /// Predicted wall times and timeout risks, when planned from run history.
        public var forecast: PlanForecast?

        /// The written form of a plan with its CI configuration.
        public init(_ plan: SuitePlan, config: SuiteConfig?) {
            backend = plan.backend
            suite = plan.suite
            nightly = plan.nightly
            algorithm = plan.algorithm
            partitions = plan.partitions
            makespanSeconds = plan.makespanSeconds
            lowerBoundSeconds = plan.lowerBoundSeconds
            optimal = plan.optimal
            gapPercent = (plan.gapPercent * 100).rounded() / 100
            proof = plan.proof
            searchNodes = plan.searchNodes
            bindingFile = plan.bindingFile
            skipped = plan.skipped
            runner = config?.runner.isEmpty == false ? config?.runner : nil
            timeoutMinutes = config?.timeoutMinutes
        }
    }

    /// The suites, sorted by key.
    public var suites: [Suite]

    /// Creates a document.
    public init(suites: [Suite]) {
        self.suites = suites
    }

    /// SHA-256 of the canonical (compact, sorted-key) JSON of the plan.
    public var hash: String {
        ContentHash.sha256((try? JSONOutput.string(self, pretty: false)) ?? "")
    }
}
