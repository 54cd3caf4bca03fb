import GPUCIHistory
import GPUCIPlanner

/// Partition counts per suite chosen for the whole CI run on a fleet.
///
/// Every suite offers candidate partition counts, each with its partitions' duration
/// distributions (common random numbers: draw `d` of every partition of every suite belongs to
/// the same simulated world). A plan's time-to-green distribution is the simulated run of every
/// draw on the fleet; a count is allowed when every partition's P(duration > timeout) is within
/// the risk limit. The search is coordinate descent from the current plan, so when the current
/// plan is allowed the recommendation's predicted p50 never exceeds it.
public enum FleetPlanner {
    /// One suite's choices.
    public struct Suite: Sendable {
        /// Which suite.
        public var key: SuiteKey
        /// Its runner label.
        public var label: String
        /// The timeout of its test step, seconds: a partition's files must finish within it.
        public var timeoutSeconds: Double
        /// Seconds a job spends outside the test step (checkout, install): a job that times out
        /// ends at timeout + overhead.
        public var overheadSeconds: Double
        /// The partition count the suite has now.
        public var currentPartitions: Int
        /// Candidate counts → the distribution of each partition's job duration (with overhead).
        public var candidates: [Int: [PartitionDistribution]]
        /// Candidate counts → the worst partition's P(test step > timeout).
        public var risks: [Int: Double]

        /// Creates a suite's choices; `risks` defaults to the job durations' exceedance of
        /// timeout + overhead.
        public init(key: SuiteKey, label: String, timeoutSeconds: Double, overheadSeconds: Double = 0, currentPartitions: Int,
                    candidates: [Int: [PartitionDistribution]], risks: [Int: Double]? = nil) {
            self.key = key
            self.label = label
            self.timeoutSeconds = timeoutSeconds
            self.overheadSeconds = overheadSeconds
            self.currentPartitions = currentPartitions
            self.candidates = candidates
            self.risks = risks ?? candidates.mapValues { partitions in
                partitions.map { $0.exceedance(timeoutSeconds + overheadSeconds) }.max() ?? 0
            }
        }

        /// The worst partition's timeout risk with `count` partitions.
        public func risk(_ count: Int) -> Double {
            risks[count] ?? 1
        }
    }

    /// What to minimise.
    public enum Objective: Sendable, Hashable {
        /// The predicted p50 time-to-green (runner-minutes break ties).
        case timeToGreen
        /// Runner-minutes, keeping the predicted p50 time-to-green within the target seconds.
        case runnerMinutes(targetSeconds: Double)

        var target: Double? {
            if case let .runnerMinutes(target) = self { return target }
            return nil
        }
    }

    /// One suite's line of a plan.
    public struct Choice: Sendable, Hashable, Codable {
        /// `backend/suite`.
        public var suite: String
        /// Its runner label.
        public var label: String
        /// Its partition count in this plan.
        public var partitions: Int
        /// The worst partition's timeout risk.
        public var timeoutRisk: Double
        /// Whether no candidate count keeps the risk within the limit.
        public var cannotMeetRisk: Bool
    }

    /// A whole run's plan and its predicted outcome.
    public struct Evaluation: Sendable, Hashable, Codable {
        /// Each suite's count.
        public var suites: [Choice]
        /// Predicted time-to-green quantiles, seconds.
        public var p50TimeToGreenSeconds: Double
        /// See ``p50TimeToGreenSeconds``.
        public var p90TimeToGreenSeconds: Double
        /// Mean runner-minutes of the run.
        public var runnerMinutes: Double
        /// Mean count of jobs that time out.
        public var expectedTimeouts: Double
        /// Whether every suite's risk is within the limit.
        public var withinRisk: Bool
    }

    /// The current plan beside the recommended one.
    public struct Recommendation: Sendable, Hashable, Codable {
        /// The plan the run has now.
        public var current: Evaluation
        /// The plan chosen.
        public var recommended: Evaluation
        /// The time-to-green target could not be met by any allowed plan (runner-minutes objective).
        public var targetUnreachable: Bool
        /// Plans evaluated.
        public var evaluations: Int
    }

