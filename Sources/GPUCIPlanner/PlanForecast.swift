/// What a plan is predicted to take on CI, from run history: per partition the p50 and p90
/// wall time (files plus the suite's fitted per-job overhead) and the risk of the step timeout.
public struct PlanForecast: Sendable, Hashable, Codable {
    /// One partition's prediction.
    public struct Partition: Sendable, Hashable, Codable {
        /// 0-based partition index.
        public var index: Int
        /// Median predicted wall time, in seconds.
        public var p50Seconds: Double
        /// 90th-percentile predicted wall time, in seconds.
        public var p90Seconds: Double
        /// P(wall > step timeout), when the timeout is known.
        public var timeoutRisk: Double?

        /// Creates a partition's prediction.
        public init(index: Int, p50Seconds: Double, p90Seconds: Double, timeoutRisk: Double?) {
            self.index = index
            self.p50Seconds = p50Seconds
            self.p90Seconds = p90Seconds
            self.timeoutRisk = timeoutRisk
        }
    }

    /// The estimator the plan was made with.
    public var estimates: String
    /// The per-job overhead added to every partition (fitted from job records), in seconds.
    public var overheadSeconds: Double?
    /// Where the overhead comes from: `history` (fitted) or `option` (--overhead) or `none`.
    public var overheadSource: String
    /// The step timeout the risk is measured against, in seconds.
    public var timeoutSeconds: Double?
    /// Monte Carlo draws (fixed seed) behind the figures.
    public var draws: Int
    /// One entry per partition, index order.
    public var partitions: [Partition]

    /// Creates a forecast.
    public init(estimates: String, overheadSeconds: Double?, overheadSource: String, timeoutSeconds: Double?, draws: Int,
                partitions: [Partition]) {
        self.estimates = estimates
        self.overheadSeconds = overheadSeconds
        self.overheadSource = overheadSource
        self.timeoutSeconds = timeoutSeconds
        self.draws = draws
        self.partitions = partitions
    }

    /// The highest timeout risk of any partition.
    public var worstRisk: Double? { partitions.compactMap(\.timeoutRisk).max() }
    /// The highest p90 of any partition.
    public var worstP90Seconds: Double { partitions.map(\.p90Seconds).max() ?? 0 }
}
