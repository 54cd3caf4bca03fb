import Foundation
import GPUCIPlanner
import GPUCISupport

/// A results file read for `gpuci history ingest`: its attempts, runs and jobs, and the hash that keys it.
public struct IngestFile: Sendable, Hashable {
    /// The formats `gpuci history ingest` reads.
    public enum Format: String, Sendable, Hashable, Codable {
        /// pytest `--junitxml` output.
        case junit
        /// `file,backend,seconds,outcome,timestamp` with a header.
        case csv
        /// A run file of sglang's `sglang-ci-stats` (`runs/<started>__<run_id>.json`).
        case ciStatsRun = "ci-stats-run"
        /// A saved CI job log with sglang's `TIMINGS BEGIN` … `TIMINGS END` block.
        case timingsLog = "timings-log"
    }

    /// The path as given on the command line.
    public var source: String
    /// SHA-256 of the file's bytes.
    public var contentHash: String
    /// Which reader parsed it.
    public var format: Format
    /// The attempts that belong to no job (JUnit, CSV), in file order.
    public var attempts: [Attempt]
    /// The runs and jobs it describes (CI run files and logs), their attempts inside the jobs.
    public var records: RunRecords
    /// For a report `gpuci run` wrote: the token under which that run recorded its attempts.
    public var recordedBy: String?
    /// The ingest options that shaped its rows, canonical (`backend=cuda path-prefix=test/`); empty for none.
    public var options: String = ""

    /// What keys the ingest: the content hash alone without options, else the hash of both —
    /// the same file ingested with other options is another ingest.
    public var identity: String {
        options.isEmpty ? contentHash : ContentHash.sha256(Data((contentHash + "\n" + options).utf8))
    }

    /// The canonical form of ingest options: `name=value` pairs of the given ones, in `pairs` order.
    public static func canonicalOptions(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: " ")
    }

    /// Creates a parsed file; ``parse(data:source:backend:suite:runID:job:)`` is the usual way.
    public init(source: String, contentHash: String, format: Format, attempts: [Attempt],
                records: RunRecords = RunRecords(runs: [], jobs: [])) {
        self.source = source
        self.contentHash = contentHash
        self.format = format
        self.attempts = attempts
        self.records = records
    }

    /// Every attempt of the file, loose ones first, then job by job.
    public var allAttempts: [Attempt] { attempts + records.jobs.flatMap(\.attempts) }

    /// The lowercase hex SHA-256 of `data`: the key of the `ingests` table.
    public static func contentHash(of data: Data) -> String {
        ContentHash.sha256(data)
    }

    /// Parses the bytes of a results file, choosing the reader from its content: `<` opens JUnit
    /// XML, a JSON object with `run_id` and `jobs` is a CI run file, text with a `TIMINGS BEGIN`
    /// line is a job log, anything else is timing CSV.
    ///
    /// - Parameters:
    ///   - backend: the backend for JUnit files and logs (required for them) and for CSV rows
    ///     whose `backend` cell is empty.
    ///   - suite: the suite to record, when known (required for logs).
    ///   - runID: the commit or run id to record, when known.
    ///   - job: the partition, job id and runner label of a log's job.
    /// - Throws: `InputError` naming the file and the line or JSON path of the first problem.
    public static func parse(data: Data, source: String, backend: String?, suite: String? = nil,
                             runID: String? = nil, job: TimingsLogReader.JobContext = .init()) throws(InputError) -> IngestFile {
        let hash = contentHash(of: data)
        let firstByte = data.first { !(Character(UnicodeScalar($0)).isWhitespace) }
        if firstByte == UInt8(ascii: "<") {
            guard let backend, !backend.isEmpty else {
                throw InputError("JUnit XML does not say which backend it ran on; pass --backend", file: source)
            }
            let report = try JUnitReader.report(data: data, source: source, backend: backend, suite: suite, runID: runID)
            var file = IngestFile(source: source, contentHash: hash, format: .junit, attempts: report.attempts)
            file.recordedBy = report.recordedBy
            return file
        }
        if firstByte == UInt8(ascii: "{"), let root = try? JSONSerialization.jsonObject(with: data),
           CIStatsRunReader.looksLikeRun(root) {
            let records = try CIStatsRunReader.read(root: JSONPath(root: root, source: source))
            return IngestFile(source: source, contentHash: hash, format: .ciStatsRun, attempts: [], records: records)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError("the file is neither JUnit XML, a CI run file, a CI log nor UTF-8 CSV text", file: source)
        }
        if firstByte == UInt8(ascii: "{") && !TimingsLogReader.looksLikeLog(text) {
            // JSON that is not a run file: say what a run file needs rather than failing as CSV.
            _ = try CIStatsRunReader.read(data: data, source: source)
        }
        if TimingsLogReader.looksLikeLog(text) {
            var context = job
            context.suite = context.suite ?? suite
            context.backend = context.backend ?? backend
            context.runID = context.runID ?? runID
            let records = try TimingsLogReader.read(text: text, source: source, contentHash: hash, context: context)
            var file = IngestFile(source: source, contentHash: hash, format: .timingsLog, attempts: [], records: records)
            file.recordedBy = TimingsLogReader.recordingToken(in: text)
            return file
        }
        let attempts = try TimingCSVReader.read(text: text, source: source, backend: backend, suite: suite, runID: runID)
        return IngestFile(source: source, contentHash: hash, format: .csv, attempts: attempts)
    }

    /// Reads `path`; see ``parse(data:source:backend:suite:runID:job:)``.
    public static func read(path: String, backend: String?, suite: String? = nil, runID: String? = nil,
                            job: TimingsLogReader.JobContext = .init()) throws(InputError) -> IngestFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file", file: path)
        }
        return try parse(data: data, source: path, backend: backend, suite: suite, runID: runID, job: job)
    }
}
