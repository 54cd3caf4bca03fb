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
///
/// Given load windows (hours of the day), the runs starting in each window get their own runners
/// left (and so background load), and the base load is fitted on the runs outside every window.
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

    /// One window's fit.
    public struct Window: Sendable, Hashable, Codable {
        /// `06-18`.
        public var hours: String
        /// Runs that started in it.
        public var runs: Int
        /// Label → the runners left to a run in the window.
        public var available: [String: Int]
    }

    /// The fitted fleet.
    public var fleet: Fleet
    /// Each window's fit, in the order given.
    public var windows: [Window] = []
    /// Each label's fit, in label order.
    public var labels: [Label]
    /// How many runs it was fitted on.
    public var runs: Int

    /// Fits a fleet named `name` to the first attempts of `runs`; `nil` when they have no job.
    public static func fit(_ runs: [RecordedRun], name: String, windows: [LoadWindow] = []) -> FleetFit? {
        var byLabel: [String: [[RecordedRun.Job]]] = [:]
        for run in runs {
            for (label, jobs) in Dictionary(grouping: run.firstAttempt, by: \.label) {
                byLabel[label, default: []].append(jobs)
            }
        }
        guard !byLabel.isEmpty else { return nil }
        let outside = runs.filter { run in !windows.contains { $0.contains(hour: run.startHour) } }
        func perRun(_ label: String, in chosen: [RecordedRun]) -> [[RecordedRun.Job]] {
            chosen.compactMap { run in
                let jobs = run.firstAttempt.filter { $0.label == label }
                return jobs.isEmpty ? nil : jobs
            }
        }
        var pools: [RunnerPool] = []
        var labels: [Label] = []
        for label in byLabel.keys.sorted() {
            let all = byLabel[label]!
            let observed = all.map(maximumConcurrency).max() ?? 1
            let dispatch = max(0, RobustStatistics.median(all.map { $0.map(\.startSeconds).min()! }) ?? 0).rounded()
            let base = perRun(label, in: outside)
            let perRun = base.isEmpty ? all : base
            let best = bestAvailable(perRun, label: label, observed: observed, dispatch: dispatch)
            let errorWithoutLoad = perRun.reduce(0) { $0 + startError($1, label: label, available: observed, dispatch: dispatch) }
            let jobs = perRun.reduce(0) { $0 + $1.count }
            let available = best.available
            pools.append(RunnerPool(label: label, runners: observed, dispatchSeconds: dispatch.rounded(),
                                    backgroundLoad: Double(observed - available) / Double(observed)))
            let starts = perRun.flatMap { $0.map(\.startSeconds) }
            labels.append(Label(label: label, runs: perRun.count, jobs: jobs, observedRunners: observed, available: available,
                                dispatchSeconds: dispatch.rounded(), medianStartSeconds: RobustStatistics.median(starts) ?? 0,
                                meanAbsStartErrorSeconds: best.error / Double(jobs),
                                meanAbsStartErrorWithoutLoadSeconds: errorWithoutLoad / Double(jobs)))
        }
        var fittedWindows: [LoadWindow] = []
        var windowFits: [Window] = []
        for window in windows {
            let inside = runs.filter { window.contains(hour: $0.startHour) }
            var loads: [String: Double] = [:]
            var available: [String: Int] = [:]
            for pool in pools {
                let chosen = perRun(pool.label, in: inside)
                guard !chosen.isEmpty else { continue }
                let best = bestAvailable(chosen, label: pool.label, observed: pool.runners, dispatch: pool.dispatchSeconds)
                available[pool.label] = best.available
                loads[pool.label] = Double(pool.runners - best.available) / Double(pool.runners)
            }
            fittedWindows.append(LoadWindow(fromHour: window.fromHour, toHour: window.toHour, backgroundLoad: loads))
            windowFits.append(Window(hours: window.hours, runs: inside.count, available: available))
        }
        return FleetFit(fleet: Fleet(name: name, pools: pools, windows: fittedWindows), windows: windowFits, labels: labels, runs: runs.count)
    }

    /// The runners left (1…observed) whose replay puts starts closest to the recorded ones.
    static func bestAvailable(_ perRun: [[RecordedRun.Job]], label: String, observed: Int, dispatch: Double) -> (error: Double, available: Int) {
        var best = (error: Double.infinity, available: observed)
        for available in 1...max(observed, 1) {
            let error = perRun.reduce(0) { $0 + startError($1, label: label, available: available, dispatch: dispatch) }
            if error <= best.error { best = (error, available) }
        }
        return best
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
