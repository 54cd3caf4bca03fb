import ArgumentParser
import Foundation
import GPUCIData
import GPUCIPool
import GPUCISimulation
import GPUCISupport
import GPUCITopology

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

    @Option(name: .long, help: "Eviction policy or policies: mru (reference), lru, belady, slots[:N] (smg's slot pool, N = 1 by default). Default: the scenario's eviction, else mru.")
    var eviction: String?

    @Option(name: .long, help: "Allocation policy or policies: ordered (reference), ffd, topology.")
    var allocation: String = "ordered"

    @Option(name: .long, help: "Reference era: anchor (sglang 2026-01-07: a test needing more GPUs than the runner aborts) or later (smg: such tests are skipped). Default: detected from the scenario (later when setup_backend is function-scoped).")
    var profile: SessionProfile?

    @Option(name: .long, help: "Output format: table or json.")
    var format: ReportFormat = .table

    @Flag(name: .long, help: "Search for the item order with the fewest launches and the shortest wall (class fixture instances kept together); compare with the given order and the hand fix (cluster by backend, model).")
    var reorder = false

    @Option(name: .long, help: "With --reorder: write the best order, one node id a line (pytest --gpuci-order), to FILE (- for standard output).")
    var orderOut: String?

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
        let evictions = try SimulateRun.list(eviction ?? parsed.eviction?.rawValue ?? EvictionPolicy.mru.rawValue).map { name throws(InputError) -> EvictionPolicy in
            guard let policy = EvictionPolicy(rawValue: name) else {
                throw InputError("unknown eviction policy '\(name)' (expected mru, lru, belady, slots or slots:N with N ≥ 1)")
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
        if reorder {
            guard let (topologyName, evictionPolicy, allocationPolicy) = combinations.first, combinations.count == 1,
                  trace == nil, svg == nil, html == nil else {
                throw ValidationError("--reorder needs a single topology, eviction and allocation, and no --trace/--svg/--html")
            }
            try runReorder(parsed, topology: topologyName, eviction: evictionPolicy, allocation: allocationPolicy)
            return
        }
        guard orderOut == nil else { throw ValidationError("--order-out needs --reorder") }
        var topologyOf: [String: Topology] = [:]
        for name in topologies where topologyOf[name] == nil {
            topologyOf[name] = try SessionSimulator.loadTopology(name, for: parsed)
        }
        let prepared = try PreparedScenario(parsed, catalog: ModelCatalog.bundled())
        if combinations.count == 1, let (topologyName, evictionPolicy, allocationPolicy) = combinations.first {
            let result = SessionSimulator.run(prepared, topology: topologyOf[topologyName]!, eviction: evictionPolicy,
                                                  allocation: allocationPolicy, profile: profile)
            CommandTopology.warn(topologyName, notes: result.topologyNotes)
            if let error = result.collectionError { throw InputError(error, file: parsed.file, key: "tests") }
            if let trace { try outputs.write(ChromeTrace.render(result), to: trace) }
            if let svg { try outputs.write(GanttChart.svg(result), to: svg) }
            if let html { try outputs.write(GanttChart.html(result), to: html) }
            switch format {
            case .json: outputs.report(SessionReport(result).json())
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
            let result = SessionSimulator.run(prepared, topology: topologyOf[topologyName]!, eviction: evictionPolicy,
                                                  allocation: allocationPolicy, profile: profile)
            if warned.insert(topologyName).inserted { CommandTopology.warn(topologyName, notes: result.topologyNotes) }
            rows.append(SessionSummary(result))
        }
        switch format {
        case .json:
            struct Comparison: Encodable { var runs: [SessionSummary] }
            do { print(try JSONOutput.string(Comparison(runs: rows))) } catch { throw InputError("cannot encode the comparison: \(error)") }
        case .table: print(SimulateRun.comparisonTable(rows), terminator: "")
        }
    }
}


extension SimulateCommand {
    /// `--reorder`: the given order, the hand fix and the search's best, with the bound on launches.
    func runReorder(_ scenario: Scenario, topology name: String, eviction: EvictionPolicy, allocation: AllocationPolicy) throws {
        let topology = try SessionSimulator.loadTopology(name, for: scenario)
        let outcome = try SessionReorderer.search(scenario, topology: topology, catalog: ModelCatalog.bundled(),
                                                  eviction: eviction, allocation: allocation, profile: profile)
        let outputs = try CommandOutput([("--order-out", orderOut)])
        if let orderOut {
            try outputs.write("# gpuci simulate --reorder: \(outcome.best.name) order of \(scenario.name) on \(name)\n"
                + outcome.best.order.map { $0 + "\n" }.joined(), to: orderOut)
        }
        let gap = outcome.best.summary.launches - outcome.launchLowerBound
        switch format {
        case .json:
            struct Row: Encodable { var name: String; var wallSeconds: Double; var launches: Int; var evictions: Int; var workerWaitSeconds: Double }
            struct Document: Encodable {
                var candidates: [Row]; var best: String; var launchLowerBound: Int; var forcedRelaunches: Int; var launchGap: Int
                var evaluations: Int; var order: [String]
            }
            let rows = outcome.candidates.map { Row(name: $0.name, wallSeconds: $0.summary.wallSeconds, launches: $0.summary.launches,
                                                    evictions: $0.summary.evictions, workerWaitSeconds: $0.summary.workerWaitSeconds) }
            outputs.report(try JSONOutput.string(Document(candidates: rows, best: outcome.best.name, launchLowerBound: outcome.launchLowerBound,
                                                           forcedRelaunches: outcome.forcedRelaunches, launchGap: gap,
                                                           evaluations: outcome.evaluations, order: outcome.best.order)) + "\n")
        case .table:
            let given = outcome.candidates[0].summary
            var table = [["order", "wall", "launches", "evictions", "worker wait", "vs given"]]
            for candidate in outcome.candidates {
                let s = candidate.summary
                table.append([candidate.name, SimulateRun.clock(s.wallSeconds), "\(s.launches)", "\(s.evictions)", SimulateRun.clock(s.workerWaitSeconds),
                              candidate.name == "given" ? "" : "\(s.launches - given.launches) launches, \(SimulateRun.clock(abs(s.wallSeconds - given.wallSeconds))) \(s.wallSeconds <= given.wallSeconds ? "shorter" : "longer")"])
            }
            var text = "\(scenario.name) on \(name), \(eviction.rawValue) eviction, \(outcome.evaluations) orders simulated\n"
            text += HistoryRendering.table(table, rightAligned: 1...4)
            text += "best: \(outcome.best.name); lower bound on launches \(outcome.launchLowerBound) (each distinct worker the running items need, once"
                + (outcome.forcedRelaunches > 0 ? ", plus \(outcome.forcedRelaunches) for workers held together that do not fit at once" : "")
                + "): gap \(gap)\n"
            outputs.report(text)
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

    /// A duration as gpuci writes one (``DurationText/clock(_:)``).
    static func clock(_ seconds: Double) -> String { DurationText.clock(seconds) }
}
