/// When a file's observed run time counts as drifted from its registered `est_time`.
///
/// Only passed attempts give run times (a failed attempt may have stopped early; a timeout is
/// censored). A file is flagged when all hold:
/// - it has at least ``minRuns`` passed attempts;
/// - ratio = median ÷ est_time is above ``maxRatio`` or below ``minRatio``;
/// - |median − est_time| exceeds ``minSeconds`` (small files are never worth an edit);
/// - |median − est_time| exceeds ``madFactor`` × MAD, so est_time lies outside the file's own noise.
public struct DriftPolicy: Sendable, Hashable {
    /// Fewest passed attempts before a file is judged.
    public var minRuns: Int
    /// Flag when median ÷ est_time is above this.
    public var maxRatio: Double
    /// Flag when median ÷ est_time is below this.
    public var minRatio: Double
    /// Least absolute difference in seconds worth flagging.
    public var minSeconds: Double
    /// The difference must exceed this many median absolute deviations.
    public var madFactor: Double

    /// Creates a policy; the defaults are the documented rule.
    public init(minRuns: Int = 3, maxRatio: Double = 1.5, minRatio: Double = 0.5,
                minSeconds: Double = 30, madFactor: Double = 3) {
        self.minRuns = minRuns
        self.maxRatio = maxRatio
        self.minRatio = minRatio
        self.minSeconds = minSeconds
        self.madFactor = madFactor
    }

    /// Whether a file with these statistics is flagged.
    public func isDrifted(runs: Int, median: Double, mad: Double, estTime: Double) -> Bool {
        guard runs >= minRuns, estTime > 0 else { return false }
        let ratio = median / estTime
        let difference = abs(median - estTime)
        return (ratio > maxRatio || ratio < minRatio) && difference > minSeconds && difference > madFactor * mad
    }
}

/// The est_time `gpuci history suggest` proposes: the p90 of passed run times rounded up to a
/// multiple of 5 s, at least 5 s. p90 rather than the median, so that a partition planned on it
/// rarely overruns; rounding keeps the source edits stable from run to run.
public enum EstimateRule {
    /// The proposed est_time for a file whose passed run times have this p90.
    public static func proposedEstTime(p90: Double) -> Int {
        max(5, Int((p90 / 5).rounded(.up)) * 5)
    }
}
