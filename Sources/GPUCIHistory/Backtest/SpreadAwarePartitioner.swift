import GPUCIPlanner

/// Partitioning that balances distributions rather than point estimates: files longest first,
/// each to the partition whose predicted p90 (normal approximation: Σμ + 1.2816·√Σσ²) grows
/// least, the lowest index on ties. High-variance files spread out instead of piling up.
public enum SpreadAwarePartitioner {
    static let z = 1.2816

    /// Bins of item indices for per-item means and variances.
    public static func partition(means: [Double], variances: [Double], partitions: Int) -> [[Int]] {
        let m = max(partitions, 1)
        let order = means.indices.sorted { means[$0] > means[$1] || (means[$0] == means[$1] && $0 < $1) }
        var bins = Array(repeating: [Int](), count: m)
        var mean = Array(repeating: 0.0, count: m)
        var variance = Array(repeating: 0.0, count: m)
        for item in order {
            var best = 0
            var bestValue = Double.infinity
            for bin in 0..<m {
                let value = mean[bin] + means[item] + z * (variance[bin] + variances[item]).squareRoot()
                if value < bestValue { best = bin; bestValue = value }
            }
            bins[best].append(item)
            mean[best] += means[item]
            variance[best] += variances[item]
        }
        return bins
    }
}
