import ArgumentParser
import GPUCIHistory

/// `gpuci history suggest`: proposed est_time values from the history.
struct HistorySuggestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Propose est_time values: p90 of passed run times, rounded up to 5 s (at least 5 s).",
        discussion: "Lists registered files with at least --min-runs passed attempts whose proposal differs from est_time; `*` marks the drifted ones that `gpuci history apply` edits.")

    @OptionGroup var comparison: HistoryComparisonOptions
    @OptionGroup var database: HistoryDatabaseOptions

    func run() throws {
        let report = try comparison.report(database)
        print(HistoryRendering.suggestionTable(report, minRuns: comparison.minRuns), terminator: "")
    }
}
