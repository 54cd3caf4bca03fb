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
    public static func date(_ text: String) -> Date? {
        fastDate(text) ?? plain.date(from: text) ?? fractional.date(from: text)
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` exactly (what ``normalized(_:)`` writes for whole seconds), without
    /// a formatter: the backtest reads two per job.
    private static func fastDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
              bytes[16] == 0x3A, bytes[19] == 0x5A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// Whether `text` reads as a timestamp (see ``normalized(_:)``).
    public static func isValid(_ text: String) -> Bool { normalized(text) != nil }
}
