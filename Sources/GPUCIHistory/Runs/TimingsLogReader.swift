import Foundation
import GPUCISupport

/// Reads the machine-readable block sglang's CI runner prints into a job's log.
///
/// The block is a line containing `TIMINGS BEGIN`, one JSON object per executed file
/// (`{"file": …, "passed": true, "elapsed": 12.3}`), and a line containing `TIMINGS END`. Every
/// line may stand behind a prefix (a logger's tag, GitHub's timestamp): a marker counts wherever
/// it stands in its line and an entry is read from the line's first `{`. A log may hold several
/// blocks (one per attempt); a file that appears again was retried. The job's suite, backend and
/// partition come from the caller. When the log's first and last lines carry GitHub Actions
/// timestamps, they become the job's start and completion.
public enum TimingsLogReader {
    static let begin = "TIMINGS BEGIN"
    static let end = "TIMINGS END"

    /// The key of the token `gpuci run` adds to its entries (``IngestFile/recordedBy``).
    static let recordedKey = "gpuci_recorded"

    /// The token of the `gpuci run` that printed the log's block, when it did: its attempts are in
    /// that run's history database already.
    static func recordingToken(in text: String) -> String? {
        guard let start = text.range(of: begin) else { return nil }
        for line in text[start.upperBound...].split(separator: "\n").prefix(4) {
            if line.contains(end) { return nil }
            guard let brace = line.firstIndex(of: "{"),
                  let object = try? JSONSerialization.jsonObject(with: Data(line[brace...].utf8)) as? [String: Any],
                  let token = object[recordedKey] as? String else { continue }
            return token
        }
        return nil
    }

    /// Whether `text` holds a timings block (a `TIMINGS BEGIN` marker).
    static func looksLikeLog(_ text: String) -> Bool { text.contains(begin) }

    /// What the caller knows about the job the log came from.
    public struct JobContext: Sendable, Hashable {
        /// The suite the job ran (required).
        public var suite: String?
        /// The suite's backend (required).
        public var backend: String?
        /// 0-based partition index.
        public var partition: Int?
        /// The CI run.
        public var runID: String?
        /// The job's id; without one the job is named `log-<first 16 hex digits of the log's hash>`.
        public var jobID: String?
        /// The runner label.
        public var runnerLabel: String?

        /// Creates a context; every field is optional here and checked by the reader.
        public init(suite: String? = nil, backend: String? = nil, partition: Int? = nil, runID: String? = nil,
                    jobID: String? = nil, runnerLabel: String? = nil) {
            self.suite = suite
            self.backend = backend
            self.partition = partition
            self.runID = runID
            self.jobID = jobID
            self.runnerLabel = runnerLabel
        }
    }

    /// Parses a saved job log; `source` names it in errors, `contentHash` names the job when
    /// `context` gives no job id.
    public static func read(text: String, source: String, contentHash: String,
                            context: JobContext) throws(InputError) -> RunRecords {
        guard let suite = context.suite, !suite.isEmpty else {
            throw InputError("a CI log does not say which suite it ran; pass --suite", file: source)
        }
        guard let backend = context.backend, !backend.isEmpty else {
            throw InputError("a CI log does not say which backend it ran on; pass --backend", file: source)
        }
        guard looksLikeLog(text) else {
            throw InputError("no TIMINGS BEGIN line: not a CI log with a timings block", file: source)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let jobID = context.jobID ?? "log-" + contentHash.prefix(16)
        var entries: [(file: String, seconds: Double, passed: Bool)] = []
        var openedAt: Int?
        for (offset, rawLine) in lines.enumerated() {
            let number = offset + 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if line.contains(begin) {
                if let openedAt {
                    throw InputError("TIMINGS BEGIN inside the block opened on line \(openedAt)", file: source, line: number)
                }
                openedAt = number
                continue
            }
            guard openedAt != nil else { continue }
            if line.contains(end) {
                openedAt = nil
                continue
            }
            guard let brace = line.firstIndex(of: "{") else {
                if withoutTimestamp(line).allSatisfy(\.isWhitespace) { continue }
                throw InputError("expected a JSON object {\"file\", \"passed\", \"elapsed\"} or TIMINGS END",
                                 file: source, line: number)
            }
            entries.append(try entry(String(line[brace...]), source: source, line: number))
        }
        if let openedAt {
            throw InputError("the TIMINGS BEGIN block has no TIMINGS END", file: source, line: openedAt)
        }
        let firstStamp = lines.lazy.compactMap(timestamp).first
        let lastStamp = lines.reversed().lazy.compactMap(timestamp).first
        let job = CIJob(id: jobID, runID: context.runID, suite: suite, backend: backend, partition: context.partition,
                        runnerLabel: context.runnerLabel, startedAt: firstStamp, completedAt: lastStamp)
        var attemptsSoFar: [String: Int] = [:]
        var attempts: [Attempt] = []
        var lastIndex: [String: Int] = [:]
        for entry in entries {
            let number = attemptsSoFar[entry.file, default: 0] + 1
            attemptsSoFar[entry.file] = number
            if let earlier = lastIndex[entry.file], attempts[earlier].outcome == .failed {
                attempts[earlier].outcome = .retried
            }
            lastIndex[entry.file] = attempts.count
            attempts.append(Attempt(file: entry.file, backend: backend, suite: suite, partition: context.partition,
                                    startedAt: firstStamp, seconds: entry.seconds, outcome: entry.passed ? .passed : .failed,
                                    attempt: number, runID: context.runID, jobID: jobID))
        }
        let runs = context.runID.map { [CIRun(id: $0)] } ?? []
        return RunRecords(runs: runs, jobs: [JobRecord(job: job, attempts: attempts)])
    }

    private static func entry(_ json: String, source: String, line: Int) throws(InputError) -> (file: String, seconds: Double, passed: Bool) {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(json.utf8))
        } catch {
            throw InputError("not a JSON object: \(JSONErrorText.describe(error))", file: source, line: line)
        }
        do {
            let path = JSONPath(root: root, source: source)
            let file = try path.required("file").string()
            let seconds = try path.required("elapsed").number(in: 0...CIStatsRunReader.maximumSeconds)
            let passed = try path.required("passed").bool()
            return (file, seconds, passed)
        } catch {
            throw InputError(error.message, file: source, line: line, key: error.location?.key)
        }
    }

    /// The GitHub Actions timestamp a log line starts with (`2026-06-07T23:26:07.1234567Z `), to the second.
    static func timestamp(_ line: Substring) -> String? {
        let bytes = Array(line.utf8.prefix(40))
        let shape = Array("dddd-dd-ddTdd:dd:dd".utf8)
        guard bytes.count > shape.count else { return nil }
        for (byte, expected) in zip(bytes, shape) {
            let matches = expected == UInt8(ascii: "d") ? (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) : byte == expected
            guard matches else { return nil }
        }
        var index = shape.count
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "Z") else { return nil }
        return Timestamp.normalized(String(decoding: bytes[..<shape.count], as: UTF8.self) + "Z")
    }

    private static func withoutTimestamp(_ line: Substring) -> Substring {
        guard timestamp(line) != nil, let space = line.firstIndex(of: " ") else { return line }
        return line[line.index(after: space)...]
    }
}
