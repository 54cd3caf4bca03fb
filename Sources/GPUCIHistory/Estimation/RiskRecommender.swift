import Foundation
import GPUCIPlanner

/// Forecasts of plans and the partition count that keeps the timeout risk under a bound.
public enum RiskRecommender {
    /// The forecast of `plan` from `estimated`, with `overhead` (fitted) or a fixed overhead.
    public static func forecast(_ plan: SuitePlan, estimated: EstimatedRegistry, overhead: OverheadFit?,
                                fixedOverheadSeconds: Double = 0, timeoutSeconds: Double?, estimates: String) -> PlanForecast {
        let fit = overhead ?? (fixedOverheadSeconds > 0 ? OverheadFit.fixed(fixedOverheadSeconds) : nil)
        let distributions = estimated.forecast(plan, overhead: fit)
        let partitions = zip(plan.partitions, distributions).map { partition, distribution in
            PlanForecast.Partition(index: partition.index, p50Seconds: round(distribution.quantile(0.5)),
                                   p90Seconds: round(distribution.quantile(0.9)),
                                   timeoutRisk: timeoutSeconds.map { distribution.exceedance($0) })
        }
        return PlanForecast(estimates: estimates, overheadSeconds: fit.map { round($0.bias) },
                            overheadSource: overhead != nil ? "history" : fixedOverheadSeconds > 0 ? "option" : "none",
                            timeoutSeconds: timeoutSeconds, draws: estimated.model.draws, partitions: partitions)
    }

    /// One partition count's prediction.
    public struct Row: Sendable, Hashable, Codable {
        /// The partition count.
        public var partitions: Int
        /// The longest partition by point estimates, in seconds.
        public var makespanSeconds: Double
        /// The worst partition's p50 / p90 wall time, in seconds.
        public var worstP50Seconds: Double
        /// See ``worstP50Seconds``.
        public var worstP90Seconds: Double
        /// The highest P(wall > timeout) of any partition.
        public var worstRisk: Double
        /// Σ over partitions of p50 wall time, in minutes (× GPUs per job for GPU-minutes).
        public var runnerMinutes: Double
        /// Whether the risk is within the bound and the worst p90 within the timeout.
        public var acceptable: Bool
    }

    /// The recommendation for one suite.
    public struct Recommendation: Sendable, Hashable, Codable {
        /// The fewest partitions whose worst partition is within the risk; `nil` if none up to the limit.
        public var partitions: Int?
        /// sglang's rule `ceil(coeff · Σ p90 estimates / (0.75 · timeout − bias))`, with the
        /// least-squares overhead fit (`nil` when the timeout does not exceed the bias by enough).
        public var sglangRule: Int?
        /// The rows, from 1 up to a little past the recommendation (and sglang's count).
        public var rows: [Row]
        /// The overhead used, in seconds, and where it came from.
        public var overheadSeconds: Double
        /// `history` or `option`.
        public var overheadSource: String
        /// The file whose own risk, alone in a job, exceeds the bound: no count can satisfy it.
        public var blockingFile: String?
        /// That file's risk alone.
        public var blockingRisk: Double?
    }

    /// Recommends the fewest partitions of `key` whose worst partition's timeout risk is at most
    /// `maxRisk` and whose worst p90 does not exceed the timeout.
    public static func recommend(_ registrations: [Registration], key: SuiteKey, estimated: EstimatedRegistry,
                                 sglangEstimates: [Registration], overhead: OverheadFit?, fixedOverheadSeconds: Double,
                                 timeoutSeconds: Double, maxRisk: Double, maxPartitions: Int,
                                 algorithm: PartitionAlgorithm, options: PartitionOptions) -> Recommendation {
        let enabled = SuitePlanner.select(registrations, key: key).enabled
        let limit = max(1, min(maxPartitions, max(enabled.count, 1)))
        let fit = overhead ?? OverheadFit.fixed(fixedOverheadSeconds)
        let sglangTotal = SuitePlanner.select(sglangEstimates, key: key).enabled.reduce(0) { $0 + $1.estTime }
        let coeff = overhead?.olsCoeff ?? 1, bias = overhead?.olsBias ?? fixedOverheadSeconds
        let capacity = 0.75 * timeoutSeconds - bias
        let sglangRule = capacity > 0 ? max(1, Int((coeff * sglangTotal / capacity).rounded(.up))) : nil
        var rows: [Row] = []
        var answer: Int?
        // A file that alone in a job is too risky bounds every count: say so instead of searching.
        let alone = enabled.compactMap { registration in
            estimated.estimate(file: registration.file, suite: key.suite, backend: key.backend).map { (registration.file, $0) }
        }
        let aloneRisks = estimated.model.simulate(alone.map { [$0.1] }, backend: key.backend, suite: key.suite, overhead: fit)
            .map { $0.exceedance(timeoutSeconds) }
        var blocking: (file: String, risk: Double)?
        for (index, risk) in aloneRisks.enumerated() where risk > maxRisk && risk > (blocking?.risk ?? -1) {
            blocking = (alone[index].0, risk)
        }
        let searchLimit = blocking == nil ? limit : min(limit, max(sglangRule ?? 1, 1) + 2)
        for m in 1...searchLimit {
            let plan = SuitePlanner.plan(registrations, key: key, partitions: m, algorithm: algorithm, options: options)
            let distributions = estimated.forecast(plan, overhead: fit)
            let worstRisk = distributions.map { $0.exceedance(timeoutSeconds) }.max() ?? 0
            let worstP90 = distributions.map { $0.quantile(0.9) }.max() ?? 0
            let acceptable = worstRisk <= maxRisk && worstP90 <= timeoutSeconds
            rows.append(Row(partitions: m, makespanSeconds: plan.makespanSeconds,
                            worstP50Seconds: round(distributions.map { $0.quantile(0.5) }.max() ?? 0),
                            worstP90Seconds: round(worstP90), worstRisk: worstRisk,
                            runnerMinutes: round(distributions.reduce(0) { $0 + $1.quantile(0.5) } / 6) / 10,
                            acceptable: acceptable))
            if answer == nil, acceptable, blocking == nil { answer = m }
            if let answer, m >= max(answer + 1, sglangRule ?? 0) { break }
        }
        return Recommendation(partitions: answer, sglangRule: sglangRule, rows: rows, overheadSeconds: round(fit.bias),
                              overheadSource: overhead != nil ? "history" : "option",
                              blockingFile: blocking?.file, blockingRisk: blocking?.risk)
    }
}

extension OverheadFit {
    /// A constant overhead (no history): every job costs `seconds` more than its files.
    public static func fixed(_ seconds: Double) -> OverheadFit {
        OverheadFit(coeff: 1, bias: seconds, rSquared: 0, samples: 0, olsCoeff: 1, olsBias: seconds, olsRSquared: 0, residuals: [])
    }
}
