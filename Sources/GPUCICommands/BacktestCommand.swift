import ArgumentParser
import Foundation
import GPUCIHistory
import GPUCIPlanner
import GPUCISupport

/// `gpuci backtest`: re-plan every stored CI run from the runs before it and score the plans.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Walk forward over the stored CI runs: plan each run's suites from earlier runs only, score against what ran.",
        discussion: """
        For each run after the warm-up and each suite in it, every method plans the files the run executed into \
        the run's own shard count, using only earlier runs; a partition's realized time is the Σ of its files' actual \
        elapsed seconds in that run (the fitted per-job overhead is shown beside it, not added). Methods: gpuci \
        (the default estimator, optimal partitioning), sglang-actual (the shards the run had), est_time+LPT (the \
        registry's est_time), p90+LPT (sglang's estimator); --methods adds gpuci-spread (balances predicted p90s) \
        and ESTIMATOR@ALGORITHM (e.g. median@sglang). p90 calibration: the share of partitions whose realized time \
        exceeded their predicted p90 (10 % is perfect).
        """)

    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "A source tree or registry CSV for est_time. Default: the bundled sglang registry.")
    var registry: String?

    @OptionGroup var rules: RegistryRulesOptions

    @Option(parsing: .unconditional, help: "Runs with jobs used only as history before the first scored run.")
    var warmup: Int = 3

    @Option(help: "Score only runs that started at or after this ISO-8601 time.")
    var since: String?

    @Option(help: "Score only runs that started before this ISO-8601 time.")
    var until: String?

    @Option(help: "Only this backend.")
    var backend: String?

    @Option(help: "Only this suite.")
    var suite: String?

    @Option(help: "Comma-separated methods: gpuci, sglang-actual, est_time, p90, gpuci-spread, ESTIMATOR@ALGORITHM.")
    var methods: String?

    @Option(parsing: .unconditional, help: "Exact-search nodes per search phase of the optimal partitioner (a deterministic budget).")
    var searchNodes: Int = Backtest.Options().partitionOptions.searchNodeBudget

    @Flag(help: "Print every suite's lines, not only the totals.")
    var perSuite = false

    @Option(help: "table or json (one record per run × suite × method).")
    var format: ReportFormat = .table

    func validate() throws {
        guard searchNodes >= 0 else { throw ValidationError("--search-nodes must be 0 or more") }
        guard (0...10_000).contains(warmup) else { throw ValidationError("--warmup must be from 0 to 10000") }
        try TimeWindowOption.validate(since: since, until: until)
    }

    func run() throws {
        var options = Backtest.Options()
        options.warmup = warmup
        options.partitionOptions = PartitionOptions(searchNodeBudget: searchNodes)
        options.since = since
        options.until = until
        options.backend = backend
        options.suite = suite
        if let methods { options.methods = try Self.methods(methods) }
        let history = try database.open()
        let records = Backtest.run(runs: try history.runs(), jobs: try history.jobs(), attempts: try history.attempts(),
                                   registry: try PlanRegistry.load(registry, rules: rules), options: options)
        if format == .json {
            print(try JSONOutput.string(records))
            return
        }
        let names = options.methods.map(\.description)
        let summary = BacktestSummary(records, methods: names)
        var rows = [["suite", "method", "cases", "Σ realized max", "÷ lower bound", "> p90", "runner-min", "vs actual"]]
        for line in summary.lines where perSuite || line.scope == "total" {
            rows.append([line.scope, line.method, String(line.cases), String(format: "%.0f s", line.realizedMaxSeconds),
                         String(format: "%.4f", line.ratioToLowerBound),
                         String(format: "%.1f %% of %d", line.p90Exceeded * 100, line.partitions),
                         String(format: "%.0f", line.runnerMinutes),
                         line.method == Backtest.Method.sglangActual.description ? "-" : "\(line.shorterThanActual) shorter, \(line.longerThanActual) longer"])
        }
        let runs = Set(records.map(\.run)).count
        print("backtest: \(runs) run\(runs == 1 ? "" : "s") scored after a warm-up of \(warmup), \(Set(records.map { "\($0.run)/\($0.backend)/\($0.suite)" }).count) (run, suite) cases")
        print(HistoryRendering.table(rows, rightAligned: 2...6), terminator: "")
    }

    static func methods(_ text: String) throws -> [Backtest.Method] {
        try text.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            switch name {
            case "gpuci": return .gpuci(.standard, .optimal)
            case "sglang-actual", "actual": return .sglangActual
            case "est_time", "est_time+LPT": return .estTimeLPT
            case "p90", "p90+LPT": return .p90LPT
            case "gpuci-spread", "spread": return .spreadAware(.standard)
            default:
                let pieces = name.split(separator: "@", maxSplits: 1).map(String.init)
                let estimator = try DurationEstimator(parsing: pieces[0])
                guard pieces.count == 2 else { return .gpuci(estimator, .optimal) }
                guard let algorithm = PartitionAlgorithm(rawValue: pieces[1]) else {
                    throw ValidationError("method \(name): algorithm must be sglang or optimal")
                }
                return .gpuci(estimator, algorithm)
            }
        }
    }
}
