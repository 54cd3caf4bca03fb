import Foundation
import GPUCIPlanner
import GPUCISupport

/// A walk-forward backtest of plans on real CI runs.
///
/// Runs are taken in time order. For every run after the warm-up and every suite in it, each
/// method plans the files that run executed into the run's own shard count using only the runs
/// before it; the plan is scored against that run's actual per-file seconds (a partition's
/// realized time is the Σ of its files' actual elapsed seconds; the fitted per-job overhead is
/// reported beside it, not added). Partitions' p90 predictions come from the ``DurationModel``
/// of the earlier runs, for every method alike, so the calibration column measures the model.
public enum Backtest {
    /// A planning method scored by the backtest.
    public enum Method: Sendable, Hashable, CustomStringConvertible {
        /// gpuci's default: the estimator over history and a partitioning algorithm.
        case gpuci(DurationEstimator, PartitionAlgorithm)
        /// The estimator with the spread-aware partitioner (balances predicted p90s).
        case spreadAware(DurationEstimator)
        /// The shards the run really had.
        case sglangActual
        /// Registered est_time and sglang's LPT.
        case estTimeLPT
        /// sglang's p90 estimator (newest 16, at least 3) and LPT.
        case p90LPT

        public var description: String {
            switch self {
            case let .gpuci(estimator, algorithm):
                return estimator == .standard && algorithm == .optimal ? "gpuci" : "gpuci[\(estimator),\(algorithm.rawValue)]"
            case let .spreadAware(estimator): return estimator == .standard ? "gpuci-spread" : "gpuci-spread[\(estimator)]"
            case .sglangActual: return "sglang-actual"
            case .estTimeLPT: return "est_time+LPT"
            case .p90LPT: return "p90+LPT"
            }
        }

        /// The default methods: gpuci first, then the baselines.
        public static let standard: [Method] = [.gpuci(.standard, .optimal), .sglangActual, .estTimeLPT, .p90LPT]
    }

    /// What to backtest.
    public struct Options: Sendable {
        /// Runs with jobs before the first scored one.
        public var warmup: Int = 3
        /// Score only runs that started at or after this ISO-8601 time.
        public var since: String?
        /// Score only runs that started before this ISO-8601 time.
        public var until: String?
        /// The methods, in table order.
        public var methods: [Method] = Method.standard
        /// Only this backend, when given.
        public var backend: String?
        /// Only this suite, when given.
        public var suite: String?
        /// Exact-search budget of the `optimal` partitioner: 1,000 nodes (larger budgets prove more
        /// plans optimal on the estimates but did not shorten realized partitions on real runs).
        public var partitionOptions = PartitionOptions(searchNodeBudget: 1000)
        /// Monte Carlo draws per forecast.
        public var draws = DurationModel.standardDraws

        /// The defaults: warm-up 3, every run, the standard methods.
        public init() {}
    }

    /// One method's plan of one suite in one run, scored.
    public struct Record: Sendable, Hashable, Codable {
        /// The run id.
        public var run: String
        /// The suite.
        public var suite: String
        /// The backend.
        public var backend: String
        /// The method's name.
        public var method: String
        /// The partition count (the run's shard count).
        public var partitions: Int
        /// The planned files of each partition.
        public var partitionFiles: [[String]]
        /// Σ actual elapsed of each partition's files, in seconds.
        public var realizedSeconds: [Double]
        /// The longest of those.
        public var realizedMaxSeconds: Double
        /// The predicted p50 of each partition, in seconds.
        public var predictedP50Seconds: [Double]
        /// The predicted p90 of each partition, in seconds.
        public var predictedP90Seconds: [Double]
        /// The lower bound on any plan's longest partition, from the actual seconds.
        public var lowerBoundSeconds: Double
        /// The fitted per-job overhead (from earlier runs), in seconds; `nil` without job history.
        public var overheadSeconds: Double?
        /// Σ over partitions of (realized + overhead), in minutes.
        public var runnerMinutes: Double
        /// Files planned on est_time for want of history.
        public var estTimeFiles: Int
    }

