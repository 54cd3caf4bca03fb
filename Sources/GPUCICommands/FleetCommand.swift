import ArgumentParser
import Foundation
import GPUCIData
import GPUCIFleet
import GPUCIHistory
import GPUCIPlanner
import GPUCISupport

/// `gpuci fleet`: runner pools, queueing and time-to-green.
struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "The CI fleet: fit runner pools to stored runs, replay runs on them, simulate what-ifs.",
        subcommands: [FleetFitCommand.self, FleetReplayCommand.self, FleetSimulateCommand.self, FleetPlanCommand.self])
}

/// The options that choose stored runs.
struct FleetRunOptions: ParsableArguments {
    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "Only runs that started at or after this ISO-8601 time.")
    var since: String?

    @Option(help: "Only runs that started before this ISO-8601 time.")
    var until: String?

    @Option(parsing: .unconditional, help: "Idle time after which a run's later jobs count as a re-run.")
    var rerunGap: PlanDuration = PlanDuration(argument: "30m")!

    @Option(help: "Hours of the day (UTC, FROM-TO, comma-separated) fitted with their own background load, e.g. 06-18.")
    var windows: String?

    /// The `--windows` as load windows.
    func loadWindows() throws -> [LoadWindow] {
        guard let windows else { return [] }
        return try windows.split(separator: ",").map { part in
            guard let (from, to) = FleetFile.parseHours(String(part)) else {
                throw ValidationError("--windows \(part): expected FROM-TO hours in UTC such as 06-18 or 22-06")
            }
            return LoadWindow(fromHour: from, toHour: to)
        }
    }

    func validate() throws {
        try TimeWindowOption.validate(since: since, until: until)
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
        guard let fit = FleetFit.fit(selected, name: name, windows: try runs.loadWindows()) else {
            throw ValidationError("no stored run falls in the chosen window")
        }
        let comment = ["fitted by `gpuci fleet fit` from \(fit.runs) run\(fit.runs == 1 ? "" : "s") (\(selected.first!.run.startedAt ?? selected.first!.run.id) … \(selected.last!.run.startedAt ?? selected.last!.run.id))"]
        let outputs = try CommandOutput([("--output", output)])
        if let output { try outputs.write(FleetFile.yaml(fit.fleet, comment: comment), to: output) }
        if format == .json {
            outputs.report(try JSONOutput.string(fit) + "\n")
            return
        }
        var rows = [["label", "runs", "jobs", "runners", "left to run", "background", "dispatch", "median start", "start error", "without load"]]
        for label in fit.labels {
            rows.append([label.label, "\(label.runs)", "\(label.jobs)", "\(label.observedRunners)", "\(label.available)",
                         String(format: "%.0f %%", Double(label.observedRunners - label.available) / Double(label.observedRunners) * 100),
                         "\(Int(label.dispatchSeconds)) s", CIRunRendering.clock(label.medianStartSeconds),
                         CIRunRendering.clock(label.meanAbsStartErrorSeconds), CIRunRendering.clock(label.meanAbsStartErrorWithoutLoadSeconds)])
        }
        var text = "fleet fit: \(fit.runs) runs, \(fit.labels.reduce(0) { $0 + $1.jobs }) first-attempt jobs (start error: mean |replayed − recorded| start)\n"
        text += HistoryRendering.table(rows, rightAligned: 1...9)
        for window in fit.windows {
            let cells = window.available.keys.sorted().map { "\($0) \(window.available[$0]!)" }
            text += "window \(window.hours) UTC (\(window.runs) runs): runners left \(cells.joined(separator: ", "))\n"
        }
        if output == nil { text += "\n" + FleetFile.yaml(fit.fleet, comment: comment) }
        outputs.report(text)
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

    func run() throws {
        let all = try runs.recordedRuns()
        let replay = FleetReplay.replay(all, since: runs.sinceDate, until: runs.untilDate, windows: try runs.loadWindows())
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

    @Option(parsing: .unconditional, help: "The run's start hour (UTC, 0-23) that picks the fleet's load window (default: the stored run's).")
    var hour: Int?

    func validate() throws {
        if let hour, !(0...23).contains(hour) { throw ValidationError("--hour must be from 0 to 23") }
    }

    /// The fleet as a run starting at `hour` (or `--hour`) meets it, with the what-ifs applied.
    func load(hour runHour: Int) throws -> Fleet {
        try load().at(hour: hour ?? runHour)
    }

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

    @Option(parsing: .unconditional, help: "What-if: at most N jobs of each suite at once (GitHub's max-parallel).")
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
        let fleet = try fleet.load(hour: chosen.startHour)
        let jobs = chosen.firstAttempt.map { CIRunJob(name: $0.name, group: $0.group, label: $0.label, durationSeconds: $0.durationSeconds) }
        let groups = Set(jobs.map(\.group))
        let spec = CIRunSpec(jobs: jobs, maxParallel: maxParallel.map { limit in Dictionary(uniqueKeysWithValues: groups.map { ($0, limit) }) } ?? [:])
        let result = try CIRunSimulator.simulate(spec, on: fleet)
        let title = "run \(chosen.run.id) (first attempt, recorded wall times) on fleet \(fleet.name)"
        let outputs = try CommandOutput([("--trace", trace), ("--gantt", gantt)])
        if let trace { try outputs.write(CIRunRendering.chromeTrace(result), to: trace) }
        if let gantt { try outputs.write(CIRunRendering.svg(result, title: title), to: gantt) }
        if format == .json {
            outputs.report(try JSONOutput.string(result) + "\n")
        } else {
            outputs.report(CIRunRendering.table(result, title: title)
                           + "recorded: first attempt \(CIRunRendering.clock(chosen.firstAttemptSeconds))\n")
        }
    }
}

