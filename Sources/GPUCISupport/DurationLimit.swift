/// The one range of durations gpuci accepts anywhere it reads one (est_time, elapsed seconds,
/// timeouts): 0 to 30 days.
///
/// Bounded inputs keep every sum of them exact in whole milliseconds: a billion files of 30 days
/// each still fit in `Int64`.
public enum DurationLimit {
    /// 30 days, in seconds.
    public static let maximumSeconds: Double = 30 * 86_400

    /// Whether `seconds` is a duration gpuci accepts.
    public static func accepts(_ seconds: Double) -> Bool {
        seconds.isFinite && seconds >= 0 && seconds <= maximumSeconds
    }

    /// What an error says is expected.
    public static let expected = "a number of seconds from 0 to 2592000 (30 days)"
}
