import GPUCISupport

/// Seconds as whole milliseconds, the unit every comparison in the planner uses.
public enum Millis {
    /// Rounds non-negative seconds to milliseconds (negative and non-finite values become 0).
    ///
    /// Readers bound durations to ``DurationLimit``; past it the value saturates at that limit
    /// rather than trapping, so no input can overflow a sum.
    public static func from(seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64((min(seconds, DurationLimit.maximumSeconds) * 1000).rounded())
    }

    /// Milliseconds as seconds.
    public static func seconds(_ millis: Int64) -> Double {
        Double(millis) / 1000
    }
}
