import ArgumentParser
import Foundation
import GPUCIHistory
import GPUCIPlanner
import GPUCISupport

/// `gpuci plan`: split CI suites into partitions, recommend partition counts, show one job.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Split CI suites into partitions (sglang's LPT or a certified optimum).",
        discussion: """
        Without a subcommand, `gpuci plan` is `gpuci plan build`: its options (--partitions N, --suites FILE, \
        --format table|json|github-matrix, --allow-dead-jobs, --registry, --backend, --suite, --algorithm, \
        --estimates) are listed by `gpuci plan build --help`.
        """,
        subcommands: [PlanBuildCommand.self, PlanRecommendCommand.self, PlanShowCommand.self],
        defaultSubcommand: PlanBuildCommand.self)
}

/// The output formats of `gpuci plan`.
enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
    case githubMatrix = "github-matrix"
}

/// `gpuci plan [build]`: plan every selected suite.
struct PlanBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Plan the selected suites (the default subcommand).")

    @OptionGroup var selection: PlanSelectionOptions
    @OptionGroup var algorithm: PlanAlgorithmOptions
    @OptionGroup var estimates: HistoryEstimateOptions
    @OptionGroup var database: HistoryDatabaseOptions

    @Option(parsing: .unconditional, help: "Partitions for every selected suite (instead of a suites file).")
    var partitions: Int?

    @Option(help: "A suites YAML file (partitions, runner, timeout per suite). Default: the bundled sglang suites.")
    var suites: String?

    @Option(help: "table, json or github-matrix.")
    var format: PlanFormat = .table

    @Flag(help: "Write a github-matrix even with jobs that cannot pass: no runner, an estimate over the timeout, nothing to run.")
    var allowDeadJobs = false

    func validate() throws {
        if let partitions, !(1...PartitionOptions.maximumPartitions).contains(partitions) {
            throw ValidationError("--partitions must be from 1 to \(PartitionOptions.maximumPartitions)")
        }
        if partitions != nil, suites != nil { throw ValidationError("give --partitions or --suites, not both") }
    }

    func run() throws {
        let (registrations, estimated, overhead, _) = try estimates.planningEstimates(selection.loadRegistrations(), database: database, selection: selection)
        let keys = try selection.selectedSuites(in: registrations)
        let config: SuitesConfig? = partitions == nil ? try PlanRegistry.suitesConfig(suites, registry: selection.registry) : nil
        if partitions == nil, config == nil, let registry = selection.registry {
            FileHandle.standardError.write(Data("note: no suites file for \(registry) (the bundled one describes the bundled registry): one partition per suite, no runner or timeout; pass --suites FILE or --partitions N\n".utf8))
        }
        var plans: [SuitePlan] = []
        var entries: [PlanDocument.Suite] = []
        for key in keys {
            let suiteConfig = config?.config(for: key)
            let estimatedSeconds = registrations.lazy.filter { SuiteKey($0) == key && $0.isEnabled }.reduce(0) { $0 + $1.estTime }
            let count = partitions ?? suiteConfig?.partitionCount(estimatedSeconds: estimatedSeconds) ?? 1
            let plan = SuitePlanner.plan(registrations, key: key, partitions: count, algorithm: algorithm.algorithm,
                                         options: algorithm.partitionOptions)
            plans.append(plan)
            var entry = PlanDocument.Suite(plan, config: suiteConfig)
            if let estimated {
                entry.forecast = RiskRecommender.forecast(
                    plan, estimated: estimated, overhead: overhead[SuiteKey(backend: key.backend, suite: key.suite)],
                    timeoutSeconds: suiteConfig.map { Double($0.timeoutMinutes * 60) }, estimates: estimates.estimates.description)
            }
            entries.append(entry)
        }
        let document = PlanDocument(suites: entries)
        switch format {
        case .table: print(PlanRendering.table(document, plans: plans), terminator: "")
        case .json: print(try PlanRendering.json(document), terminator: "")
        case .githubMatrix:
            let dead = DeadJob.find(in: document)
            for job in dead {
                FileHandle.standardError.write(Data("\(allowDeadJobs ? "warning" : "error"): \(job)\n".utf8))
            }
            guard dead.isEmpty || allowDeadJobs else {
                throw DeadJob.Refusal(count: dead.count)
            }
            print(try PlanRendering.githubMatrix(document), terminator: "")
        }
    }
}

