/// The one way gpuci writes a duration for people: `40.8s` under a minute (tenths only when there
/// are any), `15m41s` under an hour, `1h02m03s` above — rounded to the second from a minute on.
/// Inputs take the same forms back (`90`, `90s`, `30m`, `1h30m`).
public enum DurationText {
    /// `seconds` as text; negative durations get a leading `-`.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "\(seconds)" }
        if seconds < 0 { return "-" + clock(-seconds) }
        if seconds < 59.95 {
            let tenths = (seconds * 10).rounded() / 10
            return tenths == tenths.rounded() ? "\(Int(tenths))s" : String(format: "%.1fs", tenths)
        }
        let total = Int(seconds.rounded())
        let h = total / 3600, m = total / 60 % 60, s = total % 60
        return h > 0 ? String(format: "%dh%02dm%02ds", h, m, s) : String(format: "%dm%02ds", m, s)
    }
}