/// `gpuci fleet plan`.
struct FleetPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Choose every suite's partition count for the shortest predicted time-to-green of a whole run on a fleet.",
        discussion: """
        The suites, files, labels and current partition counts are those of a stored run (default: the newest). Each \
        candidate count is partitioned optimally on history estimates; job durations are drawn from the duration \
        model plus the suite's fitted overhead, and every draw of the whole run is simulated on the fleet. Counts whose \
        worst partition exceeds --max-risk of timing out are not chosen; a suite where every count does is reported. \
        With --target, runner-minutes are minimised keeping the p50 time-to-green within it. \
        Example what-if: gpuci fleet plan --runners 4-gpu-h100=6
        """)

    @OptionGroup var runs: FleetRunOptions
    @OptionGroup var fleet: FleetChoiceOptions

    @Option(name: .customLong("run"), help: "The stored run whose suites are planned (default: the newest).")
    var runID: String?

    @Option(parsing: .unconditional, help: "Test-step timeout (the files of a partition, without the job's overhead) of suites not given otherwise.")
    var timeout: PlanDuration = PlanDuration(argument: "30m")!

    @Option(name: .customLong("suite-timeout"), help: "SUITE=DURATION: one suite's test-step timeout (repeatable).")
    var suiteTimeouts: [String] = []

    @Option(help: "A suites file whose timeoutMinutes apply to the suites it lists.")
    var suites: String?

    @Option(parsing: .unconditional, help: "Largest accepted P(a job times out), e.g. 1% or 0.01.")
    var maxRisk: RiskBound = RiskBound(argument: "1%")!

    @Option(parsing: .unconditional, help: "What-if: at most N jobs of each suite at once (GitHub's max-parallel).")
    var maxParallel: Int?

    @Option(parsing: .unconditional, help: "Most partitions tried per suite (default: twice the current count, at least 4).")
    var maxPartitions: Int?

    @Option(parsing: .unconditional, help: "Minimise runner-minutes keeping the p50 time-to-green within this duration.")
    var target: PlanDuration?

    @Option(parsing: .unconditional, help: "Monte Carlo draws of the whole run per plan.")
    var draws: Int = 200

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    func validate() throws {
        if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
        if let maxPartitions, !(1...256).contains(maxPartitions) { throw ValidationError("--max-partitions must be from 1 to 256") }
        guard (1...100_000).contains(draws) else { throw ValidationError("--draws must be from 1 to 100000") }
    }

    struct Output: Encodable {
        var run: String
        var fleet: String
        var maxRisk: Double
        var recommendation: FleetPlanner.Recommendation
        var asFiled: FleetPlanner.Evaluation?
    }

    func run() throws {
        let history = try runs.database.open()
        let storedRuns = try history.runs(), jobs = try history.jobs(), attempts = try history.attempts()
        let recorded = runs.selected(RecordedRun.all(runs: storedRuns, jobs: jobs, rerunGap: runs.rerunGap.seconds))
        guard let template = runID.map({ id in recorded.first { $0.run.id == id } }) ?? recorded.last else {
            throw ValidationError("no stored run \(runID.map { "with id \($0) " } ?? "")with jobs in the window")
        }
        let config = try suites.map { try SuitesConfig.read(path: $0) }
        var perSuite: [String: Double] = [:]
        for text in suiteTimeouts {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let duration = PlanDuration(argument: parts[1]), duration.seconds > 0 else {
                throw ValidationError("--suite-timeout \(text): expected SUITE=DURATION such as extra-a-test-1-gpu-large=60m")
            }
            perSuite[parts[0]] = duration.seconds
        }
        let registry = try PlanRegistry.load(nil, rules: nil)
        var estTimes: [DurationHistory.Key: Double] = [:]
        for registration in registry {
            estTimes[DurationHistory.Key(file: registration.file, suite: registration.suite, backend: registration.backend)] = registration.estTime
        }
        let planned = FleetPlanner.suites(
            ofRun: template.run.id, runs: storedRuns, jobs: jobs, attempts: attempts, draws: draws,
            timeout: { key in perSuite[key.suite] ?? config?.config(for: key).map { Double($0.timeoutMinutes) * 60 } ?? timeout.seconds },
            counts: { current, files in 1...max(current, min(files, maxPartitions ?? max(4, 2 * current))) },
            estTime: { estTimes[$0] })
        guard !planned.isEmpty else { throw ValidationError("run \(template.run.id) has no suite with passed files to plan") }
        for name in perSuite.keys.sorted() where !planned.contains(where: { $0.key.suite == name }) {
            throw ValidationError("--suite-timeout \(name): run \(template.run.id) has no suite '\(name)'")
        }
        let chosenFleet = try fleet.load(hour: template.startHour)
        for suite in planned where chosenFleet.pool(suite.label) == nil {
            throw ValidationError("suite \(suite.key) runs on label '\(suite.label)', which fleet '\(chosenFleet.name)' (\(fleet.fleet ?? FleetFile.bundledPath)) does not have (it has: \(chosenFleet.pools.map(\.label).joined(separator: ", ")))")
        }
        let objective: FleetPlanner.Objective = target.map { .runnerMinutes(targetSeconds: $0.seconds) } ?? .timeToGreen
        let recommendation = try FleetPlanner.recommend(planned, fleet: chosenFleet, maxParallel: maxParallel,
                                                        maxRisk: maxRisk.fraction, objective: objective)
        var asFiled: FleetPlanner.Evaluation?
        if !fleet.runnerOverrides.isEmpty || maxParallel != nil {
            var plain = fleet
            plain.runnerOverrides = []
            asFiled = try FleetPlanner.evaluate(planned, counts: planned.map(\.currentPartitions), fleet: plain.load(hour: template.startHour),
                                                maxParallel: nil, maxRisk: maxRisk.fraction)
        }
        if format == .json {
            print(try JSONOutput.string(Output(run: template.run.id, fleet: chosenFleet.name, maxRisk: maxRisk.fraction,
                                               recommendation: recommendation, asFiled: asFiled)))
            return
        }
        let current = recommendation.current, best = recommendation.recommended
        func risk(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }
        var rows = [["suite", "label", "now", "P(timeout)", "plan", "P(timeout)", ""]]
        for (now, plan) in zip(current.suites, best.suites) {
            rows.append([now.suite, now.label, "\(now.partitions)", risk(now.timeoutRisk), "\(plan.partitions)", risk(plan.timeoutRisk),
                         plan.cannotMeetRisk ? "no count meets --max-risk \(risk(maxRisk.fraction)): split its longest file or raise the timeout" : ""])
        }
        print("fleet plan: run \(template.run.id)'s \(planned.count) suites on fleet \(chosenFleet.name)\(fleet.runnerOverrides.isEmpty ? "" : " with --runners \(fleet.runnerOverrides.joined(separator: " "))")\(maxParallel.map { ", max-parallel \($0)" } ?? ""); \(draws) draws, \(recommendation.evaluations) plans evaluated")
        print(HistoryRendering.table(rows, rightAligned: 2...5), terminator: "")
        let summary = [["", "now", "plan"],
                       ["p50 time-to-green", CIRunRendering.clock(current.p50TimeToGreenSeconds), CIRunRendering.clock(best.p50TimeToGreenSeconds)],
                       ["p90 time-to-green", CIRunRendering.clock(current.p90TimeToGreenSeconds), CIRunRendering.clock(best.p90TimeToGreenSeconds)],
                       ["runner-minutes", String(format: "%.0f", current.runnerMinutes), String(format: "%.0f", best.runnerMinutes)],
                       ["expected timeouts", String(format: "%.2f", current.expectedTimeouts), String(format: "%.2f", best.expectedTimeouts)],
                       ["within --max-risk", current.withinRisk ? "yes" : "no", best.withinRisk ? "yes" : "no"]]
        print(HistoryRendering.table(summary, rightAligned: 1...2), terminator: "")
        if let asFiled {
            print("what-if: the current plan's p50 time-to-green \(CIRunRendering.clock(asFiled.p50TimeToGreenSeconds)) on the fleet as filed → \(CIRunRendering.clock(current.p50TimeToGreenSeconds)) with the what-if")
        }
        if recommendation.targetUnreachable, let target {
            print("target \(CIRunRendering.clock(target.seconds)) cannot be met on this fleet within --max-risk; the plan above is the fastest found")
        }
    }
}
