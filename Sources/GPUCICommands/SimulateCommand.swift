import ArgumentParser
import Foundation
import GPUCIData
import GPUCIPool
import GPUCISimulation
import GPUCISupport

/// `gpuci simulate SCENARIO`: runs a whole gateway e2e pytest session on a virtual clock.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a gateway e2e test session: pool startup, fixtures, eviction, gateways, tests.",
        discussion: """
        SCENARIO is a scenario file (YAML or JSON; see Scenarios/README.md) or the name of a bundled one \
        (gateway-e2e, gateway-benchmarks, …). Comma lists in --topology, --eviction and --allocation \
        compare every combination, one row each.
        Example: gpuci simulate gateway-e2e --topology a10-4,h200-8 --eviction mru,belady
        """
    )

    @Argument(help: "A scenario file, or the name of a bundled scenario.")
    var scenario: String

    @Option(name: .long, help: "Topology reference(s), comma-separated (default: the scenario's).")
    var topology: String?

    @Option(name: .long, help: "Eviction policy or policies: mru (reference), lru, belady.")
    var eviction: String = "mru"

    @Option(name: .long, help: "Allocation policy or policies: ordered (reference), ffd, topology.")
    var allocation: String = "ordered"

    @Option(name: .long, help: "Reference era: anchor (sglang 2026-01-07: a test needing more GPUs than the runner aborts) or later (smg: such tests are skipped). Default: detected from the scenario (later when setup_backend is function-scoped).")
    var profile: SessionProfile?

    @Option(name: .long, help: "Output format: table or json.")
    var format: ReportFormat = .table

    @Option(name: .long, help: "Write a Chrome trace (JSON) of the session to FILE.")
    var trace: String?

    @Option(name: .long, help: "Write a Gantt chart (SVG) of GPU occupancy and tests to FILE.")
    var svg: String?

    @Option(name: .long, help: "Write an HTML report with the Gantt chart and the tests to FILE.")
    var html: String?

    func run() throws {
        let parsed = try SimulateRun.loadScenario(scenario)
        let outputs = try CommandOutput([("--trace", trace), ("--svg", svg), ("--html", html)])
        for (option, output) in [("--trace", trace), ("--svg", svg), ("--html", html)] {
            if let output, output != "-" { try AtomicFile.refuseOverwriting([parsed.file, scenario], with: output, option: option) }
        }
        let topologies = topology.map(SimulateRun.list) ?? [parsed.topology]
        let evictions = try SimulateRun.list(eviction).map { name throws(InputError) -> EvictionPolicy in
            guard let policy = EvictionPolicy(rawValue: name) else {
                throw InputError("unknown eviction policy '\(name)' (expected mru, lru or belady)")
            }
            return policy
        }
        let allocations = try SimulateRun.list(allocation).map { name throws(InputError) -> AllocationPolicy in
            guard let policy = AllocationPolicy(rawValue: name) else {
                throw InputError("unknown allocation policy '\(name)' (expected ffd, ordered or topology)")
            }
            return policy
        }
        let combinations = topologies.flatMap { t in evictions.flatMap { e in allocations.map { a in (t, e, a) } } }
        if combinations.count == 1, let (topologyName, evictionPolicy, allocationPolicy) = combinations.first {
            let result = try SessionSimulator.run(parsed, topologyOverride: topologyName, eviction: evictionPolicy,
                                                  allocation: allocationPolicy, profile: profile)
            CommandTopology.warn(topologyName, notes: result.topologyNotes)
            if let error = result.collectionError { throw InputError(error, file: parsed.file, key: "tests") }
            if let trace { try outputs.write(ChromeTrace.render(result), to: trace) }
            if let svg { try outputs.write(GanttChart.svg(result), to: svg) }
            if let html { try outputs.write(GanttChart.html(result), to: html) }
            switch format {
            case .json: outputs.report(try SessionReport(result).json())
            case .table: outputs.report(SessionSummary(result).table(setupWaits: result.tests))
            }
            return
        }
        guard trace == nil, svg == nil, html == nil else {
            throw ValidationError("--trace, --svg and --html need a single topology, eviction and allocation")
        }
        var rows: [SessionSummary] = []
        var warned: Set<String> = []
        for (topologyName, evictionPolicy, allocationPolicy) in combinations {
            let result = try SessionSimulator.run(parsed, topologyOverride: topologyName, eviction: evictionPolicy,
                                                  allocation: allocationPolicy, profile: profile)
            if warned.insert(topologyName).inserted { CommandTopology.warn(topologyName, notes: result.topologyNotes) }
            rows.append(SessionSummary(result))
        }
        switch format {
        case .json:
            do { print(try JSONOutput.string(rows)) } catch { throw InputError("cannot encode the comparison: \(error)") }
        case .table: print(SimulateRun.comparisonTable(rows), terminator: "")
        }
    }
}


extension SessionProfile: ExpressibleByArgument {}

/// Helpers shared by `simulate` and its tests.
enum SimulateRun {
    /// Splits a comma list, dropping blanks.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A scenario path, or a bundled scenario's name (`gateway-e2e` → `Scenarios/gateway-e2e.yaml`).
    static func loadScenario(_ reference: String) throws(InputError) -> Scenario {
        if FileManager.default.fileExists(atPath: reference) || reference.contains("/") {
            return try ScenarioParser.load(path: reference)
        }
        let name = reference.hasSuffix(".yaml") ? reference : "\(reference).yaml"
        let bundled = try BundledData.files(in: "Scenarios", withExtension: "yaml")
        guard bundled.contains(name), name != "models.yaml" else {
            let names = bundled.filter { $0 != "models.yaml" }.map { String($0.dropLast(5)) }
            throw InputError("no scenario file '\(reference)' and no bundled scenario of that name (bundled: "
                + names.joined(separator: ", ") + ")" + Suggestion.phrase(for: String(name.dropLast(5)), among: names))
        }
        return try ScenarioParser.load(path: BundledData.url("Scenarios/\(name)").path)
    }

    /// One row per combination.
    static func comparisonTable(_ rows: [SessionSummary]) -> String {
        let header = ["topology", "eviction", "allocation", "wall", "launches", "evictions", "worker wait", "GPU busy", "failed", "skipped"]
        var table = [header]
        for row in rows {
            if let error = row.collectionError {
                table.append([row.topology, row.eviction, row.allocation, "does not fit: \(error.prefix(60))", "", "", "", "", "", ""])
                continue
            }
            table.append([row.topology, row.eviction, row.allocation, clock(row.wallSeconds), "\(row.launches)", "\(row.evictions)",
                          clock(row.workerWaitSeconds), String(format: "%.1f%%", row.gpuBusyPercent), "\(row.failed.count)", "\(row.skipped.count)"])
        }
        var widths = Array(repeating: 0, count: header.count)
        for line in table { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return table.map { line in
            line.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%dh%02dm%02ds", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%dm%02ds", total / 60, total % 60)
    }
}
