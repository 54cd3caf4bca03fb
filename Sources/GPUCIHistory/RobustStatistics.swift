/// Order statistics used for run times: robust to the single outlier a paused debugger makes.
public enum RobustStatistics {
    /// The median (mean of the two middle values for an even count); `nil` for no values.
    public static func median(_ values: [Double]) -> Double? {
        percentile(values, 0.5)
    }

    /// The `fraction` quantile by linear interpolation between order statistics
    /// (numpy's default, "type 7"): position `fraction × (n − 1)` in the sorted values.
    public static func percentile(_ values: [Double], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = min(max(fraction, 0), 1) * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * weight
    }

    /// The median absolute deviation from the median, unscaled (multiply by 1.4826 for σ of a normal).
    public static func medianAbsoluteDeviation(_ values: [Double]) -> Double? {
        guard let center = median(values) else { return nil }
        return median(values.map { abs($0 - center) })
    }
}
