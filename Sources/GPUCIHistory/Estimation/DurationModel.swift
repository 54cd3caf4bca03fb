import Foundation
import GPUCIPlanner
import GPUCISupport

/// Point estimates and their uncertainty for every file of a history.
///
/// The point estimate is the ``DurationEstimator`` over the file's passing samples. Its error
/// distribution is a mixture, drawn from in a fixed-seed Monte Carlo: with probability
/// `n / (n + 3)` one of the file's own `n` multiplicative errors (sample / estimate), otherwise
/// one of its suite's pooled out-of-sample errors — for each of a file's newest 32 samples, how
/// far it was from the estimate made from the samples before it (the pool of all suites when a
/// suite has fewer than 30). A file planned on est_time draws from the errors est_time made on
/// the first samples of files that have history. The constants were fixed before the backtest
/// scored them; varied tenfold they kept the p90 calibration within 6–11 % (README).
public struct DurationModel: Sendable {
    /// Draws of a Monte Carlo forecast unless told otherwise.
    public static let standardDraws = 2000
    /// The fixed seed of every forecast.
    public static let seed: UInt64 = 0x6770_7563_6932_0026
    static let shrinkage = 3.0
    static let minimumPool = 30
    static let poolSamplesPerFile = 32

    /// The estimator behind the point estimates.
    public let estimator: DurationEstimator
    /// Draws of every forecast.
    public var draws = DurationModel.standardDraws
    private let history: DurationHistory
    private var suitePools: [SuiteKey: [Double]] = [:]
    private var globalPool: [Double] = []
    private var estTimePool: [Double] = []

