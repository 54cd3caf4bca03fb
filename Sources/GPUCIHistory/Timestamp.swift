import Foundation

/// Start times: ISO-8601 text or unix seconds in, ISO-8601 UTC text out.
///
/// The formatters are built once: ingest reads a timestamp per row. They are only used for
/// parsing and formatting, which Foundation's formatters allow from any thread.
public enum Timestamp {
    nonisolated(unsafe) private static let plain: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    nonisolated(unsafe) private static let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()

    /// pytest writes local time without a zone (`2026-01-07T12:00:00.123456`); read as UTC.
    private static let zoneless: [(formatter: DateFormatter, fractional: Bool)] =
        ["yyyy-MM-dd'T'HH:mm:ss.SSSSSS", "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss"].map { pattern in
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = pattern
            return (formatter, pattern.contains("S"))
        }

    /// `text` as `yyyy-MM-ddTHH:mm:ssZ` (fractions kept to milliseconds when present), or `nil`
    /// when it is neither ISO-8601 nor a number of unix seconds.
    static func normalized(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0, seconds < 1e11 {
            return format(Date(timeIntervalSince1970: seconds), fractional: seconds.rounded(.down) != seconds)
        }
        if let date = plain.date(from: trimmed) { return format(date, fractional: false) }
        if let date = fractional.date(from: trimmed) { return format(date, fractional: true) }
        for (formatter, isFractional) in zoneless {
            if let date = formatter.date(from: trimmed) { return format(date, fractional: isFractional) }
        }
        return nil
    }

    /// `date` as ISO-8601 UTC text.
    static func format(_ date: Date, fractional isFractional: Bool = false) -> String {
        (isFractional ? fractional : plain).string(from: date)
    }

    /// The instant of a normalized timestamp (see ``normalized(_:)``), or `nil`.
    static func date(_ text: String) -> Date? {
        plain.date(from: text) ?? fractional.date(from: text)
    }

    /// Whether `text` reads as a timestamp (see ``normalized(_:)``).
    public static func isValid(_ text: String) -> Bool { normalized(text) != nil }
}
