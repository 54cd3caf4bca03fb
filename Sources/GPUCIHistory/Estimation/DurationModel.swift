import Foundation
import GPUCISupport

/// Point estimates and their uncertainty for every file of a history.
///
/// The point estimate is the ``DurationEstimator`` over the file's passing samples. Its error
/// distribution is a mixture, drawn from in a fixed-seed Monte Carlo: with probability
/// `n / (n + 3)` one of the file's own `n` multiplicative errors (sample / estimate), otherwise
/// one of its suite's pooled out-of-sample errors — for every earlier sample, how far it was
/// from the estimate made from the samples before it (the pool of all suites when a suite has
/// fewer than 30). A file planned on est_time draws from the errors est_time made on the
/// first samples of files that have history. The constants were fixed before the backtest
/// scored them and moved the calibration by under a point when varied (README).
public struct DurationModel: Sendable {
    /// Draws of every Monte Carlo forecast.
    public static let draws = 2000
    /// The fixed seed of every forecast.
    public static let seed: UInt64 = 0x6770_7563_6932_0026
    static let shrinkage = 3.0
    static let minimumPool = 30

    /// The estimator behind the point estimates.
    public let estimator: DurationEstimator
    private let history: DurationHistory
    private var suitePools: [String: [Double]] = [:]
    private var globalPool: [Double] = []
    private var estTimePool: [Double] = []

    /// Builds the model of `history`; `estTime` gives a key's registered est_time, when known,
    /// for the errors of est_time.
    public init(history: DurationHistory, estimator: DurationEstimator, estTime: (DurationHistory.Key) -> Double?) {
        self.estimator = estimator
        self.history = history
        for key in history.keys {
            let samples = history.samples(key)
            for index in samples.indices.dropFirst() {
                if let earlier = estimator.estimate(samples[..<index]), earlier > 0 {
                    let factor = Self.factor(samples[index], earlier)
                    suitePools["\(key.backend)/\(key.suite)", default: []].append(factor)
                    globalPool.append(factor)
                }
            }
            if let first = samples.first, let est = estTime(key), est > 0 {
                estTimePool.append(Self.factor(first, est))
            }
        }
    }

    /// Ratios are taken with a 1-second floor: a file that takes 0 s is not infinitely fast.
    private static func factor(_ actual: Double, _ estimate: Double) -> Double {
        max(actual, 1) / max(estimate, 1)
    }

    /// The estimate of `key`: from history when the estimator has enough samples, else `estTime`.
    public func estimate(_ key: DurationHistory.Key, estTime: Double) -> FileEstimate {
        let samples = history.samples(key)
        guard let point = estimator.estimate(samples) else {
            return FileEstimate(seconds: estTime, samples: 0, spreadSeconds: 0, basis: .estTime)
        }
        let spread = samples.count >= 2 ? 1.4826 * (RobustStatistics.medianAbsoluteDeviation(samples) ?? 0) : 0
        return FileEstimate(seconds: point, samples: samples.count, spreadSeconds: spread, basis: .history,
                            factors: samples.map { Self.factor($0, point) })
    }

    /// The pool a file of `suite` draws from when it does not draw its own error.
    func pool(backend: String, suite: String, basis: FileEstimate.Basis) -> [Double] {
        if basis == .estTime { return estTimePool.isEmpty ? globalPool : estTimePool }
        let own = suitePools["\(backend)/\(suite)"] ?? []
        return own.count >= Self.minimumPool ? own : globalPool
    }

    /// The variance of `estimate`'s duration under the mixture (for spread-aware partitioning).
    public func variance(of estimate: FileEstimate, backend: String, suite: String) -> Double {
        let shared = pool(backend: backend, suite: suite, basis: estimate.basis)
        let mixing = Double(estimate.factors.count) / (Double(estimate.factors.count) + Self.shrinkage)
        func moments(_ values: [Double]) -> (Double, Double) {
            guard !values.isEmpty else { return (1, 1) }
            let n = Double(values.count)
            return (values.reduce(0, +) / n, values.reduce(0) { $0 + $1 * $1 } / n)
        }
        let (ownMean, ownSquare) = moments(estimate.factors)
        let (poolMean, poolSquare) = moments(shared)
        let mean = mixing * ownMean + (1 - mixing) * poolMean
        let square = mixing * ownSquare + (1 - mixing) * poolSquare
        return estimate.seconds * estimate.seconds * max(0, square - mean * mean)
    }

    /// Monte Carlo sums of each partition's files (`Self.draws` draws, fixed seed), sorted.
    ///
    /// - Parameter overhead: when given, each draw adds the fit's bias and one of its residuals.
    public func simulate(_ partitions: [[FileEstimate]], backend: String, suite: String,
                         overhead: OverheadFit? = nil) -> [PartitionDistribution] {
        var random = SplitMix64(seed: Self.seed)
        let historyPool = pool(backend: backend, suite: suite, basis: .history)
        let estPool = pool(backend: backend, suite: suite, basis: .estTime)
        return partitions.map { files in
            var sums = [Double](repeating: 0, count: Self.draws)
            for file in files {
                let own = file.factors
                let mixing = Double(own.count) / (Double(own.count) + Self.shrinkage)
                let shared = file.basis == .estTime ? estPool : historyPool
                for draw in 0..<Self.draws {
                    let u = Double(random.next() >> 11) / Double(1 << 53)
                    let factor: Double
                    if !own.isEmpty && (u < mixing || shared.isEmpty) {
                        factor = own[Int(random.next() % UInt64(own.count))]
                    } else if !shared.isEmpty {
                        factor = shared[Int(random.next() % UInt64(shared.count))]
                    } else {
                        factor = 1
                    }
                    sums[draw] += file.seconds * factor
                }
            }
            if let overhead {
                for draw in 0..<Self.draws {
                    let residual = overhead.residuals.isEmpty ? 0 : overhead.residuals[Int(random.next() % UInt64(overhead.residuals.count))]
                    sums[draw] += max(0, overhead.bias + residual)
                }
            }
            sums.sort()
            return PartitionDistribution(sortedDraws: sums)
        }
    }
}

/// The simulated distribution of one partition's duration.
public struct PartitionDistribution: Sendable, Hashable {
    /// The Monte Carlo draws, ascending.
    public let sortedDraws: [Double]

    /// The `fraction` quantile of the draws (linear interpolation).
    public func quantile(_ fraction: Double) -> Double {
        RobustStatistics.percentile(sortedDraws, fraction) ?? 0
    }

    /// The share of draws above `seconds`.
    public func exceedance(_ seconds: Double) -> Double {
        guard !sortedDraws.isEmpty else { return 0 }
        var low = 0, high = sortedDraws.count
        while low < high {
            let middle = (low + high) / 2
            if sortedDraws[middle] <= seconds { low = middle + 1 } else { high = middle }
        }
        return Double(sortedDraws.count - low) / Double(sortedDraws.count)
    }
}
