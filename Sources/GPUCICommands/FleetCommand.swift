import ArgumentParser
import Foundation
import GPUCIData
import GPUCIFleet
import GPUCIHistory
import GPUCISupport

/// `gpuci fleet`: runner pools, queueing and time-to-green.
struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "The CI fleet: fit runner pools to stored runs, replay runs on them, simulate what-ifs.",
        subcommands: [FleetFitCommand.self, FleetReplayCommand.self, FleetSimulateCommand.self])
}

/// The options that choose stored runs.
struct FleetRunOptions: ParsableArguments {
    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "Only runs that started at or after this ISO-8601 time.")
    var since: String?

    @Option(help: "Only runs that started before this ISO-8601 time.")
    var until: String?

    @Option(help: "Idle time after which a run's later jobs count as a re-run.")
    var rerunGap: PlanDuration = PlanDuration(argument: "30m")!

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Timestamp.isValid(value) == false {
                throw ValidationError("\(name) \(value): expected an ISO-8601 time such as 2026-06-10T00:00:00Z")
            }
        }
    }

    var sinceDate: Date? { since.flatMap(Timestamp.date) }
    var untilDate: Date? { until.flatMap(Timestamp.date) }

    /// Every stored run with placeable jobs, oldest first.
    func recordedRuns() throws -> [RecordedRun] {
        let history = try database.open()
        let runs = RecordedRun.all(runs: try history.runs(), jobs: try history.jobs(), rerunGap: rerunGap.seconds)
        guard !runs.isEmpty else {
            throw InputError("no stored run has jobs with runner labels and times (ingest sglang-ci-stats run files with `gpuci history ingest`)", file: database.db)
        }
        return runs
    }

    /// The runs in `--since ..< --until`.
    func selected(_ runs: [RecordedRun]) -> [RecordedRun] {
        runs.filter { run in
            let started = run.origin.addingTimeInterval(run.startedAtSeconds)
            return (sinceDate.map { started >= $0 } ?? true) && (untilDate.map { started < $0 } ?? true)
        }
    }
}

/// `gpuci fleet fit`.
struct FleetFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a fleet (runners, dispatch latency, background load per label) to the stored runs' jobs.",
        discussion: """
        Per label: runners = the most jobs that ran at once in one run; dispatch = the median first start; the runners \
        left to a run = the count whose replay of every first attempt puts job starts closest to the recorded ones \
        (backgroundLoad = 1 − left/runners). The error columns compare that with no background load.
        """)

    @OptionGroup var runs: FleetRunOptions

    @Option(help: "The fitted fleet's name.")
    var name = "fitted"

    @Option(help: "Write the fleet file (YAML) to FILE.")
    var output: String?

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    func run() throws {
        let selected = runs.selected(try runs.recordedRuns())
        guard let fit = FleetFit.fit(selected, name: name) else {
            throw ValidationError("no stored run falls in the chosen window")
        }
        let comment = ["fitted by `gpuci fleet fit` from \(fit.runs) run\(fit.runs == 1 ? "" : "s") (\(selected.first!.run.startedAt ?? selected.first!.run.id) … \(selected.last!.run.startedAt ?? selected.last!.run.id))"]
        if let output { try AtomicFile.write(FleetFile.yaml(fit.fleet, comment: comment), to: output) }
        if format == .json {
            print(try JSONOutput.string(fit))
            return
        }
        var rows = [["label", "runs", "jobs", "runners", "left to run", "background", "dispatch", "median start", "start error", "without load"]]
        for label in fit.labels {
            rows.append([label.label, "\(label.runs)", "\(label.jobs)", "\(label.observedRunners)", "\(label.available)",
                         String(format: "%.0f %%", Double(label.observedRunners - label.available) / Double(label.observedRunners) * 100),
                         "\(Int(label.dispatchSeconds)) s", CIRunRendering.clock(label.medianStartSeconds),
                         CIRunRendering.clock(label.meanAbsStartErrorSeconds), CIRunRendering.clock(label.meanAbsStartErrorWithoutLoadSeconds)])
        }
        print("fleet fit: \(fit.runs) runs, \(fit.labels.reduce(0) { $0 + $1.jobs }) first-attempt jobs (start error: mean |replayed − recorded| start)")
        print(HistoryRendering.table(rows, rightAligned: 1...9), terminator: "")
        if output == nil { print("\n" + FleetFile.yaml(fit.fleet, comment: comment), terminator: "") }
    }
}

