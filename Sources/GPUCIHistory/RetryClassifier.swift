/// Whether a failed attempt's output suggests trying again: the reference runner's rule (§5.3).
///
/// In order: any non-retriable pattern (case-insensitive) → not retriable; else any retriable
/// phrase (case-insensitive) → retriable; else a literal, case-sensitive `AssertionError` →
/// retriable; else not. As in the reference, case-insensitive `OOM` also matches words such as
/// "room" or "bloom", which makes those failures non-retriable. Timeouts never reach this rule:
/// they are never retried.
public enum RetryClassifier {
    /// The verdict on one failed attempt.
    public enum Verdict: Sendable, Hashable {
        /// Try again; the pattern that matched.
        case retriable(String)
        /// Do not; the pattern that matched, or `nil` when nothing matched.
        case notRetriable(String?)

        /// Whether the attempt should be tried again.
        public var isRetriable: Bool {
            if case .retriable = self { return true }
            return false
        }
    }

    /// Real errors a retry cannot fix.
    public static let nonRetriablePatterns: [String] = [
        "SyntaxError", "ImportError", "ModuleNotFoundError", "NameError", "TypeError", "AttributeError",
        "RuntimeError", "CUDA out of memory", "OOM", "Segmentation fault", "core dumped",
        "ConnectionRefusedError", "FileNotFoundError",
    ]

    /// Flaky-looking failures: numeric assertions and performance or accuracy thresholds.
    public static let retriablePatterns: [String] = [
        "AssertionError:.*not greater than", "AssertionError:.*not less than", "AssertionError:.*not equal to",
        "AssertionError:.*!=", "AssertionError:.*expected",
        "accuracy", "score", "latency", "throughput", "timeout",
    ]

    /// Classifies the captured output (stdout and stderr) of a failed attempt.
    public static func classify(_ output: String) -> Verdict {
        for pattern in nonRetriablePatterns where matches(pattern, in: output) {
            return .notRetriable(pattern)
        }
        for pattern in retriablePatterns where matches(pattern, in: output) {
            return .retriable(pattern)
        }
        if output.contains("AssertionError") { return .retriable("AssertionError") }
        return .notRetriable(nil)
    }

    private static func matches(_ pattern: String, in text: String) -> Bool {
        guard let regex = try? Regex(pattern).ignoresCase() else { return false }
        return text.contains(regex)
    }
}