    /// Evaluates `counts` (one per suite) on `fleet`.
    public static func evaluate(_ suites: [Suite], counts: [Int], fleet: Fleet, maxParallel: Int?, maxRisk: Double) throws(FleetError) -> Evaluation {
        var limit: [String: Int] = [:]
        var templates: [CIRunJob] = []
        var jobDraws: [[Double]] = []
        for (index, suite) in suites.enumerated() {
            guard let partitions = suite.candidates[counts[index]] else {
                throw FleetError("suite \(suite.key) has no candidate with \(counts[index]) partitions")
            }
            let group = "\(suite.key.backend)/\(suite.key.suite)"
            if let maxParallel { limit[group] = maxParallel }
            for partition in partitions.indices {
                templates.append(CIRunJob(name: "\(suite.key.suite) (\(partition))", group: group, label: suite.label,
                                          durationSeconds: 0, timeoutSeconds: suite.timeoutSeconds + suite.overheadSeconds))
                jobDraws.append(partitions[partition].draws)
            }
        }
        // Every partition carries the same number of draws; the shortest bounds the worlds simulated.
        let draws = jobDraws.map(\.count).min() ?? 0
        var ttg: [Double] = []
        ttg.reserveCapacity(draws)
        var runnerSeconds = 0.0, timeouts = 0.0
        var spec = CIRunSpec(jobs: templates, maxParallel: limit)
        for draw in 0..<draws {
            for job in jobDraws.indices { spec.jobs[job].durationSeconds = jobDraws[job][draw] }
            let result = try CIRunSimulator.simulate(spec, on: fleet)
            ttg.append(result.timeToGreenSeconds)
            runnerSeconds += result.runnerSeconds
            timeouts += Double(result.timedOut)
        }
        let distribution = PartitionDistribution(draws: ttg)
        let choices = suites.enumerated().map { index, suite in
            Choice(suite: "\(suite.key.backend)/\(suite.key.suite)", label: suite.label, partitions: counts[index],
                   timeoutRisk: suite.risk(counts[index]),
                   cannotMeetRisk: !suite.candidates.keys.contains { suite.risk($0) <= maxRisk })
        }
        let scale = draws > 0 ? 1 / Double(draws) : 0
        return Evaluation(suites: choices, p50TimeToGreenSeconds: distribution.quantile(0.5), p90TimeToGreenSeconds: distribution.quantile(0.9),
                          runnerMinutes: runnerSeconds * scale / 60, expectedTimeouts: timeouts * scale,
                          withinRisk: choices.allSatisfy { $0.timeoutRisk <= maxRisk })
    }

    /// Chooses every suite's count.
    ///
    /// Allowed counts are those within `maxRisk`; a suite with none keeps the count of least risk
    /// (the most partitions among equals) and is flagged ``Choice/cannotMeetRisk``.
    public static func recommend(_ suites: [Suite], fleet: Fleet, maxParallel: Int? = nil, maxRisk: Double,
                                 objective: Objective = .timeToGreen, rounds: Int = 4) throws(FleetError) -> Recommendation {
        var evaluations = 0
        var cache: [[Int]: Evaluation] = [:]
        func score(_ counts: [Int]) throws(FleetError) -> Evaluation {
            if let known = cache[counts] { return known }
            evaluations += 1
            let value = try evaluate(suites, counts: counts, fleet: fleet, maxParallel: maxParallel, maxRisk: maxRisk)
            cache[counts] = value
            return value
        }
        let allowed: [[Int]] = suites.map { suite in
            let counts = suite.candidates.keys.sorted()
            let within = counts.filter { suite.risk($0) <= maxRisk }
            if !within.isEmpty { return within }
            let least = counts.min { (suite.risk($0), -$0) < (suite.risk($1), -$1) }
            return least.map { [$0] } ?? []
        }
        let current = suites.map(\.currentPartitions)
        let currentEvaluation = try score(current)
        // Start from the current counts, each moved to the nearest allowed one (more on a tie).
        var counts = zip(current, allowed).map { count, options in
            options.min { (abs($0 - count), -$0) < (abs($1 - count), -$1) } ?? count
        }
        var best = try score(counts)

        func better(_ candidate: Evaluation, than incumbent: Evaluation, target: Double?) -> Bool {
            if let target {
                let fits = candidate.p50TimeToGreenSeconds <= target, incumbentFits = incumbent.p50TimeToGreenSeconds <= target
                if fits != incumbentFits { return fits }
                if !fits { return candidate.p50TimeToGreenSeconds < incumbent.p50TimeToGreenSeconds }
                return (candidate.runnerMinutes, candidate.p50TimeToGreenSeconds) < (incumbent.runnerMinutes, incumbent.p50TimeToGreenSeconds)
            }
            return (candidate.p50TimeToGreenSeconds, candidate.runnerMinutes) < (incumbent.p50TimeToGreenSeconds, incumbent.runnerMinutes)
        }
        func descend(target: Double?) throws(FleetError) {
            for _ in 0..<rounds {
                var improved = false
                for index in suites.indices {
                    for option in allowed[index] where option != counts[index] {
                        var trial = counts
                        trial[index] = option
                        let value = try score(trial)
                        if better(value, than: best, target: target) {
                            counts = trial
                            best = value
                            improved = true
                        }
                    }
                }
                if !improved { break }
            }
        }
        try descend(target: nil)
        var unreachable = false
        if case let .runnerMinutes(target) = objective {
            unreachable = best.p50TimeToGreenSeconds > target
            if !unreachable { try descend(target: target) }
        }
        // Descent can stall away from an allowed current plan that is better under the objective.
        if currentEvaluation.withinRisk, better(currentEvaluation, than: best, target: unreachable ? nil : objective.target) {
            best = currentEvaluation
        }
        return Recommendation(current: currentEvaluation, recommended: best, targetUnreachable: unreachable, evaluations: evaluations)
    }
}
