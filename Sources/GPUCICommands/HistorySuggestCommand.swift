import ArgumentParser
import GPUCIHistory
import GPUCISupport

/// `gpuci history suggest`: proposed est_time values from the history.
struct HistorySuggestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Propose est_time values: p90 of passed run times, rounded up to 5 s (at least 5 s).",
        discussion: "Lists registered files with at least --min-runs passed attempts whose proposal differs from est_time; `*` marks the drifted ones that `gpuci history apply` edits.")

    @OptionGroup var comparison: HistoryComparisonOptions
    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "table or json ({\"proposals\": [{file, backend, runs, estTime, p90Seconds, proposed, drifted}]}).")
    var format: ReportFormat = .table

    /// One proposal in the JSON form.
    struct Proposal: Encodable {
        var file: String
        var backend: String
        var runs: Int
        var estTime: Double
        var p90Seconds: Double?
        var proposed: Int
        var drifted: Bool
    }

    func run() throws {
        let report = try comparison.report(database)
        switch format {
        case .table:
            print(HistoryRendering.suggestionTable(report, minRuns: comparison.minRuns), terminator: "")
        case .json:
            struct Document: Encodable { var proposals: [Proposal] }
            let proposals = HistoryRendering.proposals(report, minRuns: comparison.minRuns).map { row in
                Proposal(file: row.file, backend: row.backend, runs: row.runs, estTime: row.estTime, p90Seconds: row.p90Seconds,
                         proposed: row.suggestedEstTime ?? 0, drifted: row.flagged)
            }
            print(try JSONOutput.string(Document(proposals: proposals)))
        }
    }
}