    /// Scores the stored runs; `registry` supplies est_time (and the fallback of files without history).
    public static func run(runs: [CIRun], jobs: [CIJob], attempts: [Attempt], registry: [Registration],
                           options: Options = Options()) -> [Record] {
        let jobsByRun = Dictionary(grouping: jobs.filter { $0.runID != nil }, by: { $0.runID! })
        let attemptsByJob = Dictionary(grouping: attempts.filter { $0.jobID != nil }, by: { $0.jobID! })
        let ordered = runs.filter { jobsByRun[$0.id] != nil && $0.startedAt != nil }
        let estTimes = EstTimeLookup(registry)
        var records: [Record] = []
        var history = DurationHistory(attempts: [])
        var observations: [SuiteKey: [OverheadFit.Observation]] = [:]
        for (order, run) in ordered.enumerated() {
            let runJobs = jobsByRun[run.id] ?? []
            let scored = order >= options.warmup
                && options.since.map { run.startedAt! >= (Timestamp.normalized($0) ?? $0) } ?? true
                && options.until.map { run.startedAt! < (Timestamp.normalized($0) ?? $0) } ?? true
            if scored {
                var models: [DurationEstimator: DurationModel] = [:]
                func model(_ estimator: DurationEstimator) -> DurationModel {
                    if let model = models[estimator] { return model }
                    var model = DurationModel(history: history, estimator: estimator) { key in
                        estTimes.lookup(file: key.file, suite: key.suite, backend: key.backend)
                    }
                    model.draws = options.draws
                    models[estimator] = model
                    return model
                }
                let bySuite = Dictionary(grouping: runJobs, by: { SuiteKey(backend: $0.backend, suite: $0.suite) })
                for suite in bySuite.keys.sorted() where options.backend.map({ $0 == suite.backend }) ?? true
                    && options.suite.map({ $0 == suite.suite }) ?? true {
                    let suiteJobs = bySuite[suite]!.sorted { ($0.partition ?? -1, $0.id) < ($1.partition ?? -1, $1.id) }
                    let overhead = OverheadFit.fit(observations[suite] ?? [])
                    records += score(run: run, suite: suite, jobs: suiteJobs, attemptsByJob: attemptsByJob,
                                     options: options, model: model, estTimes: estTimes, overhead: overhead)
                }
            }
            history.append(runJobs.flatMap { attemptsByJob[$0.id] ?? [] })
            for job in runJobs {
                let own = attemptsByJob[job.id] ?? []
                if let wall = job.wallSeconds {
                    observations[SuiteKey(backend: job.backend, suite: job.suite), default: []]
                        .append(.init(workSeconds: own.reduce(0) { $0 + $1.seconds }, wallSeconds: wall, runOrder: order))
                }
            }
        }
        return records
    }

