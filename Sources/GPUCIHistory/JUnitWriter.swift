import Foundation

/// Writes a run's results as JUnit XML: one `testcase` per file (the time of its last attempt, so
/// ingesting the report gives the same run time the history recorded; the `testsuite` time is the
/// sum of all attempts),
/// with a `failure` holding the last lines of output for a failed or timed-out file, an `error` for
/// the file a termination signal cut short, a `skipped` for files the run never reached, and a
/// `system-out` with the end of every run file's output (``systemOutBytes``).
public enum JUnitWriter {
    /// Lines of output kept in a `failure` element.
    public static let outputLines = 50
    /// Bytes of a file's last output kept in its `system-out` (the whole output goes to `gpuci run --log-dir`).
    public static let systemOutBytes = 64 * 1024

    /// The end of `output`, at most ``systemOutBytes``, starting at a line.
    static func systemOut(_ output: String) -> String {
        let utf8 = output.utf8
        guard utf8.count > systemOutBytes else { return output }
        let start = utf8.index(utf8.endIndex, offsetBy: -systemOutBytes)
        let tail = output[start...]
        let line = tail.firstIndex(of: "\n").map { tail.index(after: $0) } ?? tail.startIndex
        return "[… \(utf8.count - tail[line...].utf8.count) earlier bytes]\n" + tail[line...]
    }

    /// The document for `summary`; `suite` names the `testsuite`. `recordedAs`, when given, is the
    /// token under which the run recorded its attempts (``JUnitReader/recordedProperty``), so that
    /// ingesting this report into the same database adds nothing twice.
    public static func document(_ summary: RunSummary, suite: String, recordedAs token: String? = nil) -> String {
        let failures = summary.results.filter { !$0.passed && !$0.skipped && $0.interrupted == nil }.count
        let errors = summary.results.filter { $0.interrupted != nil }.count
        let skipped = summary.results.filter(\.skipped).count
        let total = summary.results.reduce(0) { $0 + $1.seconds }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        xml += "  <testsuite name=\"\(escape(suite, attribute: true))\" tests=\"\(summary.results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(seconds(total))\">\n"
        if let token {
            xml += "    <properties>\n      <property name=\"\(JUnitReader.recordedProperty)\" value=\"\(escape(token, attribute: true))\"/>\n    </properties>\n"
        }
        for result in summary.results {
            let className = result.file.hasSuffix(".py") ? String(result.file.dropLast(3)).replacingOccurrences(of: "/", with: ".") : result.file
            xml += "    <testcase classname=\"\(escape(className, attribute: true))\" name=\"\(escape(result.file, attribute: true))\" file=\"\(escape(result.file, attribute: true))\" time=\"\(seconds(result.attempts.last?.attempt.seconds ?? 0))\""
            let output = result.interrupted?.output ?? result.attempts.last?.process.output ?? ""
            if output.isEmpty && result.passed {
                xml += "/>\n"
                continue
            }
            xml += ">\n"
            if !result.passed { xml += outcomeElement(result, interruptedBy: summary.interruptedBy) }
            if !output.isEmpty { xml += "      <system-out>\(escape(systemOut(output)))</system-out>\n" }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// The `error`, `failure` or `skipped` element of a file that did not pass.
    private static func outcomeElement(_ result: FileResult, interruptedBy: Int32?) -> String {
        if let cut = result.interrupted {
            let signal = interruptedBy.map { "signal \($0)" } ?? "a signal"
            let tail = cut.output.split(separator: "\n", omittingEmptySubsequences: false).suffix(outputLines).joined(separator: "\n")
            return "      <error message=\"\(escape("interrupted by \(signal) after \(seconds(cut.seconds)) s (not recorded in the history)", attribute: true))\">\(escape(tail))</error>\n"
        }
        guard let last = result.attempts.last else {
            let reason = interruptedBy == nil ? "an earlier file failed" : "the run was interrupted"
            return "      <skipped message=\"not run: \(reason)\"/>\n"
        }
        let message: String
        if last.process.timedOut {
            message = "timed out after \(seconds(last.attempt.seconds)) s (attempt \(last.attempt.attempt))"
        } else if let signal = last.process.signal {
            message = "killed by signal \(signal) (attempt \(last.attempt.attempt))"
        } else {
            message = "exit status \(last.process.exitStatus ?? -1) (attempt \(last.attempt.attempt))"
        }
        let tail = last.process.output.split(separator: "\n", omittingEmptySubsequences: false).suffix(outputLines).joined(separator: "\n")
        return "      <failure message=\"\(escape(message, attribute: true))\">\(escape(tail))</failure>\n"
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    /// Text for element content, or with `attribute` for an attribute value, where a raw tab,
    /// newline or carriage return would be read back as a space (XML attribute normalization),
    /// so they are written as character references.
    static func escape(_ text: String, attribute: Bool = false) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n" where attribute: escaped += "&#10;"
            case "\t" where attribute: escaped += "&#9;"
            case "\r" where attribute: escaped += "&#13;"
            case "\n", "\t", "\r": escaped.unicodeScalars.append(scalar)
            default:
                // XML 1.0 forbids most control characters even as references.
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    escaped += "\u{FFFD}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}
