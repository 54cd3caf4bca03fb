/// sglang's `auto_partition`, faithfully: the reference arithmetic in Doubles.
public enum LongestProcessingTime {
    /// Splits items (in discovery order) into `partitions` bins: a stable sort by weight,
    /// descending, then each item to the bin with the smallest sum, the lowest index on ties.
    /// Returns item indices per bin; empty bins when there are more bins than items.
    public static func partition(_ seconds: [Double], partitions: Int) -> [[Int]] {
        guard partitions > 0 else { return [] }
        let order = seconds.indices.sorted { seconds[$0] > seconds[$1] || (seconds[$0] == seconds[$1] && $0 < $1) }
        var bins = Array(repeating: [Int](), count: partitions)
        var sums = Array(repeating: 0.0, count: partitions)
        for item in order {
            var target = 0
            for bin in 1..<partitions where sums[bin] < sums[target] { target = bin }
            bins[target].append(item)
            sums[target] += seconds[item]
        }
        return bins
    }
}