    private static func score(run: CIRun, suite: SuiteKey, jobs: [CIJob], attemptsByJob: [String: [Attempt]],
                              options: Options, model: (DurationEstimator) -> DurationModel,
                              estTimes: EstTimeLookup, overhead: OverheadFit?) -> [Record] {
        var actual: [String: Double] = [:]
        var actualShards: [[String]] = []
        for job in jobs {
            let files = (attemptsByJob[job.id] ?? []).filter { $0.outcome == .passed }
            for attempt in files { actual[attempt.file, default: 0] += attempt.seconds }
            actualShards.append(files.map(\.file))
        }
        let files = actual.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard !files.isEmpty else { return [] }
        let m = max(1, (jobs.compactMap(\.partition).max() ?? 0) + 1)
        let lowerBound = Millis.seconds(MakespanBound.lowerBound(files.map { Millis.from(seconds: actual[$0]!) }, partitions: m))
        let registered = files.map { estTimes.lookup(file: $0, suite: suite.suite, backend: suite.backend) }
        let knownMedian = RobustStatistics.median(registered.compactMap { $0 }) ?? estTimes.globalMedian
        let estTime = registered.map { $0 ?? knownMedian }
        let forecastModel = model(.standard)
        let forecastEstimates = files.indices.map {
            forecastModel.estimate(.init(file: files[$0], suite: suite.suite, backend: suite.backend), estTime: estTime[$0])
        }
        let fileDraws = forecastModel.sample(forecastEstimates, backend: suite.backend, suite: suite.suite)
        return options.methods.map { method in
            var estTimeFiles = 0
            func estimates(_ estimator: DurationEstimator) -> [FileEstimate] {
                let chosen = model(estimator)
                let values = files.indices.map {
                    chosen.estimate(.init(file: files[$0], suite: suite.suite, backend: suite.backend), estTime: estTime[$0])
                }
                estTimeFiles = values.filter { $0.basis == .estTime }.count
                return values
            }
            let bins: [[Int]]
            switch method {
            case .sglangActual:
                let index = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1, $0) })
                bins = actualShards.map { $0.compactMap { index[$0] } }
            case .estTimeLPT:
                estTimeFiles = registered.filter { $0 == nil }.count
                bins = LongestProcessingTime.partition(estTime, partitions: m)
            case .p90LPT:
                bins = LongestProcessingTime.partition(estimates(.sglang).map(\.seconds), partitions: m)
            case let .gpuci(estimator, algorithm):
                bins = Partitioner.partition(estimates(estimator).map(\.seconds), partitions: m, algorithm: algorithm,
                                           options: options.partitionOptions).bins
            case let .spreadAware(estimator):
                let values = estimates(estimator)
                let chosen = model(estimator)
                bins = SpreadAwarePartitioner.partition(
                    means: values.map(\.seconds),
                    variances: values.map { chosen.variance(of: $0, backend: suite.backend, suite: suite.suite) }, partitions: m)
            }
            let distributions = forecastModel.distributions(bins, fileDraws: fileDraws)
            let realized = bins.map { $0.reduce(0) { $0 + actual[files[$1]]! } }
            let bias = overhead?.bias ?? 0
            return Record(run: run.id, suite: suite.suite, backend: suite.backend, method: method.description,
                          partitions: bins.count, partitionFiles: bins.map { $0.map { files[$0] } },
                          realizedSeconds: realized, realizedMaxSeconds: realized.max() ?? 0,
                          predictedP50Seconds: distributions.map { $0.quantile(0.5) },
                          predictedP90Seconds: distributions.map { $0.quantile(0.9) },
                          lowerBoundSeconds: lowerBound, overheadSeconds: overhead?.bias,
                          runnerMinutes: realized.reduce(0) { $0 + $1 + max(bias, 0) } / 60, estTimeFiles: estTimeFiles)
        }
    }
}

/// est_time of a file: the registration of its (file, suite, backend), else of its (file,
/// backend) in the first suite by name.
struct EstTimeLookup {
    private var exact: [String: Double] = [:]
    private var byFile: [String: Double] = [:]
    let globalMedian: Double

    init(_ registrations: [Registration]) {
        for registration in registrations.sorted(by: { ($0.suite, $0.nightly ? 1 : 0) < ($1.suite, $1.nightly ? 1 : 0) }) {
            let file = "\(registration.backend)\u{1F}\(registration.file)"
            if exact["\(file)\u{1F}\(registration.suite)"] == nil { exact["\(file)\u{1F}\(registration.suite)"] = registration.estTime }
            if byFile[file] == nil { byFile[file] = registration.estTime }
        }
        globalMedian = RobustStatistics.median(registrations.map(\.estTime)) ?? 60
    }

    func lookup(file: String, suite: String, backend: String) -> Double? {
        exact["\(backend)\u{1F}\(file)\u{1F}\(suite)"] ?? byFile["\(backend)\u{1F}\(file)"]
    }
}