/// `gpuci fleet replay`.
struct FleetReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay stored runs on fleets fitted to the runs before each, and compare time-to-green.",
        discussion: """
        Each run in the window is simulated with the jobs and wall times it really had, on a fleet fitted to every \
        earlier stored run (walk-forward). First-attempt jobs are queued at the run's start; re-run batches when they \
        really began. Times are seconds from the run's start (its started_at, or its first job when that is earlier); \
        time-to-green = last job's end − started_at. The first-attempt columns leave re-runs out on both sides.
        """)

    @OptionGroup var runs: FleetRunOptions

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    @Flag(help: "Print every job's predicted and recorded start.")
    var perJob = false

    struct Output: Encodable {
        struct Job: Encodable {
            var job: String
            var label: String
            var predictedStartSeconds: Double
            var actualStartSeconds: Double
            var rerun: Bool
        }
        struct Run: Encodable {
            var run: String
            var startedAt: String?
            var fittedOnRuns: Int
            var predictedTimeToGreenSeconds: Double
            var actualTimeToGreenSeconds: Double
            var predictedFirstAttemptSeconds: Double
            var actualFirstAttemptSeconds: Double
            var rerunJobs: Int
            var unfittedLabels: [String]
            var jobs: [Job]
        }
        var runs: [Run]
        var medianAbsErrorPercent: Double?
        var medianAbsFirstAttemptErrorPercent: Double?
        var medianAbsStartErrorSeconds: Double?
        var medianAbsStartErrorWithoutQueueingSeconds: Double?
    }

    func run() throws {
        let all = try runs.recordedRuns()
        let replay = FleetReplay.replay(all, since: runs.sinceDate, until: runs.untilDate)
        guard !replay.runs.isEmpty else {
            throw ValidationError("no run in the window has an earlier stored run to fit a fleet on (\(all.count) stored)")
        }
        if format == .json {
            print(try JSONOutput.string(replay))
            return
        }
        var rows = [["run", "started", "fit on", "predicted", "actual", "error", "1st attempt pred.", "actual", "error", "re-run jobs"]]
        for run in replay.runs {
            rows.append([run.run, run.startedAt ?? "-", "\(run.fittedOnRuns)",
                         CIRunRendering.clock(run.predictedTimeToGreenSeconds), CIRunRendering.clock(run.actualTimeToGreenSeconds),
                         String(format: "%.0f %%", run.timeToGreenErrorPercent),
                         CIRunRendering.clock(run.predictedFirstAttemptSeconds), CIRunRendering.clock(run.actualFirstAttemptSeconds),
                         String(format: "%.0f %%", run.firstAttemptErrorPercent), "\(run.rerunJobs)"])
        }
        print("fleet replay: \(replay.runs.count) runs, each on a fleet fitted to the stored runs before it")
        print(HistoryRendering.table(rows, rightAligned: 2...9), terminator: "")
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0) } ?? "-" }
        print("median |error| of time-to-green: \(percent(replay.medianAbsErrorPercent)); of the first attempt: \(percent(replay.medianAbsFirstAttemptErrorPercent))")
        if let start = replay.medianAbsStartErrorSeconds, let baseline = replay.medianAbsStartErrorWithoutQueueingSeconds {
            print("median |error| of a job's start: \(CIRunRendering.clock(start)) (every job at the run's start: \(CIRunRendering.clock(baseline)))")
        }
        if perJob {
            for run in replay.runs {
                print("\n\(run.run)")
                let jobRows = [["job", "label", "predicted start", "actual start"]] + run.jobs.map {
                    [$0.job + ($0.rerun ? " (re-run)" : ""), $0.label, CIRunRendering.clock($0.predictedStartSeconds), CIRunRendering.clock($0.actualStartSeconds)]
                }
                print(HistoryRendering.table(jobRows, rightAligned: 2...3), terminator: "")
            }
        }
    }
}

