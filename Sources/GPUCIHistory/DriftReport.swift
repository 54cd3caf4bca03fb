import GPUCIPlanner

/// Observed run times against registered est_time values, per (file, backend).
public struct DriftReport: Sendable, Hashable, Codable {
    /// A registered file that has history.
    public struct FileDrift: Sendable, Hashable, Codable {
        /// Test file.
        public var file: String
        /// Backend it ran on.
        public var backend: String
        /// Passed attempts (the samples).
        public var runs: Int
        /// Median of passed run times; `nil` with no passed attempt.
        public var medianSeconds: Double?
        /// 90th percentile of passed run times.
        public var p90Seconds: Double?
        /// Median absolute deviation of passed run times.
        public var madSeconds: Double?
        /// Registered est_time (the first registration of the file for the backend).
        public var estTime: Double
        /// medianSeconds ÷ estTime.
        public var ratio: Double?
        /// Whether ``DriftPolicy`` flags it.
        public var flagged: Bool
        /// Seconds of every attempt (passed, failed, retried, timed out): the CI time it cost.
        public var totalSeconds: Double
        /// The est_time ``EstimateRule`` proposes; `nil` with no passed attempt.
        public var suggestedEstTime: Int?
    }

    /// A file with history and no registration for that backend.
    public struct Unregistered: Sendable, Hashable, Codable {
        /// Test file.
        public var file: String
        /// Backend it ran on.
        public var backend: String
        /// Passed attempts.
        public var runs: Int
        /// Median of passed run times.
        public var medianSeconds: Double?
        /// Seconds of every attempt.
        public var totalSeconds: Double
    }

    /// An enabled registration on a backend with history that never ran there.
    public struct NeverRun: Sendable, Hashable, Codable {
        /// Test file.
        public var file: String
        /// Backend.
        public var backend: String
        /// Suite of its first registration.
        public var suite: String
        /// Registered est_time.
        public var estTime: Double
    }

    /// Registered files with history, most CI time first.
    public var files: [FileDrift]
    /// Files with history but no registration, most CI time first.
    public var unregistered: [Unregistered]
    /// Registrations never seen run, by file.
    public var neverRun: [NeverRun]

    /// Compares `attempts` with `registrations` under `policy`.
    public init(attempts: [Attempt], registrations: [Registration], policy: DriftPolicy = DriftPolicy()) {
        struct Key: Hashable, Comparable {
            var file: String
            var backend: String
            static func < (a: Key, b: Key) -> Bool { (a.file, a.backend) < (b.file, b.backend) }
        }
        var samples: [Key: [Double]] = [:]
        var total: [Key: Double] = [:]
        for attempt in attempts {
            let key = Key(file: attempt.file, backend: attempt.backend)
            total[key, default: 0] += attempt.seconds
            if attempt.outcome == .passed { samples[key, default: []].append(attempt.seconds) }
        }
        var registered: [Key: Registration] = [:]
        for registration in registrations {
            let key = Key(file: registration.file, backend: registration.backend)
            if let existing = registered[key], existing.disabled == nil || registration.disabled != nil { continue }
            registered[key] = registration
        }
        var files: [FileDrift] = []
        var unregistered: [Unregistered] = []
        for key in total.keys.sorted() {
            let values = samples[key] ?? []
            let median = RobustStatistics.median(values)
            let p90 = RobustStatistics.percentile(values, 0.9)
            let mad = RobustStatistics.medianAbsoluteDeviation(values)
            guard let registration = registered[key] else {
                unregistered.append(Unregistered(file: key.file, backend: key.backend, runs: values.count,
                                                 medianSeconds: median, totalSeconds: total[key] ?? 0))
                continue
            }
            let est = registration.estTime
            let ratio = median.flatMap { est > 0 ? $0 / est : nil }
            let flagged = median.map { policy.isDrifted(runs: values.count, median: $0, mad: mad ?? 0, estTime: est) } ?? false
            files.append(FileDrift(file: key.file, backend: key.backend, runs: values.count, medianSeconds: median,
                                   p90Seconds: p90, madSeconds: mad, estTime: est, ratio: ratio, flagged: flagged,
                                   totalSeconds: total[key] ?? 0,
                                   suggestedEstTime: p90.map(EstimateRule.proposedEstTime(p90:))))
        }
        let seenBackends = Set(total.keys.map(\.backend))
        let neverRun = registered.keys.sorted()
            .filter { key in total[key] == nil && seenBackends.contains(key.backend) && registered[key]?.disabled == nil }
            .compactMap { key in registered[key].map { NeverRun(file: key.file, backend: key.backend, suite: $0.suite, estTime: $0.estTime) } }
        self.files = files.sorted { ($0.totalSeconds, $1.file, $1.backend) > ($1.totalSeconds, $0.file, $0.backend) }
        self.unregistered = unregistered.sorted { ($0.totalSeconds, $1.file, $1.backend) > ($1.totalSeconds, $0.file, $0.backend) }
        self.neverRun = neverRun
    }
}