/// `gpuci plan show`: the files of one job, one per line (what a CI step runs).
struct PlanShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one partition's files, one per line.")

    @OptionGroup var selection: PlanSelectionOptions
    @OptionGroup var algorithm: PlanAlgorithmOptions
    @OptionGroup var estimates: HistoryEstimateOptions
    @OptionGroup var database: HistoryDatabaseOptions

    @Option(parsing: .unconditional, help: "0-based partition index.")
    var partition: Int

    @Option(parsing: .unconditional, help: "The number of partitions.")
    var of: Int

    func validate() throws {
        guard (1...PartitionOptions.maximumPartitions).contains(of) else {
            throw ValidationError("--of must be from 1 to \(PartitionOptions.maximumPartitions)")
        }
        guard (0..<of).contains(partition) else { throw ValidationError("--partition must be in 0..<\(of)") }
        guard selection.suite != nil else { throw ValidationError("--suite is required") }
    }

    func run() throws {
        let registrations = try estimates.planningRegistrations(selection.loadRegistrations(), database: database, selection: selection)
        let keys = try selection.selectedSuites(in: registrations)
        guard keys.count == 1, let key = keys.first else {
            throw ValidationError("suite \(selection.suite ?? "") exists for backends \(keys.map(\.backend).joined(separator: ", ")): give --backend")
        }
        let plan = SuitePlanner.plan(registrations, key: key, partitions: of, algorithm: algorithm.algorithm,
                                     options: algorithm.partitionOptions)
        for file in plan.partitions[partition].files { print(file) }
    }
}

/// A matrix job that cannot pass: it names no runner (no suites-file entry), its predicted wall
/// time (the history's p50 with overhead, else Σ est_time) is over its step timeout, or it has
/// no file to run.
struct DeadJob: CustomStringConvertible {
    var backend: String
    var suite: String
    var partition: Int
    var of: Int
    var reason: String

    var description: String { "\(backend)/\(suite) partition \(partition) of \(of): \(reason)" }

    /// The matrix is not written.
    struct Refusal: Error, CustomStringConvertible {
        var count: Int
        var description: String {
            "\(count) job\(count == 1 ? "" : "s") of the matrix cannot pass (listed above); fix the suites file, or pass --allow-dead-jobs to write it anyway"
        }
    }

    static func find(in document: PlanDocument) -> [DeadJob] {
        var dead: [DeadJob] = []
        for suite in document.suites {
            let empty = suite.partitions.allSatisfy { $0.files.isEmpty }
            for partition in suite.partitions {
                func add(_ reason: String) {
                    dead.append(DeadJob(backend: suite.backend, suite: suite.suite, partition: partition.index,
                                        of: suite.partitions.count, reason: reason))
                }
                if partition.files.isEmpty {
                    add(empty ? "the suite has no enabled file" : "nothing to run (more partitions than files)")
                    continue
                }
                if suite.runner == nil { add("no runner label (the suites file has no entry or default for it)") }
                guard let minutes = suite.timeoutMinutes else { continue }
                let forecast = suite.forecast?.partitions.first { $0.index == partition.index }
                let predicted = forecast?.p50Seconds ?? partition.estSeconds
                if predicted > Double(minutes * 60) {
                    let what = forecast == nil ? "Σ est_time" : "predicted wall time (p50, with overhead)"
                    add("\(what) \(PlanRendering.seconds(predicted.rounded())) is over the \(minutes) min timeout")
                }
            }
        }
        return dead
    }
}
