import Foundation
import GPUCISupport

/// How a file's past durations become one estimate of its next duration.
///
/// Every estimator reads one file's passing samples oldest first and answers `nil` when it has
/// fewer than it needs (the planner then falls back to est_time). The default, ``ewma``, was
/// chosen by walk-forward backtests on sglang's real runs (see the README's "Planning from real
/// runs"); ``sglang`` is sglang's own CI rule.
public enum DurationEstimator: Sendable, Hashable, CustomStringConvertible {
    /// The `fraction` quantile (numpy's linear interpolation) of the newest `newest` samples
    /// (all when `nil`), given at least `minimum` of them.
    case quantile(Double, newest: Int?, minimum: Int)
    /// An exponentially weighted moving average: the first sample, then `v ← α·x + (1 − α)·v`.
    case ewma(alpha: Double)
    /// The weighted `fraction` quantile with weights `0.5^(age / halfLife)`, age 0 for the newest.
    case decayedQuantile(Double, halfLife: Double)

    /// gpuci's default: EWMA with α = 0.5.
    public static let standard = DurationEstimator.ewma(alpha: 0.5)
    /// sglang's rule: p90 of the newest ≤ 16 passing samples, at least 3.
    public static let sglang = DurationEstimator.quantile(0.9, newest: 16, minimum: 3)

    /// The estimate from `samples`, oldest first; `nil` with too few samples.
    public func estimate(_ samples: ArraySlice<Double>) -> Double? {
        guard !samples.isEmpty else { return nil }
        switch self {
        case let .quantile(fraction, newest, minimum):
            let window = newest.map { samples.suffix($0) } ?? samples
            guard window.count >= minimum else { return nil }
            return RobustStatistics.percentile(Array(window), fraction)
        case let .ewma(alpha):
            var value = samples[samples.startIndex]
            for sample in samples.dropFirst() { value = alpha * sample + (1 - alpha) * value }
            return value
        case let .decayedQuantile(fraction, halfLife):
            let newestIndex = samples.endIndex - 1
            let weighted = samples.indices.map { index in
                (value: samples[index], weight: pow(0.5, Double(newestIndex - index) / halfLife))
            }.sorted { $0.value < $1.value }
            let total = weighted.reduce(0) { $0 + $1.weight }
            var running = 0.0
            for entry in weighted {
                running += entry.weight
                if running >= fraction * total { return entry.value }
            }
            return weighted.last?.value
        }
    }

    /// The estimate from every sample; see ``estimate(_:)``.
    public func estimate(_ samples: [Double]) -> Double? { estimate(samples[...]) }

    /// The name that ``init(parsing:)`` reads back.
    public var description: String {
        if self == .sglang { return "sglang" }
        if self == .quantile(0.5, newest: nil, minimum: 1) { return "median" }
        if self == .quantile(0.5, newest: 1, minimum: 1) { return "last" }
        switch self {
        case .ewma(0.5): return "ewma"
        case let .ewma(alpha): return "ewma:\(Self.number(alpha))"
        case let .quantile(fraction, newest, minimum):
            return "quantile:\(Self.number(fraction)):\(newest.map(String.init) ?? "all"):\(minimum)"
        case let .decayedQuantile(fraction, halfLife):
            return "decayed:\(Self.number(fraction)):\(Self.number(halfLife))"
        }
    }

    /// Reads `ewma`, `ewma:A`, `sglang`, `median`, `last`, `quantile:Q[:K|all[:MIN]]` or `decayed:Q:H`.
    public init(parsing text: String) throws(InputError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func number(_ index: Int, _ name: String, _ range: ClosedRange<Double>) throws(InputError) -> Double {
            guard index < parts.count, let value = Double(parts[index]), value.isFinite, range.contains(value) else {
                throw InputError("estimator \"\(text)\": \(name) must be a number from \(Self.number(range.lowerBound)) to \(Self.number(range.upperBound))")
            }
            return value
        }
        func count(_ index: Int, _ name: String) throws(InputError) -> Int {
            guard index < parts.count, let value = Int(parts[index]), (1...100_000).contains(value) else {
                throw InputError("estimator \"\(text)\": \(name) must be a whole number from 1 to 100000")
            }
            return value
        }
        switch parts[0] {
        case "ewma" where parts.count == 1: self = .standard
        case "ewma" where parts.count == 2: self = .ewma(alpha: try number(1, "alpha", 0.01...1))
        case "sglang" where parts.count == 1: self = .sglang
        case "median" where parts.count == 1: self = .quantile(0.5, newest: nil, minimum: 1)
        case "last" where parts.count == 1: self = .quantile(0.5, newest: 1, minimum: 1)
        case "quantile" where (2...4).contains(parts.count):
            let fraction = try number(1, "the quantile", 0...1)
            let newest = parts.count > 2 && parts[2] != "all" ? try count(2, "the window") : nil
            let minimum = parts.count > 3 ? try count(3, "the minimum count") : 1
            self = .quantile(fraction, newest: newest, minimum: minimum)
        case "decayed" where parts.count == 3:
            self = .decayedQuantile(try number(1, "the quantile", 0...1), halfLife: try number(2, "the half-life", 0.1...10_000))
        default:
            throw InputError("unknown estimator \"\(text)\"; expected ewma, ewma:ALPHA, sglang, median, last, quantile:Q[:K|all[:MIN]] or decayed:Q:HALFLIFE")
        }
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}