/// The fleet file option and what-if edits shared by simulate and plan.
struct FleetChoiceOptions: ParsableArguments {
    @Option(help: "A fleet file (YAML). Default: the bundled fleet fitted to sglang's runs (Fleets/sglang-ci.yaml).")
    var fleet: String?

    @Option(name: .customLong("runners"), help: "What-if: LABEL=N runners under a label (repeatable).")
    var runnerOverrides: [String] = []

    func load() throws -> Fleet {
        var fleet = try fleet.map(FleetFile.read) ?? FleetFile.parse(BundledData.text(FleetFile.bundledPath), file: FleetFile.bundledPath)
        for (label, count) in try Self.assignments(runnerOverrides, option: "--runners") {
            guard fleet.pool(label) != nil else {
                throw ValidationError("--runners \(label)=\(count): fleet '\(fleet.name)' has no label '\(label)' (it has: \(fleet.pools.map(\.label).joined(separator: ", ")))")
            }
            fleet = fleet.with(runners: count, for: label)
        }
        return fleet
    }

    static func assignments(_ values: [String], option: String) throws -> [(String, Int)] {
        try values.map { text in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), (0...100_000).contains(count) else {
                throw ValidationError("\(option) \(text): expected LABEL=N with N from 0 to 100000")
            }
            return (parts[0], count)
        }
    }
}

/// `gpuci fleet simulate`.
struct FleetSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a stored run's first attempt (its jobs and wall times) on a fleet, with what-ifs.",
        discussion: "Example: gpuci fleet simulate --runners 4-gpu-h100=6 --max-parallel 3 --gantt run.svg")

    @OptionGroup var runs: FleetRunOptions
    @OptionGroup var fleet: FleetChoiceOptions

    @Option(name: .customLong("run"), help: "The run to simulate (default: the newest stored run in the window).")
    var runID: String?

    @Option(help: "What-if: at most N jobs of each suite at once (GitHub's max-parallel).")
    var maxParallel: Int?

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    @Option(help: "Write a Chrome trace (JSON) of the runners to FILE.")
    var trace: String?

    @Option(help: "Write a Gantt chart (SVG) of runner lanes with queue waits to FILE.")
    var gantt: String?

    func validate() throws {
        if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
    }

    func run() throws {
        let stored = runs.selected(try runs.recordedRuns())
        guard let chosen = runID.map({ id in stored.first { $0.run.id == id } }) ?? stored.last else {
            throw ValidationError("no stored run \(runID.map { "with id \($0) " } ?? "")in the window")
        }
        let fleet = try fleet.load()
        let jobs = chosen.firstAttempt.map { CIRunJob(name: $0.name, group: $0.group, label: $0.label, durationSeconds: $0.durationSeconds) }
        let groups = Set(jobs.map(\.group))
        let spec = CIRunSpec(jobs: jobs, maxParallel: maxParallel.map { limit in Dictionary(uniqueKeysWithValues: groups.map { ($0, limit) }) } ?? [:])
        let result = try CIRunSimulator.simulate(spec, on: fleet)
        let title = "run \(chosen.run.id) (first attempt, recorded wall times) on fleet \(fleet.name)"
        if let trace { try AtomicFile.write(CIRunRendering.chromeTrace(result), to: trace) }
        if let gantt { try AtomicFile.write(CIRunRendering.svg(result, title: title), to: gantt) }
        if format == .json {
            print(try JSONOutput.string(result))
        } else {
            print(CIRunRendering.table(result, title: title), terminator: "")
            print("recorded: first attempt \(CIRunRendering.clock(chosen.firstAttemptSeconds))")
        }
    }
}