    /// Builds the model of `history`; `estTime` gives a key's registered est_time, when known,
    /// for the errors of est_time.
    public init(history: DurationHistory, estimator: DurationEstimator, estTime: (DurationHistory.Key) -> Double?) {
        self.estimator = estimator
        self.history = history
        for key in history.keys {
            let samples = history.samples(key)
            // The newest errors only: a long history costs O(n) per key, not O(n²).
            for index in samples.indices.dropFirst().suffix(Self.poolSamplesPerFile) {
                if let earlier = estimator.estimate(samples[..<index]), earlier > 0 {
                    let factor = Self.factor(samples[index], earlier)
                    suitePools[SuiteKey(backend: key.backend, suite: key.suite), default: []].append(factor)
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
        let own = suitePools[SuiteKey(backend: backend, suite: suite)] ?? []
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

    /// Monte Carlo sums of each partition's files (``draws`` draws, fixed seed).
    ///
    /// - Parameter overhead: when given, each draw adds the fit's bias and one of its residuals.
    public func simulate(_ partitions: [[FileEstimate]], backend: String, suite: String,
                         overhead: OverheadFit? = nil) -> [PartitionDistribution] {
        let files = partitions.flatMap { $0 }
        let draws = sample(files, backend: backend, suite: suite)
        var next = 0
        let bins = partitions.map { partition in
            defer { next += partition.count }
            return Array(next..<(next + partition.count))
        }
        return distributions(bins, fileDraws: draws, overhead: overhead)
    }

    /// ``draws`` draws of each file's duration, one row per file, from one fixed-seed stream.
    public func sample(_ files: [FileEstimate], backend: String, suite: String) -> [[Double]] {
        var random = SplitMix64(seed: Self.seed)
        let historyPool = pool(backend: backend, suite: suite, basis: .history)
        let estPool = pool(backend: backend, suite: suite, basis: .estTime)
        return files.map { file in
            let own = file.factors
            let mixing = Double(own.count) / (Double(own.count) + Self.shrinkage)
            let shared = file.basis == .estTime ? estPool : historyPool
            let ownCount = UInt64(own.count), sharedCount = UInt64(shared.count)
            // One 64-bit draw decides both: the high half picks own-or-shared, the low half the
            // index (multiply-shift, no division).
            let threshold = UInt64(mixing * 4_294_967_296)
            return (0..<draws).map { _ in
                let bits = random.next()
                let index = bits & 0xFFFF_FFFF
                if ownCount > 0 && ((bits >> 32) < threshold || sharedCount == 0) {
                    return file.seconds * own[Int((index * ownCount) >> 32)]
                } else if sharedCount > 0 {
                    return file.seconds * shared[Int((index * sharedCount) >> 32)]
                }
                return file.seconds
            }
        }
    }

    /// The distributions of partitions given as indexes into `fileDraws` (rows of ``sample(_:backend:suite:)``):
    /// the same draws for every partitioning of the same files, so methods compare on common random numbers.
    public func distributions(_ partitions: [[Int]], fileDraws: [[Double]], overhead: OverheadFit? = nil) -> [PartitionDistribution] {
        var random = SplitMix64(seed: Self.seed ^ 0x6F76_6572_6865_6164)
        return partitions.map { files in
            var sums = [Double](repeating: 0, count: draws)
            sums.withUnsafeMutableBufferPointer { total in
                for file in files {
                    fileDraws[file].withUnsafeBufferPointer { row in
                        for draw in 0..<min(total.count, row.count) { total[draw] += row[draw] }
                    }
                }
            }
            if let overhead {
                let count = UInt64(overhead.residuals.count)
                for draw in 0..<draws {
                    let residual = count == 0 ? 0 : overhead.residuals[Int(((random.next() & 0xFFFF_FFFF) * count) >> 32)]
                    sums[draw] += max(0, overhead.bias + residual)
                }
            }
            return PartitionDistribution(draws: sums)
        }
    }
}

/// The simulated distribution of one partition's duration.
public struct PartitionDistribution: Sendable, Hashable {
    /// The Monte Carlo draws, in draw order.
    public let draws: [Double]

    /// A distribution of `draws`.
    public init(draws: [Double]) {
        self.draws = draws
    }

    /// The `fraction` quantile of the draws, interpolated linearly between order statistics
    /// (numpy's default), found by selection rather than a full sort.
    public func quantile(_ fraction: Double) -> Double {
        guard !draws.isEmpty else { return 0 }
        let position = min(max(fraction, 0), 1) * Double(draws.count - 1)
        let lower = Int(position.rounded(.down))
        var copy = draws
        return copy.withUnsafeMutableBufferPointer { buffer in
            let low = Selection.select(buffer, rank: lower)
            guard lower + 1 < buffer.count else { return low }
            var high = Double.infinity
            for index in (lower + 1)..<buffer.count where buffer[index] < high { high = buffer[index] }
            return low + (high - low) * (position - Double(lower))
        }
    }

    /// The share of draws above `seconds`.
    public func exceedance(_ seconds: Double) -> Double {
        guard !draws.isEmpty else { return 0 }
        return Double(draws.reduce(0) { $0 + ($1 > seconds ? 1 : 0) }) / Double(draws.count)
    }
}

/// Hoare-style quickselect with a median-of-three pivot.
enum Selection {
    /// Rearranges `buffer` so that `buffer[rank]` is the value of that rank in sorted order,
    /// everything before it ≤ and everything after it ≥; returns that value.
    static func select(_ buffer: UnsafeMutableBufferPointer<Double>, rank: Int) -> Double {
        var low = 0, high = buffer.count - 1
        while low < high {
            let middle = low + (high - low) / 2
            if buffer[middle] < buffer[low] { buffer.swapAt(middle, low) }
            if buffer[high] < buffer[low] { buffer.swapAt(high, low) }
            if buffer[high] < buffer[middle] { buffer.swapAt(high, middle) }
            let pivot = buffer[middle]
            var i = low, j = high
            while i <= j {
                while buffer[i] < pivot { i += 1 }
                while buffer[j] > pivot { j -= 1 }
                if i <= j {
                    buffer.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j { high = j } else if rank >= i { low = i } else { break }
        }
        return buffer[rank]
    }
}
