import ArgumentParser
import Foundation
import GPUCIHistory
import GPUCIPlanner
import GPUCISupport

/// `gpuci plan recommend`: the fewest partitions whose plan fits a job timeout.
struct PlanRecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Find the smallest partition count that fits a job timeout, with a proof or the remaining gap.",
        discussion: """
        With --estimates from history and --max-risk, the count is the fewest whose worst partition's predicted \
        P(wall > timeout) is at most the risk and whose worst p90 is within the timeout: wall = the files' Monte \
        Carlo durations (fixed seed) plus the suite's per-job overhead fitted from the stored jobs (--overhead when \
        the history has no jobs of the suite). Beside it: the count sglang's rule ceil(coeff·Σ p90 / (0.75·timeout − \
        bias)) picks, and the runner-minutes of each count.
        """)

    @OptionGroup var selection: PlanSelectionOptions
    @OptionGroup var algorithm: PlanAlgorithmOptions

    @Option(parsing: .unconditional, help: "The job's step timeout, e.g. 30m, 1h, 90s (at most 30 days).")
    var timeout: PlanDuration

    @Option(parsing: .unconditional, help: "Fixed cost of every job (runner start, checkout, warm-up), e.g. 2m.")
    var overhead: PlanDuration = PlanDuration(argument: "0s")!

    @OptionGroup var estimates: HistoryEstimateOptions
    @OptionGroup var database: HistoryDatabaseOptions

    @Option(parsing: .unconditional, help: "The highest acceptable P(a partition exceeds the timeout), e.g. 1% or 0.01 (needs --estimates from history).")
    var maxRisk: RiskBound?

    @Option(parsing: .unconditional, help: "The largest partition count to consider.")
    var maxPartitions: Int = 64

    @Option(parsing: .unconditional, help: "GPUs each job holds, for GPU-minutes (default: read from the suite name, e.g. 4-gpu → 4, else 1).")
    var gpusPerJob: Int?

    @Option(help: "table or json ({\"suites\": [{backend, suite, nightly, files, totalSeconds, timeoutSeconds, gpusPerJob, recommendation | riskRecommendation | problem}]}).")
    var format: ReportFormat = .table

    /// One suite's answer in the JSON form.
    struct Entry: Encodable {
        var backend: String
        var suite: String
        var nightly: Bool
        var files: Int
        var totalSeconds: Double
        var timeoutSeconds: Double
        var gpusPerJob: Int
        var recommendation: PartitionRecommender.Recommendation?
        var riskRecommendation: RiskRecommender.Recommendation?
        var problem: String?
    }

    private func printJSON(_ entries: [Entry]) throws {
        struct Document: Encodable { var suites: [Entry] }
        print(try JSONOutput.string(Document(suites: entries)))
    }

    func validate() throws {
        guard timeout.seconds > overhead.seconds else { throw ValidationError("--timeout must be longer than --overhead") }
        guard (1...PartitionOptions.maximumPartitions).contains(maxPartitions) else {
            throw ValidationError("--max-partitions must be from 1 to \(PartitionOptions.maximumPartitions)")
        }
        if let gpusPerJob, gpusPerJob < 1 { throw ValidationError("--gpus-per-job must be at least 1") }
        if maxRisk != nil, estimates.estimates == .registry {
            throw ValidationError("--max-risk needs --estimates from history (history, sglang, ewma, …): est_time has no spread")
        }
    }

    func run() throws {
        if let maxRisk { return try runWithRisk(maxRisk.fraction) }
        let (registrations, _, overheads, _) = try estimates.planningEstimates(selection.loadRegistrations(), database: database, selection: selection)
        var entries: [Entry] = []
        for key in try selection.selectedSuites(in: registrations) {
            let enabled = SuitePlanner.select(registrations, key: key).enabled
            let gpus = gpusPerJob ?? PartitionRecommender.gpusPerJob(suite: key.suite)
            let total = enabled.reduce(0) { $0 + $1.estTime }
            var entry = Entry(backend: key.backend, suite: key.suite, nightly: key.nightly, files: enabled.count,
                              totalSeconds: total, timeoutSeconds: timeout.seconds, gpusPerJob: gpus)
            // With history, the suite's fitted per-job overhead replaces --overhead.
            let overheadSeconds = overheads[SuiteKey(backend: key.backend, suite: key.suite)].map { max(0, $0.bias.rounded()) } ?? overhead.seconds
            guard timeout.seconds > overheadSeconds else {
                let problem = "the fitted per-job overhead \(PlanRendering.seconds(overheadSeconds)) leaves no time within the timeout"
                entry.problem = problem
                entries.append(entry)
                if format == .table { print("\(key): \(problem)\n") }
                continue
            }
            let recommendation = PartitionRecommender.recommend(
                registrations, key: key, timeoutSeconds: timeout.seconds, overheadSeconds: overheadSeconds,
                gpusPerJob: gpus, maxPartitions: maxPartitions, algorithm: algorithm.algorithm,
                options: algorithm.partitionOptions)
            entry.recommendation = recommendation
            entries.append(entry)
            guard format == .table else { continue }
            print("\(key): Σ \(PlanRendering.seconds(total)) in \(enabled.count) files; timeout \(PlanRendering.seconds(timeout.seconds)), overhead \(PlanRendering.seconds(overheadSeconds))\(overheads[SuiteKey(backend: key.backend, suite: key.suite)] == nil ? "" : " (fitted from history)"), \(gpus) GPU\(gpus == 1 ? "" : "s") per job")
            print("  partitions  makespan  +overhead  lower bound  GPU-minutes  fits")
            for row in recommendation.rows {
                let fits = row.fits ? "yes" : row.provedInfeasible ? "no (proved)" : "no"
                print("  " + PlanRendering.pad(String(row.partitions), 10)
                    + "  " + PlanRendering.pad(PlanRendering.seconds(row.makespanSeconds), 8)
                    + "  " + PlanRendering.pad(PlanRendering.seconds(row.jobSeconds), 9)
                    + "  " + PlanRendering.pad(PlanRendering.seconds(row.lowerBoundSeconds), 11)
                    + "  " + PlanRendering.pad(String(format: "%.1f", row.gpuMinutes), 11)
                    + "  " + fits)
            }
            if let count = recommendation.partitions {
                print("  recommended: \(count) partition\(count == 1 ? "" : "s") (\(recommendation.reason))")
            } else {
                print("  no recommendation: \(recommendation.reason)")
            }
            print("")
        }
        if format == .json { try printJSON(entries) }
    }

    private func runWithRisk(_ risk: Double) throws {
        let raw = try selection.loadRegistrations()
        let (registrations, estimated, overheads, attempts) = try estimates.planningEstimates(raw, database: database, selection: selection)
        guard let estimated else { return }
        let sglang = EstimateSource.history(.sglang).apply(to: raw, attempts: attempts).registrations
        var entries: [Entry] = []
        for key in try selection.selectedSuites(in: registrations) {
            let overhead = overheads[SuiteKey(backend: key.backend, suite: key.suite)]
            let gpus = gpusPerJob ?? PartitionRecommender.gpusPerJob(suite: key.suite)
            let recommendation = RiskRecommender.recommend(
                registrations, key: key, estimated: estimated, sglangEstimates: sglang, overhead: overhead,
                fixedOverheadSeconds: self.overhead.seconds,
                timeoutSeconds: timeout.seconds, maxRisk: risk, maxPartitions: maxPartitions,
                algorithm: algorithm.algorithm, options: algorithm.partitionOptions)
            let enabled = SuitePlanner.select(registrations, key: key).enabled
            entries.append(Entry(backend: key.backend, suite: key.suite, nightly: key.nightly, files: enabled.count,
                                 totalSeconds: enabled.reduce(0) { $0 + $1.estTime }, timeoutSeconds: timeout.seconds,
                                 gpusPerJob: gpus, riskRecommendation: recommendation))
            guard format == .table else { continue }
            var overheadText = "overhead \(PlanRendering.seconds(recommendation.overheadSeconds)) per job"
            if let overhead {
                overheadText += String(format: " (fitted from %d jobs: wall = Σ + bias; least squares %.3f·Σ + %.0f s, r² %.3f)",
                                       overhead.samples, overhead.olsCoeff, overhead.olsBias, overhead.olsRSquared)
            } else {
                overheadText += " (--overhead; no job history for the suite)"
            }
            print("\(key): Σ \(PlanRendering.seconds(enabled.reduce(0) { $0 + $1.estTime })) in \(enabled.count) files (--estimates \(estimates.estimates)); timeout \(PlanRendering.seconds(timeout.seconds)), max risk \(PlanRendering.percent(risk))")
            print("  " + overheadText)
            print("  partitions  makespan  worst p50  worst p90  worst P(timeout)  runner-min  GPU-min  ok")
            for row in recommendation.rows {
                print("  " + PlanRendering.pad(String(row.partitions), 10)
                    + "  " + PlanRendering.pad(PlanRendering.seconds(row.makespanSeconds.rounded()), 8)
                    + "  " + PlanRendering.pad(PlanRendering.seconds(row.worstP50Seconds), 9)
                    + "  " + PlanRendering.pad(PlanRendering.seconds(row.worstP90Seconds), 9)
                    + "  " + PlanRendering.pad(PlanRendering.percent(row.worstRisk), 16)
                    + "  " + PlanRendering.pad(String(format: "%.1f", row.runnerMinutes), 10)
                    + "  " + PlanRendering.pad(String(format: "%.1f", row.runnerMinutes * Double(gpus)), 7)
                    + "  " + (row.acceptable ? "yes" : "no"))
            }
            if let count = recommendation.partitions {
                let cost = recommendation.rows.first { $0.partitions == count }?.runnerMinutes ?? 0
                print("  recommended: \(count) partition\(count == 1 ? "" : "s") (worst partition within \(PlanRendering.percent(risk)) risk and its p90 within the timeout), \(String(format: "%.1f", cost)) runner-minutes")
            } else if let file = recommendation.blockingFile {
                print("  no recommendation: \(file) alone in a job has P(timeout) \(PlanRendering.percent(recommendation.blockingRisk ?? 1)), above \(PlanRendering.percent(risk)): split it, raise the timeout, or record its history")
            } else {
                print("  no recommendation: no count up to \(recommendation.rows.count) keeps every partition within \(PlanRendering.percent(risk)) risk")
            }
            if let rule = recommendation.sglangRule {
                let row = recommendation.rows.first { $0.partitions == rule }
                print("  sglang's 0.75 rule: \(rule) partition\(rule == 1 ? "" : "s")" + (row.map {
                    String(format: ", %.1f runner-minutes, worst P(timeout) ", $0.runnerMinutes) + PlanRendering.percent($0.worstRisk)
                } ?? ""))
            } else {
                print("  sglang's 0.75 rule: no count (0.75 × timeout does not exceed the fitted bias)")
            }
            print("")
        }
        if format == .json { try printJSON(entries) }
    }
}

/// `--max-risk`: a probability written as a percentage (`1%`) or a fraction (`0.01`).
struct RiskBound: ExpressibleByArgument {
    var fraction: Double

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let isPercent = text.hasSuffix("%")
        guard let value = Double(isPercent ? String(text.dropLast()) : text), value.isFinite else { return nil }
        let fraction = isPercent ? value / 100 : value
        guard (0...1).contains(fraction) else { return nil }
        self.fraction = fraction
    }
}
