import ArgumentParser
import Foundation
import GPUCIData
import GPUCIPlanner
import GPUCISupport

/// Every problem of a registry source, one per line.
struct RegistryProblemsError: Error, CustomStringConvertible {
    var problems: [InputError]

    var description: String {
        problems.map(\.description).joined(separator: "\n") + "\n\(problems.count) registry problem\(problems.count == 1 ? "" : "s")"
    }
}

/// The options that choose a registry and the suites in it.
struct PlanSelectionOptions: ParsableArguments {
    @Option(help: "A source tree (sglang's test/ or a repository root) or a registry CSV. Default: the bundled sglang registry.")
    var registry: String?

    @OptionGroup var rules: RegistryRulesOptions

    @Option(help: "Only this backend (cpu, cuda, amd, npu, xpu, musa, mlx).")
    var backend: String?

    @Option(help: "Only this suite.")
    var suite: String?

    @Flag(help: "Plan the nightly registrations instead of the per-commit ones.")
    var nightly = false

    /// Loads the registry: a folder is scanned, a file read as CSV.
    func loadRegistrations() throws -> [Registration] {
        try PlanRegistry.load(registry, rules: rules)
    }

    /// The suites with registrations that match the filters, sorted.
    func selectedSuites(in registrations: [Registration]) throws -> [SuiteKey] {
        if let backend, !RegistrationReader.backends.contains(backend) {
            throw ValidationError("unknown backend '\(backend)' (expected one of \(RegistrationReader.backends.joined(separator: ", ")))\(Suggestion.phrase(for: backend, among: RegistrationReader.backends))")
        }
        let keys = SuiteKey.all(in: registrations).filter { key in
            key.nightly == nightly && (backend.map { $0 == key.backend } ?? true) && (suite.map { $0 == key.suite } ?? true)
        }
        guard !keys.isEmpty else {
            let what = [backend.map { "backend \($0)" }, suite.map { "suite \($0)" }, nightly ? "nightly" : "per-commit"]
                .compactMap { $0 }.joined(separator: ", ")
            let near = suite.map { suite in
                Suggestion.phrase(for: suite, among: Set(SuiteKey.all(in: registrations).filter { key in
                    key.nightly == nightly && (backend.map { $0 == key.backend } ?? true)
                }.map(\.suite)).sorted())
            } ?? ""
            throw InputError("no registrations match \(what) in \(registry ?? "the bundled registry")\(near)")
        }
        return keys
    }
}

/// The options of the partitioning algorithm.
struct PlanAlgorithmOptions: ParsableArguments {
    @Option(help: "sglang (the reference LPT) or optimal (never worse; certified).")
    var algorithm: PartitionAlgorithm = .optimal

    @Option(parsing: .unconditional, help: "Exact-search nodes per search phase for --algorithm optimal (a deterministic budget, not a clock).")
    var searchNodes: Int = PartitionOptions.defaultSearchNodeBudget

    var partitionOptions: PartitionOptions { PartitionOptions(searchNodeBudget: searchNodes) }

    func validate() throws {
        guard searchNodes >= 0 else { throw ValidationError("--search-nodes must be 0 or more") }
    }
}


/// Reading registries and suites files for the plan commands.
enum PlanRegistry {
    static let bundledRegistry = "Scenarios/ci/sglang-registry.csv"

    /// The registrations of `path`: a folder scanned by `rules` (`nil`: a command without
    /// `--rules`, which reads the tree by `auto`), a file read as CSV, or (for `nil`) the bundled
    /// registry; `--rules` with anything but a folder is an error.
    static func load(_ path: String?, rules: RegistryRulesOptions?) throws -> [Registration] {
        guard let path else {
            try rules?.requireTree(nil)
            return try RegistryCSV.read(path: BundledData.url(bundledRegistry).path)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError("no such file or folder", file: path)
        }
        if isDirectory.boolValue {
            let scan = try RegistryRulesOptions.scan(path, choice: rules?.choice() ?? .auto)
            guard scan.problems.isEmpty else { throw RegistryProblemsError(problems: scan.problems) }
            return scan.registrations
        }
        try rules?.requireTree(path)
        return try RegistryCSV.read(path: path)
    }

    /// The suites file `path`; without one, the bundled file for the bundled registry and none
    /// for a registry of the user's (the bundled file describes sglang's CI of that registry).
    static func suitesConfig(_ path: String?, registry: String?) throws -> SuitesConfig? {
        if let path { return try SuitesConfig.read(path: path) }
        guard registry == nil else { return nil }
        return try SuitesConfig.parse(BundledData.text(SuitesConfig.bundledPath), file: SuitesConfig.bundledPath)
    }
}

/// A duration such as `30m`, `90s`, `1h` or `1h30m`.
struct PlanDuration: ExpressibleByArgument, Sendable {
    var seconds: Double

    init?(argument: String) {
        var total = 0.0
        var number = ""
        var sawUnit = false
        for character in argument {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, DurationLimit.accepts(total) else { return nil }
        seconds = total
    }

    static var defaultCompletionKind: CompletionKind { .default }

    var defaultValueDescription: String {
        seconds == seconds.rounded() ? "\(Int64(seconds))s" : "\(seconds)s"
    }
}
