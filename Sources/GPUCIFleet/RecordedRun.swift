import Foundation
import GPUCIHistory

/// A stored CI run as the fleet model reads it: its jobs' runner labels and start and end times,
/// split into the first attempt and the re-runs that followed it.
public struct RecordedRun: Sendable, Hashable {
    /// One job's record, in seconds from the run's origin.
    public struct Job: Sendable, Hashable {
        /// The job's id in the history.
        public var id: String
        /// Its display name.
        public var name: String
        /// `backend/suite`: the matrix it belongs to.
        public var group: String
        /// The runner label it ran on.
        public var label: String
        /// When it started and ended.
        public var startSeconds: Double
        /// See ``startSeconds``.
        public var endSeconds: Double
        /// Its wall time.
        public var durationSeconds: Double { endSeconds - startSeconds }
    }

    /// The run.
    public var run: CIRun
    /// Its `started_at`, or its first job's start when that is earlier (GitHub moves
    /// `started_at` to the newest attempt when a run is re-run). Every time is relative to it.
    public var origin: Date
    /// Seconds from the origin to `started_at`.
    public var startedAtSeconds: Double
    /// The jobs of the first attempt, in dispatch order (job id order: GitHub numbers jobs as it
    /// creates them).
    public var firstAttempt: [Job]
    /// The jobs of later attempts, in batches: each batch began after the run had been idle
    /// (no recorded job running) for longer than the re-run gap.
    public var reruns: [[Job]]
    /// Jobs that could not be placed: no label, no start or end, or an end before the start.
    public var skippedJobs: Int

    /// The hour of day (UTC) the first attempt began (the origin, not a re-run's `started_at`):
    /// which load window the run meets.
    public var startHour: Int {
        Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: origin).hour ?? 0
    }

    /// Every job, first attempt then re-runs.
    public var allJobs: [Job] { firstAttempt + reruns.flatMap { $0 } }

    /// The first attempt's last end: its time-to-green.
    public var firstAttemptSeconds: Double { firstAttempt.map(\.endSeconds).max() ?? 0 }

    /// The run's time-to-green as GitHub shows it: its last job's end − `started_at`.
    public var timeToGreenSeconds: Double { (allJobs.map(\.endSeconds).max() ?? 0) - startedAtSeconds }

    /// The idle time after which a job is taken for a re-run, unless told otherwise. A re-run is
    /// a person's or a bot's action after the run finished; a job queued behind other work
    /// waits while other jobs of the run still run, or after a shorter lull.
    public static let standardRerunGap: Double = 1800

    /// Splits `jobs` (the run's, any order) into attempts.
    ///
    /// - Returns: `nil` when the run has no job with a label, a start and an end.
    public static func split(run: CIRun, jobs: [CIJob], rerunGap: Double = standardRerunGap) -> RecordedRun? {
        var placed: [Job] = []
        var skipped = 0
        for job in jobs {
            guard let label = job.runnerLabel, let startText = job.startedAt, let endText = job.completedAt,
                  let start = Timestamp.date(startText), let end = Timestamp.date(endText), end >= start else {
                skipped += 1
                continue
            }
            placed.append(Job(id: job.id, name: job.name ?? job.id, group: "\(job.backend)/\(job.suite)", label: label,
                              startSeconds: start.timeIntervalSince1970, endSeconds: end.timeIntervalSince1970))
        }
        guard let firstStart = placed.map(\.startSeconds).min() else { return nil }
        let startedAt = run.startedAt.flatMap(Timestamp.date)?.timeIntervalSince1970 ?? firstStart
        let origin = min(startedAt, firstStart)
        for index in placed.indices {
            placed[index].startSeconds -= origin
            placed[index].endSeconds -= origin
        }

        var batches: [[Job]] = [[]]
        var lastEnd = -Double.infinity
        for job in placed.sorted(by: { ($0.startSeconds, dispatchKey($0.id)) < ($1.startSeconds, dispatchKey($1.id)) }) {
            if !batches[batches.count - 1].isEmpty, job.startSeconds > lastEnd + rerunGap { batches.append([]) }
            batches[batches.count - 1].append(job)
            lastEnd = max(lastEnd, job.endSeconds)
        }
        let ordered = batches.map { $0.sorted { dispatchKey($0.id) < dispatchKey($1.id) } }
        return RecordedRun(run: run, origin: Date(timeIntervalSince1970: origin), startedAtSeconds: startedAt - origin,
                           firstAttempt: ordered[0], reruns: Array(ordered.dropFirst()), skippedJobs: skipped)
    }

    /// Numeric ids in numeric order, then others in text order.
    static func dispatchKey(_ id: String) -> DispatchKey {
        DispatchKey(number: UInt64(id), text: id)
    }

    struct DispatchKey: Comparable {
        var number: UInt64?
        var text: String

        static func < (lhs: DispatchKey, rhs: DispatchKey) -> Bool {
            switch (lhs.number, rhs.number) {
            case let (l?, r?): l != r ? l < r : lhs.text < rhs.text
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): lhs.text < rhs.text
            }
        }
    }

    /// Every stored run with placeable jobs, oldest origin first (ties by run id).
    public static func all(runs: [CIRun], jobs: [CIJob], rerunGap: Double = standardRerunGap) -> [RecordedRun] {
        let byRun = Dictionary(grouping: jobs.filter { $0.runID != nil }, by: { $0.runID! })
        return runs.compactMap { run in byRun[run.id].flatMap { split(run: run, jobs: $0, rerunGap: rerunGap) } }
            .sorted { ($0.origin, $0.run.id) < ($1.origin, $1.run.id) }
    }
}
