import Foundation
import GPUCISupport

/// A run, its jobs and their per-file timings, as one results file holds them.
public struct RunRecords: Sendable, Hashable {
    /// The runs the file describes (none for a log saved without `--run-id`).
    public var runs: [CIRun]
    /// The jobs, with the attempts that ran in each.
    public var jobs: [JobRecord]

    /// Creates the records of one file.
    public init(runs: [CIRun], jobs: [JobRecord]) {
        self.runs = runs
        self.jobs = jobs
    }
}

/// A job and the attempts that ran in it.
public struct JobRecord: Sendable, Hashable {
    /// The job.
    public var job: CIJob
    /// Its attempts, in file order; each carries the job's suite, backend, partition and run.
    public var attempts: [Attempt]

    /// Creates a job record.
    public init(job: CIJob, attempts: [Attempt]) {
        self.job = job
        self.attempts = attempts
    }

    /// What makes two records of one job id the same job (a re-ingest) or a conflict.
    var identity: String {
        let head = [job.runID, job.name, job.suite, job.backend, job.partition.map(String.init), job.runnerLabel,
                    job.startedAt, job.completedAt].map { $0 ?? "" }
        let rows = attempts.map { "\($0.file)\u{1F}\($0.seconds)\u{1F}\($0.outcome.rawValue)\u{1F}\($0.attempt)" }
        return (head + rows).joined(separator: "\u{1E}")
    }
}

/// Reads the run files of sglang's `sglang-ci-stats` (`runs/<started>__<run_id>.json`).
///
/// A run file holds `run_id`, `started_at`, `event`, `head_sha`, `display_title` and `jobs`; each
/// job `job_id`, `name` (`"<suite> (<i>)"` or `"<group> / <suite> (<i>)"`, `i` the 0-based
/// partition), `suite`, `backend`, `labels`, `started_at`, `completed_at` and `timings`
/// (`{file, elapsed[, passed]}`). Only jobs that succeeded are scraped, so a timing without
/// `passed` counts as passed. Other keys (`html_url`, `time_stats`, …) are derived and ignored.
public enum CIStatsRunReader {
    /// The largest per-file duration accepted (``DurationLimit``).
    public static let maximumSeconds = DurationLimit.maximumSeconds

    /// Whether `root` (a parsed JSON document) has the shape of a run file.
    static func looksLikeRun(_ root: Any) -> Bool {
        guard let object = root as? [String: Any] else { return false }
        return object["run_id"] != nil && object["jobs"] != nil
    }

    /// Parses the bytes of one run file; `source` names it in errors (with the JSON path).
    public static func read(data: Data, source: String) throws(InputError) -> RunRecords {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw InputError("not valid JSON: \(JSONErrorText.describe(error))", file: source)
        }
        return try read(root: JSONPath(root: root, source: source))
    }

    static func read(root: JSONPath) throws(InputError) -> RunRecords {
        let runID = try root.required("run_id").identifier()
        let run = CIRun(
            id: runID,
            startedAt: try root.member("started_at")?.timestamp(),
            event: try root.text("event"),
            headSHA: try root.text("head_sha"),
            title: try root.text("display_title"))
        var jobs: [JobRecord] = []
        var seen: Set<String> = []
        for element in try root.required("jobs").elements() {
            let record = try job(element, runID: runID)
            guard seen.insert(record.job.id).inserted else {
                throw InputError("job id \(record.job.id) appears twice in the run", file: root.source,
                                 key: "\(element.path).job_id")
            }
            jobs.append(record)
        }
        return RunRecords(runs: [run], jobs: jobs)
    }

    private static func job(_ element: JSONPath, runID: String) throws(InputError) -> JobRecord {
        let id = try element.required("job_id").identifier()
        let name = try element.text("name")
        let suite = try element.required("suite").string()
        let backend = try element.required("backend").string()
        let labels = try element.member("labels")?.elements().map { label throws(InputError) in try label.string() } ?? []
        let startedAt = try element.member("started_at")?.timestamp()
        let completedAt = try element.member("completed_at")?.timestamp()
        let job = CIJob(id: id, runID: runID, name: name, suite: suite, backend: backend,
                        partition: name.flatMap(partitionIndex), runnerLabel: labels.first,
                        startedAt: startedAt, completedAt: completedAt)
        if let startedAt, let completedAt, job.wallSeconds == nil {
            throw element.error("completed_at \(completedAt) is before started_at \(startedAt)")
        }
        var attempts: [Attempt] = []
        for timing in try element.member("timings")?.elements() ?? [] {
            let file = try timing.required("file").string()
            let seconds = try timing.required("elapsed").number(in: 0...maximumSeconds)
            let passed = try timing.member("passed")?.bool() ?? true
            attempts.append(Attempt(file: file, backend: backend, suite: suite, partition: job.partition,
                                    startedAt: startedAt, seconds: seconds, outcome: passed ? .passed : .failed,
                                    runID: runID, jobID: id))
        }
        return JobRecord(job: job, attempts: attempts)
    }

    /// The partition index of a job name ending in `(<i>)`, e.g. `base-a-test-cpu (3)` → 3.
    static func partitionIndex(_ name: String) -> Int? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return nil }
        let digits = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), let index = Int(digits), index >= 0 else { return nil }
        return index
    }
}

/// Foundation's JSON errors carry their reason in the user info; this pulls it out.
enum JSONErrorText {
    static func describe(_ error: any Error) -> String {
        let info = (error as NSError).userInfo
        if let detail = info[NSDebugDescriptionErrorKey] as? String { return detail }
        return (error as NSError).localizedDescription
    }
}
