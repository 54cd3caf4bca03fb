import ArgumentParser
import Foundation
import GPUCIHistory
import GPUCIPlanner

/// `gpuci history`: record test-file run times and compare them with the registered est_time.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Run history: ingest results, find drifted est_time values, propose and apply fixes.",
        subcommands: [HistoryIngestCommand.self, HistoryIngestsCommand.self, HistoryForgetCommand.self, HistoryRunsCommand.self, HistoryDriftCommand.self, HistorySuggestCommand.self, HistoryApplyCommand.self])
}

/// The `--db` option every history command shares.
struct HistoryDatabaseOptions: ParsableArguments {
    @Option(help: "The history database (commands that record create it with its folder).")
    var db: String = HistoryDatabase.defaultPath

    /// Opens (and migrates) the database; only commands that record pass `create`, so a
    /// mistyped `--db` of a command that reads is an error, not a new empty database.
    func open(create: Bool = false) throws -> HistoryDatabase {
        try HistoryDatabase(path: db, create: create)
    }
}

/// Options of the commands that compare history with a registry.
struct HistoryComparisonOptions: ParsableArguments {
    @Option(help: "A source tree (sglang's test/ or a repository root) or a registry CSV. Default: the bundled sglang registry.")
    var registry: String?

    @OptionGroup var rules: RegistryRulesOptions

    @Option(parsing: .unconditional, help: "Fewest passed attempts before a file is judged.")
    var minRuns: Int = 3

    @Option(help: "Only this backend.")
    var backend: String?

    func validate() throws {
        guard minRuns >= 1 else { throw ValidationError("--min-runs must be at least 1") }
    }

    /// The drift report of the database's attempts against the registry.
    func report(_ database: HistoryDatabaseOptions) throws -> DriftReport {
        let registrations = try PlanRegistry.load(registry, rules: rules).filter { backend == nil || $0.backend == backend }
        let attempts = try database.open().attempts(backend: backend)
        return DriftReport(attempts: attempts, registrations: registrations, policy: DriftPolicy(minRuns: minRuns))
    }
}


/// `--estimates` and the database it reads, shared by `gpuci run` and `gpuci plan`.
struct HistoryEstimateOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Per-file seconds for planning: registry (est_time), history (gpuci's default estimator, EWMA α 0.5), p90, or an estimator: ewma[:ALPHA], sglang (p90 of the newest ≤ 16, at least 3), median, last, quantile:Q[:K|all[:MIN]], decayed:Q:HALFLIFE. Files without enough history keep est_time.",
        valueName: "source"))
    var estimates: EstimateSource = .registry

    /// `registrations` with est_time replaced as `--estimates` says, and the registrations that
    /// kept est_time for lack of history. The database is opened only for history estimates.
    func apply(to registrations: [Registration], database: HistoryDatabaseOptions) throws -> (registrations: [Registration], fallbacks: [Registration]) {
        guard estimates != .registry else { return (registrations, []) }
        return estimates.apply(to: registrations, attempts: try database.open().attempts())
    }

    /// ``apply(to:database:)`` with the model behind the estimates, the per-suite overhead fits of
    /// the stored jobs, and the attempts they were read from (all empty for the registry).
    func estimate(_ registrations: [Registration], database: HistoryDatabaseOptions) throws
        -> (registrations: [Registration], fallbacks: [Registration], estimated: EstimatedRegistry?,
            overhead: [SuiteKey: OverheadFit], attempts: [Attempt]) {
        guard estimates != .registry else { return (registrations, [], nil, [:], []) }
        let history = try database.open()
        let attempts = try history.attempts()
        let (estimated, fallbacks, model) = estimates.estimate(registrations, attempts: attempts)
        let overhead = OverheadFit.fits(runs: try history.runs(), jobs: try history.jobs(), attempts: attempts)
        return (estimated, fallbacks, model, overhead, attempts)
    }
}

extension HistoryEstimateOptions {
    /// For `gpuci plan show`: the registrations with `--estimates` applied; the enabled
    /// registrations of the selected suites that kept est_time are named on standard error.
    func planningRegistrations(_ registrations: [Registration], database: HistoryDatabaseOptions,
                               selection: PlanSelectionOptions) throws -> [Registration] {
        let (estimated, fallbacks) = try apply(to: registrations, database: database)
        report(fallbacks, selection: selection)
        return estimated
    }

    /// ``planningRegistrations(_:database:selection:)`` with the model, the overhead fits and
    /// the attempts behind them, for commands that forecast.
    func planningEstimates(_ registrations: [Registration], database: HistoryDatabaseOptions, selection: PlanSelectionOptions) throws
        -> (registrations: [Registration], estimated: EstimatedRegistry?, overhead: [SuiteKey: OverheadFit], attempts: [Attempt]) {
        let (estimated, fallbacks, model, overhead, attempts) = try estimate(registrations, database: database)
        report(fallbacks, selection: selection)
        return (estimated, model, overhead, attempts)
    }

    /// Names on standard error the enabled registrations of the selected suites that kept est_time.
    private func report(_ fallbacks: [Registration], selection: PlanSelectionOptions) {
        let selected = fallbacks.filter { registration in
            registration.isEnabled && registration.nightly == selection.nightly
                && (selection.backend.map { $0 == registration.backend } ?? true)
                && (selection.suite.map { $0 == registration.suite } ?? true)
        }
        guard !selected.isEmpty else { return }
        var note = "\(selected.count) file\(selected.count == 1 ? "" : "s") without enough passed history keep est_time (--estimates \(estimates)):\n"
        for registration in selected { note += "  \(registration.backend)/\(registration.suite): \(registration.file)\n" }
        FileHandle.standardError.write(Data(note.utf8))
    }
}
