import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GPUCISupport

/// Reads pytest `--junitxml` output into one attempt per test file.
///
/// Layout: `testsuites` (optional) → `testsuite` (nestable) → `testcase` with `time` and `file` or
/// `classname`, and optional `failure`, `error` or `skipped` children. Per file: seconds = the sum
/// of its test cases' `time`; outcome = `failed` when any case has a `failure` or `error`, else
/// `passed`; a file whose cases were all skipped is left out (its time says nothing about a run).
/// Without a `file` attribute the file comes from `classname`: trailing components that start with
/// an upper-case letter (test classes) are dropped, the rest joined with `/` plus `.py`
/// (`a.b.test_x.TestY` → `a/b/test_x.py`).
public enum JUnitReader {
    /// Parses `data`; `source` names the file in errors.
    public static func read(data: Data, source: String, backend: String, suite: String? = nil,
                            runID: String? = nil) throws(InputError) -> [Attempt] {
        try report(data: data, source: source, backend: backend, suite: suite, runID: runID).attempts
    }

    /// The property by which `gpuci run` marks a report whose attempts it recorded itself.
    public static let recordedProperty = "gpuci.recorded"

    /// ``read(data:source:backend:suite:runID:)`` and the ``recordedProperty`` value, when the
    /// report carries one.
    public static func report(data: Data, source: String, backend: String, suite: String? = nil,
                              runID: String? = nil) throws(InputError) -> (attempts: [Attempt], recordedBy: String?) {
        try XMLSafety.requireUTF8(data, file: source)
        let parser = try XMLSafety.parser(for: data, file: source)
        let collector = JUnitCollector(source: source)
        parser.delegate = collector
        let parsed = parser.parse() && parser.parserError == nil
        if let oversized = XMLSafety.oversizedAttribute(in: data, file: source) { throw oversized }
        if let error = collector.error { throw error }
        guard parsed else {
            let reason = XMLSafety.reason(parserError: parser.parserError.map { ($0 as NSError).code })
            throw InputError("malformed XML: \(reason) (at or before this line)", file: source, line: max(parser.lineNumber, 1))
        }
        guard collector.sawRoot else {
            throw InputError("expected a <testsuites> or <testsuite> root element", file: source, line: 1)
        }
        let attempts = collector.files.map { entry in
            Attempt(file: entry.file, backend: backend, suite: suite, startedAt: entry.startedAt,
                    seconds: entry.seconds, outcome: entry.failed ? .failed : .passed, runID: runID)
        }.filter { attempt in collector.ranFiles.contains(attempt.file) }
        return (attempts, collector.recordedBy)
    }

    /// The test file named by a `classname` such as `a.b.test_x.TestY`, or `nil` when none is left.
    public static func file(fromClassName className: String) -> String? {
        var parts = className.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        while let last = parts.last, let first = last.first, first.isUppercase { parts.removeLast() }
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        return parts.joined(separator: "/") + ".py"
    }
}

/// The XMLParser delegate behind ``JUnitReader``.
private final class JUnitCollector: NSObject, XMLParserDelegate {
    struct FileEntry {
        var file: String
        var seconds: Double
        var failed: Bool
        var startedAt: String?
    }

    let source: String
    var error: InputError?
    var sawRoot = false
    var files: [FileEntry] = []
    var ranFiles: Set<String> = []
    var recordedBy: String?
    private var indexOfFile: [String: Int] = [:]
    private var stack: [String] = []
    private var suiteTimestamps: [String?] = []
    private var currentCase: (file: String, skipped: Bool, failed: Bool)?

    init(source: String) { self.source = source }

    private func fail(_ parser: XMLParser, _ message: String, key: String? = nil) {
        guard error == nil else { return }
        error = InputError(message, file: source, line: max(parser.lineNumber, 1), key: key)
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        guard error == nil else { return }
        defer { stack.append(name) }
        let parent = stack.last
        switch name {
        case "testsuites":
            guard parent == nil else { return fail(parser, "<testsuites> must be the root element") }
            sawRoot = true
        case "testsuite":
            guard parent == nil || parent == "testsuites" || parent == "testsuite" else {
                return fail(parser, "<testsuite> inside <\(parent ?? "")>")
            }
            sawRoot = true
            let timestamp = attributes["timestamp"].flatMap { $0.isEmpty ? nil : $0 }
            if let timestamp, Timestamp.normalized(timestamp) == nil {
                return fail(parser, "expected an ISO-8601 time, found \"\(timestamp)\"", key: "testsuite.timestamp")
            }
            suiteTimestamps.append(timestamp.flatMap(Timestamp.normalized) ?? suiteTimestamps.last ?? nil)
        case "property":
            if parent == "properties", attributes["name"] == JUnitReader.recordedProperty, let value = attributes["value"], !value.isEmpty {
                recordedBy = value
            }
        case "testcase":
            guard parent == "testsuite" else { return fail(parser, "<testcase> outside a <testsuite>") }
            guard let timeText = attributes["time"] else {
                return fail(parser, "missing the time attribute", key: "testcase.time")
            }
            guard let seconds = Double(timeText.replacingOccurrences(of: ",", with: "")), DurationLimit.accepts(seconds) else {
                return fail(parser, "expected \(DurationLimit.expected), found \"\(timeText)\"", key: "testcase.time")
            }
            let file: String
            if let given = attributes["file"], !given.isEmpty {
                file = given
            } else if let className = attributes["classname"], let derived = JUnitReader.file(fromClassName: className) {
                file = derived
            } else {
                return fail(parser, "cannot tell the test file: no file attribute and no module in classname", key: "testcase")
            }
            if let index = indexOfFile[file] {
                files[index].seconds += seconds
                guard DurationLimit.accepts(files[index].seconds) else {
                    return fail(parser, "the test cases of \(file) add up to more than 30 days", key: "testcase.time")
                }
            } else {
                indexOfFile[file] = files.count
                files.append(FileEntry(file: file, seconds: seconds, failed: false, startedAt: suiteTimestamps.last ?? nil))
            }
            currentCase = (file, false, false)
        case "failure", "error":
            if parent == "testcase" { currentCase?.failed = true }
        case "skipped":
            if parent == "testcase" { currentCase?.skipped = true }
        default:
            break
        }
    }

    func parserDidEndDocument(_ parser: XMLParser) {
        if error == nil, let open = stack.last { fail(parser, "the document ends inside <\(open)>") }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard error == nil else { return }
        guard stack.last == name else {
            return fail(parser, "closing </\(name)> does not match the open <\(stack.last ?? "")>")
        }
        stack.removeLast()
        switch name {
        case "testsuite":
            suiteTimestamps.removeLast()
        case "testcase":
            if let current = currentCase, let index = indexOfFile[current.file] {
                if current.failed { files[index].failed = true }
                if current.failed || !current.skipped { ranFiles.insert(current.file) }
            }
            currentCase = nil
        default:
            break
        }
    }
}
