import Foundation
import GPUCIHistory

/// Stored runs replayed on fleets fitted to the runs before them.
///
/// Each run is simulated with the jobs it really ran and their recorded wall times, on the fleet
/// fitted to every stored run whose origin precedes it (walk-forward: a run never informs its own
/// prediction). First-attempt jobs are queued at the origin in dispatch order; each re-run batch
/// is queued when it really began, since no fleet model predicts when someone presses re-run.
/// So two figures: the first attempt's time-to-green (what the fleet decides) and the run's
/// time-to-green as GitHub shows it (the re-runs' timing taken from the record).
public struct FleetReplay: Sendable, Hashable, Codable {
    /// One job's start, predicted and recorded.
    public struct JobStart: Sendable, Hashable, Codable {
        /// The job's name.
        public var job: String
        /// Its runner label.
        public var label: String
        /// Its start in the replay, seconds from the run's origin.
        public var predictedStartSeconds: Double
        /// Its recorded start.
        public var actualStartSeconds: Double
        /// Whether it belongs to a re-run.
        public var rerun: Bool
    }

    /// One replayed run.
    public struct Run: Sendable, Hashable, Codable {
        /// The run's id.
        public var run: String
        /// Its `started_at`.
        public var startedAt: String?
        /// How many earlier runs the fleet was fitted on.
        public var fittedOnRuns: Int
        /// Predicted and recorded time-to-green (last job's end − `started_at`).
        public var predictedTimeToGreenSeconds: Double
        /// See ``predictedTimeToGreenSeconds``.
        public var actualTimeToGreenSeconds: Double
        /// Predicted and recorded end of the first attempt, from the origin.
        public var predictedFirstAttemptSeconds: Double
        /// See ``predictedFirstAttemptSeconds``.
        public var actualFirstAttemptSeconds: Double
        /// Jobs in re-run batches.
        public var rerunJobs: Int
        /// Labels the earlier runs never used (replayed without queueing).
        public var unfittedLabels: [String]
        /// Every job's start.
        public var jobs: [JobStart]

        /// |predicted − actual| / actual of the first attempt, in percent.
        public var firstAttemptErrorPercent: Double {
            Self.percent(predictedFirstAttemptSeconds, actualFirstAttemptSeconds)
        }

        /// |predicted − actual| / actual of the time-to-green, in percent.
        public var timeToGreenErrorPercent: Double {
            Self.percent(predictedTimeToGreenSeconds, actualTimeToGreenSeconds)
        }

        static func percent(_ predicted: Double, _ actual: Double) -> Double {
            actual > 0 ? abs(predicted - actual) / actual * 100 : (predicted == actual ? 0 : 100)
        }
    }

    /// The replayed runs, oldest first.
    public var runs: [Run]
    /// The median of ``Run/timeToGreenErrorPercent``.
    public var medianAbsErrorPercent: Double?
    /// The median of ``Run/firstAttemptErrorPercent``.
    public var medianAbsFirstAttemptErrorPercent: Double?
    /// The median |predicted − actual| start over every replayed first-attempt job, in seconds.
    public var medianAbsStartErrorSeconds: Double?
    /// The same for a replay with no queueing at all (every job starts at the origin): the
    /// baseline the fleet model has to beat.
    public var medianAbsStartErrorWithoutQueueingSeconds: Double?

    /// Replays the runs whose `started_at` (or origin) falls in `since ..< until` (ISO-8601; open
    /// ends when `nil`) that have at least one earlier run to fit on.
    /// With `windows`, each fit has a background load per window and a run meets its start hour's.
    public static func replay(_ recorded: [RecordedRun], since: Date? = nil, until: Date? = nil,
                              windows: [LoadWindow] = []) -> FleetReplay {
        var runs: [Run] = []
        var startErrors: [Double] = []
        var baselineErrors: [Double] = []
        for (index, run) in recorded.enumerated() {
            let started = run.origin.addingTimeInterval(run.startedAtSeconds)
            if let since, started < since { continue }
            if let until, started >= until { continue }
            let earlier = recorded[..<index].filter { $0.origin < run.origin }
            guard let fit = FleetFit.fit(Array(earlier), name: "walk-forward", windows: windows) else { continue }
            var fleet = fit.fleet.at(hour: run.startHour)
            var unfitted: [String] = []
            for label in Set(run.allJobs.map(\.label)).sorted() where fleet.pool(label) == nil {
                unfitted.append(label)
                fleet.pools.append(RunnerPool(label: label, runners: run.allJobs.count))
            }
            var jobs = run.firstAttempt.map { CIRunJob(name: $0.name, group: $0.group, label: $0.label, durationSeconds: $0.durationSeconds) }
            for batch in run.reruns {
                let release = batch.map(\.startSeconds).min() ?? 0
                jobs += batch.map { CIRunJob(name: $0.name, group: $0.group, label: $0.label,
                                             durationSeconds: $0.durationSeconds, releaseSeconds: release) }
            }
            guard let result = try? CIRunSimulator.simulate(CIRunSpec(jobs: jobs), on: fleet) else { continue }
            let recordedJobs = run.allJobs
            let firstCount = run.firstAttempt.count
            let starts = zip(result.jobs, recordedJobs).enumerated().map { offset, pair in
                JobStart(job: pair.1.name, label: pair.1.label, predictedStartSeconds: pair.0.startSeconds.rounded(),
                         actualStartSeconds: pair.1.startSeconds.rounded(), rerun: offset >= firstCount)
            }
            for (outcome, job) in zip(result.jobs, recordedJobs).prefix(firstCount) {
                startErrors.append(abs(outcome.startSeconds - job.startSeconds))
                baselineErrors.append(abs(job.startSeconds))
            }
            let predictedFirst = result.jobs.prefix(firstCount).map(\.endSeconds).max() ?? 0
            runs.append(Run(run: run.run.id, startedAt: run.run.startedAt, fittedOnRuns: earlier.count,
                            predictedTimeToGreenSeconds: (result.timeToGreenSeconds - run.startedAtSeconds).rounded(),
                            actualTimeToGreenSeconds: run.timeToGreenSeconds.rounded(),
                            predictedFirstAttemptSeconds: predictedFirst.rounded(),
                            actualFirstAttemptSeconds: run.firstAttemptSeconds.rounded(),
                            rerunJobs: recordedJobs.count - firstCount, unfittedLabels: unfitted, jobs: starts))
        }
        return FleetReplay(runs: runs,
                           medianAbsErrorPercent: RobustStatistics.median(runs.map(\.timeToGreenErrorPercent)),
                           medianAbsFirstAttemptErrorPercent: RobustStatistics.median(runs.map(\.firstAttemptErrorPercent)),
                           medianAbsStartErrorSeconds: RobustStatistics.median(startErrors),
                           medianAbsStartErrorWithoutQueueingSeconds: RobustStatistics.median(baselineErrors))
    }
}
