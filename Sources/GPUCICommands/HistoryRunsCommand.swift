import ArgumentParser
import GPUCIHistory
import GPUCISupport

/// `gpuci history runs`: the CI runs and jobs the history holds.
struct HistoryRunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the stored CI runs: start, trigger, commit, jobs, suites and per-file timings.",
        discussion: "Jobs ingested from logs without --run-id are listed under the run \"-\".")

    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    /// One line of the listing.
    struct RunLine: Encodable {
        var run: String
        var startedAt: String?
        var event: String?
        var headSHA: String?
        var jobs: Int
        var suites: Int
        var attempts: Int
        var elapsedSeconds: Double
    }

    func run() throws {
        let history = try database.open()
        let jobs = try history.jobs()
        let attemptsByJob = try history.jobTotals()
        func line(id: String, run: CIRun?, jobs: [CIJob]) -> RunLine {
            let totals = jobs.compactMap { attemptsByJob[$0.id] }
            return RunLine(run: id, startedAt: run?.startedAt, event: run?.event, headSHA: run?.headSHA, jobs: jobs.count,
                           suites: Set(jobs.map { "\($0.backend)/\($0.suite)" }).count,
                           attempts: totals.reduce(0) { $0 + $1.attempts }, elapsedSeconds: totals.reduce(0) { $0 + $1.seconds })
        }
        var lines = try history.runs().map { run in line(id: run.id, run: run, jobs: jobs.filter { $0.runID == run.id }) }
        let loose = jobs.filter { $0.runID == nil }
        if !loose.isEmpty { lines.append(line(id: "-", run: nil, jobs: loose)) }
        switch format {
        case .json:
            print(try JSONOutput.string(lines))
        case .table:
            var rows = [["run", "started", "event", "commit", "jobs", "suites", "files", "Σ elapsed"]]
            for line in lines {
                rows.append([line.run, line.startedAt ?? "-", line.event ?? "-", line.headSHA.map { String($0.prefix(10)) } ?? "-",
                             String(line.jobs), String(line.suites), String(line.attempts), HistoryRendering.seconds(line.elapsedSeconds)])
            }
            print(HistoryRendering.table(rows, rightAligned: 4...7), terminator: "")
            print("\(lines.count) run\(lines.count == 1 ? "" : "s"), \(jobs.count) job\(jobs.count == 1 ? "" : "s")")
        }
    }
}
