import GPUCIPlanner

/// A suite's per-job overhead: `job wall ≈ coeff · Σ elapsed + bias`.
///
/// The model used for planning fixes `coeff = 1` and takes `bias` as the median of
/// `wall − Σ elapsed` over the jobs of the suite's newest five runs: robust to the odd job that
/// waited on a broken runner, and quick to follow a change of runner image. On sglang's runs
/// that predicted held-out jobs better than ordinary least squares, Huber and Theil–Sen fits
/// (README). The least-squares fit over all jobs is reported beside it for comparison.
public struct OverheadFit: Sendable, Hashable, Codable {
    /// A job's observed Σ of file durations and wall time, and the run it belongs to.
    public struct Observation: Sendable, Hashable {
        /// Σ elapsed of the job's files, in seconds.
        public var workSeconds: Double
        /// completed − started, in seconds.
        public var wallSeconds: Double
        /// Its run's position in time order (larger is newer).
        public var runOrder: Int

        /// Creates an observation.
        public init(workSeconds: Double, wallSeconds: Double, runOrder: Int) {
            self.workSeconds = workSeconds
            self.wallSeconds = wallSeconds
            self.runOrder = runOrder
        }
    }

    /// Runs whose jobs give the bias.
    public static let recentRuns = 5

    /// Slope of the planning model (1).
    public var coeff: Double
    /// Seconds every job costs beyond its files.
    public var bias: Double
    /// 1 − SS_res / SS_tot of the planning model over all jobs.
    public var rSquared: Double
    /// Jobs the fit saw.
    public var samples: Int
    /// The least-squares slope over all jobs (for comparison).
    public var olsCoeff: Double
    /// The least-squares intercept over all jobs.
    public var olsBias: Double
    /// r² of the least-squares fit.
    public var olsRSquared: Double
    /// wall − (work + bias) of the recent jobs: the overhead's own spread, for forecasts.
    public var residuals: [Double]

    /// The fit of `observations`; `nil` for none.
    public static func fit(_ observations: [Observation]) -> OverheadFit? {
        guard !observations.isEmpty else { return nil }
        let runs = Set(observations.map(\.runOrder)).sorted().suffix(recentRuns)
        let recent = observations.filter { runs.contains($0.runOrder) }
        let bias = RobustStatistics.median(recent.map { $0.wallSeconds - $0.workSeconds }) ?? 0
        let residuals = recent.map { $0.wallSeconds - $0.workSeconds - bias }
        let walls = observations.map(\.wallSeconds)
        let mean = walls.reduce(0, +) / Double(walls.count)
        let total = walls.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let unexplained = observations.reduce(0) { $0 + pow2($1.wallSeconds - $1.workSeconds - bias) }
        let (slope, intercept) = leastSquares(observations)
        let olsUnexplained = observations.reduce(0) { $0 + pow2($1.wallSeconds - slope * $1.workSeconds - intercept) }
        return OverheadFit(coeff: 1, bias: bias, rSquared: total > 0 ? 1 - unexplained / total : 1,
                           samples: observations.count, olsCoeff: slope, olsBias: intercept,
                           olsRSquared: total > 0 ? 1 - olsUnexplained / total : 1, residuals: residuals)
    }

    /// Predicted wall time of a job whose files take `workSeconds`.
    public func wall(work workSeconds: Double) -> Double { coeff * workSeconds + bias }

    private static func leastSquares(_ observations: [Observation]) -> (Double, Double) {
        let n = Double(observations.count)
        let mx = observations.reduce(0) { $0 + $1.workSeconds } / n
        let my = observations.reduce(0) { $0 + $1.wallSeconds } / n
        let sxx = observations.reduce(0) { $0 + pow2($1.workSeconds - mx) }
        guard sxx > 0 else { return (1, my - mx) }
        let sxy = observations.reduce(0) { $0 + ($1.workSeconds - mx) * ($1.wallSeconds - my) }
        let slope = sxy / sxx
        return (slope, my - slope * mx)
    }
}

private func pow2(_ value: Double) -> Double { value * value }

extension OverheadFit {
    /// The fit of every suite with timed jobs (keys are per-commit: jobs do not say nightly): each
    /// job's wall time against the Σ of its attempts' seconds, runs ordered by start time.
    public static func fits(runs: [CIRun], jobs: [CIJob], attempts: [Attempt]) -> [SuiteKey: OverheadFit] {
        var work: [String: Double] = [:]
        for attempt in attempts {
            if let job = attempt.jobID { work[job, default: 0] += attempt.seconds }
        }
        let order = Dictionary(runs.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var observations: [SuiteKey: [Observation]] = [:]
        for job in jobs {
            guard let wall = job.wallSeconds, let seconds = work[job.id] else { continue }
            let runOrder = job.runID.flatMap { order[$0] } ?? -1
            observations[SuiteKey(backend: job.backend, suite: job.suite), default: []]
                .append(Observation(workSeconds: seconds, wallSeconds: wall, runOrder: runOrder))
        }
        return observations.compactMapValues { fit($0) }
    }
}
