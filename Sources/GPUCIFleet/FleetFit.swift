import Foundation
import GPUCIHistory

/// A fleet fitted to recorded runs, and how well it explains them.
///
/// Per label:
/// - `runners`: the most jobs of the label that ran at once in any run (a floor on the real pool);
/// - `dispatchSeconds`: the median over runs of the label's first start;
/// - the runners left to a run (and so `backgroundLoad = 1 − available / runners`): the count
///   from 1 to `runners` whose replay of every run's first attempt — each label's jobs queued at
///   the origin in dispatch order, running their recorded wall time — puts the jobs' starts
///   closest to the recorded ones (least Σ |error|; ties to more runners).
public struct FleetFit: Sendable, Hashable, Codable {
    /// One label's fit.
    public struct Label: Sendable, Hashable, Codable {
        /// The runner label.
        public var label: String
        /// Runs and first-attempt jobs it was fitted on.
        public var runs: Int
        /// See ``runs``.
        public var jobs: Int
        /// The most of its jobs that ran at once.
        public var observedRunners: Int
        /// The fitted runners left to a run.
        public var available: Int
        /// The fitted dispatch latency.
        public var dispatchSeconds: Double
        /// The median recorded start of its jobs.
        public var medianStartSeconds: Double
        /// The mean |predicted − recorded| start with the fitted pool.
        public var meanAbsStartErrorSeconds: Double
        /// The same with every observed runner available (no background load), for comparison.
        public var meanAbsStartErrorWithoutLoadSeconds: Double
    }

    /// The fitted fleet.
    public var fleet: Fleet
    /// Each label's fit, in label order.
    public var labels: [Label]
    /// How many runs it was fitted on.
    public var runs: Int

    /// Fits a fleet named `name` to the first attempts of `runs`; `nil` when they have no job.
    public static func fit(_ runs: [RecordedRun], name: String) -> FleetFit? {
        var byLabel: [String: [[RecordedRun.Job]]] = [:]
        for run in runs {
            for (label, jobs) in Dictionary(grouping: run.firstAttempt, by: \.label) {
                byLabel[label, default: []].append(jobs)
            }
        }
        guard !byLabel.isEmpty else { return nil }
        var pools: [RunnerPool] = []
        var labels: [Label] = []
        for label in byLabel.keys.sorted() {
            let perRun = byLabel[label]!
            let observed = perRun.map(maximumConcurrency).max() ?? 1
            let dispatch = max(0, RobustStatistics.median(perRun.map { $0.map(\.startSeconds).min()! }) ?? 0)
            var best: (error: Double, available: Int)?
            var errorWithoutLoad = 0.0
            for available in 1...observed {
                let error = perRun.reduce(0) { $0 + startError($1, label: label, available: available, dispatch: dispatch) }
                if available == observed { errorWithoutLoad = error }
                if best == nil || error <= best!.error { best = (error, available) }
            }
            let jobs = perRun.reduce(0) { $0 + $1.count }
            let available = best!.available
            pools.append(RunnerPool(label: label, runners: observed, dispatchSeconds: dispatch.rounded(),
                                    backgroundLoad: Double(observed - available) / Double(observed)))
            let starts = perRun.flatMap { $0.map(\.startSeconds) }
            labels.append(Label(label: label, runs: perRun.count, jobs: jobs, observedRunners: observed, available: available,
                                dispatchSeconds: dispatch.rounded(), medianStartSeconds: RobustStatistics.median(starts) ?? 0,
                                meanAbsStartErrorSeconds: best!.error / Double(jobs),
                                meanAbsStartErrorWithoutLoadSeconds: errorWithoutLoad / Double(jobs)))
        }
        return FleetFit(fleet: Fleet(name: name, pools: pools), labels: labels, runs: runs.count)
    }

    /// The most jobs running at once (an end at the same instant as a start frees the runner).
    static func maximumConcurrency(_ jobs: [RecordedRun.Job]) -> Int {
        let events = jobs.flatMap { [($0.startSeconds, 1), ($0.endSeconds, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var running = 0, most = 0
        for (_, change) in events {
            running += change
            most = max(most, running)
        }
        return max(most, 1)
    }

    /// Σ |replayed − recorded| start of one run's jobs of `label`.
    static func startError(_ jobs: [RecordedRun.Job], label: String, available: Int, dispatch: Double) -> Double {
        let fleet = Fleet(name: "fit", pools: [RunnerPool(label: label, runners: available, dispatchSeconds: dispatch)])
        let spec = CIRunSpec(jobs: jobs.map { CIRunJob(name: $0.name, group: $0.group, label: label, durationSeconds: $0.durationSeconds) })
        guard let result = try? CIRunSimulator.simulate(spec, on: fleet) else { return .infinity }
        return zip(result.jobs, jobs).reduce(0) { $0 + abs($1.0.startSeconds - $1.1.startSeconds) }
    }
}
