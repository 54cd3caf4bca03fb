import Foundation

/// Start times: ISO-8601 text or unix seconds in, ISO-8601 UTC text out.
enum Timestamp {
    /// `text` as `yyyy-MM-ddTHH:mm:ssZ` (fractions kept to milliseconds when present), or `nil`
    /// when it is neither ISO-8601 nor a number of unix seconds.
    static func normalized(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0, seconds < 1e11 {
            return format(Date(timeIntervalSince1970: seconds), fractional: seconds.rounded(.down) != seconds)
        }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: trimmed) { return format(date, fractional: false) }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: trimmed) { return format(date, fractional: true) }
        // pytest writes local time without a zone (`2026-01-07T12:00:00.123456`); read it as UTC.
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = TimeZone(identifier: "UTC")
        for pattern in ["yyyy-MM-dd'T'HH:mm:ss.SSSSSS", "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss"] {
            local.dateFormat = pattern
            if let date = local.date(from: trimmed) { return format(date, fractional: pattern.contains("S")) }
        }
        return nil
    }

    /// `date` as ISO-8601 UTC text.
    static func format(_ date: Date, fractional: Bool = false) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
