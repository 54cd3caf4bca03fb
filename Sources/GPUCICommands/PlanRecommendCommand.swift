import ArgumentParser
import GPUCIPlanner
import GPUCISupport

/// `gpuci plan recommend`: the fewest partitions whose plan fits a job timeout.
struct PlanRecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Find the smallest partition count that fits a job timeout, with a proof or the remaining gap.")

    @OptionGroup var selection: PlanSelectionOptions
    @OptionGroup var algorithm: PlanAlgorithmOptions

    @Option(help: "The job's step timeout, e.g. 30m, 1h, 90s.")
    var timeout: PlanDuration

    @Option(help: "Fixed cost of every job (runner start, checkout, warm-up), e.g. 2m.")
    var overhead: PlanDuration = PlanDuration(argument: "0s")!

    @Option(help: "The largest partition count to consider.")
    var maxPartitions: Int = 64

    @Option(help: "GPUs each job holds, for GPU-minutes (default: read from the suite name, e.g. 4-gpu → 4, else 1).")
    var gpusPerJob: Int?

    func validate() throws {
        guard timeout.seconds > overhead.seconds else { throw ValidationError("--timeout must be longer than --overhead") }
        guard maxPartitions >= 1 else { throw ValidationError("--max-partitions must be at least 1") }
        if let gpusPerJob, gpusPerJob < 1 { throw ValidationError("--gpus-per-job must be at least 1") }
    }

    func run() throws {
        let registrations = try selection.loadRegistrations()
        for key in try selection.selectedSuites(in: registrations) {
            let enabled = SuitePlanner.select(registrations, key: key).enabled
            let gpus = gpusPerJob ?? PartitionRecommender.gpusPerJob(suite: key.suite)
            let recommendation = PartitionRecommender.recommend(
                registrations, key: key, timeoutSeconds: timeout.seconds, overheadSeconds: overhead.seconds,
                gpusPerJob: gpus, maxPartitions: maxPartitions, algorithm: algorithm.algorithm,
                options: algorithm.partitionOptions)
            let total = enabled.reduce(0) { $0 + $1.estTime }
            print("\(key): Σ \(PlanRendering.seconds(total)) in \(enabled.count) files; timeout \(PlanRendering.seconds(timeout.seconds)), overhead \(PlanRendering.seconds(overhead.seconds)), \(gpus) GPU\(gpus == 1 ? "" : "s") per job")
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
    }
}
