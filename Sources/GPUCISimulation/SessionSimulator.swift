import GPUCIAllocation
import GPUCIPool
import GPUCISupport
import GPUCITopology

/// How `gpuci simulate` places workers: the CLI's `--allocation` words.
public enum AllocationPolicy: String, Sendable, Hashable, CaseIterable {
    /// Pre-launch requirements sorted first-fit decreasing by memory (the pool before #16618).
    case ffd
    /// Pre-launch in first-seen test order (the reference at the anchor).
    case ordered
    /// First-seen order with topology-aware placement.
    case topology

    /// The pool's placement policy for this choice.
    public var placement: PlacementPolicy { self == .topology ? .topology : .reference }
}

/// A scenario with its model overrides applied to the catalog and checked against it
/// (``ScenarioValidator``) once: every topology, policy and item order runs from it.
public struct PreparedScenario: Sendable {
    /// The scenario as checked.
    public let scenario: Scenario
    /// The catalog with the scenario's model overrides applied.
    public let catalog: ModelCatalog
    /// The collection scan under the scenario's own profile, made once for every run that uses
    /// that profile and skips no further item (nil for a reordered copy: its first-seen order differs).
    let scan: (profile: SessionProfile, scan: CollectionScan)?

    /// Applies `scenario`'s model overrides to `catalog`, validates it and scans it.
    ///
    /// - Throws: `InputError` for an unknown model or backend, or a test asking for two gateway modes.
    public init(_ scenario: Scenario, catalog: ModelCatalog) throws(InputError) {
        let catalog = catalog.replacing(scenario.models.map { $0.applied(to: catalog[$0.id]) })
        try ScenarioValidator.validate(scenario, catalog: catalog)
        self.scenario = scenario
        self.catalog = catalog
        let profile = scenario.resolvedProfile
        self.scan = (profile, SessionSimulator.scan(scenario, profile: profile, catalog: catalog))
    }

    /// A scenario known to be valid against `catalog` (overrides applied): the same items as a
    /// checked one, in another order.
    init(checked scenario: Scenario, catalog: ModelCatalog) {
        self.scenario = scenario
        self.catalog = catalog
        self.scan = nil
    }

    /// The same items in another order (validation does not depend on order).
    ///
    /// - Precondition: `order` is a permutation of the scenario's item positions.
    public func reordered(_ order: [Int]) -> PreparedScenario {
        precondition(order.count == scenario.tests.count, "an order lists every item once")
        var copy = scenario
        copy.tests = order.map { scenario.tests[$0] }
        return PreparedScenario(checked: copy, catalog: catalog)
    }
}

/// Simulates a whole pytest session of the gateway e2e suite on a virtual clock.
///
///     let scenario = try ScenarioParser.load(path: "Scenarios/gateway-e2e.yaml")
///     let result = try SessionSimulator.run(scenario, topology: TopologyLoader.load("4x23028MiB"),
///                                           catalog: ModelCatalog.bundled())
///     result.evictedKeys   // which worker went when
public enum SessionSimulator {
    /// Runs `scenario` on `topology` with the scenario's model overrides applied to `catalog`.
    ///
    /// - Throws: `InputError` when the scenario names an unknown model or backend, or a test asks
    ///   for two gateway modes. A test that needs more GPUs than the runner has is not an error:
    ///   the result carries `collectionError` (the reference aborts collection) and runs nothing.
    ///
    /// `profile` (default: the scenario's, see ``Scenario/resolvedProfile``) picks the era's rules:
    /// `anchor` aborts on a test needing more GPUs than the runner has; `later` skips such tests
    /// and scans only the running items' own backends.
    public static func run(_ scenario: Scenario, topology: Topology, catalog: ModelCatalog,
                           eviction: EvictionPolicy = .mru, allocation: AllocationPolicy = .ordered,
                           profile: SessionProfile? = nil) throws(InputError) -> SessionResult {
        run(try PreparedScenario(scenario, catalog: catalog), topology: topology, eviction: eviction,
            allocation: allocation, profile: profile)
    }

    /// Runs a scenario checked once (see ``PreparedScenario``): what a comparison of topologies and
    /// policies, or an order search, runs per combination.
    public static func run(_ prepared: PreparedScenario, topology: Topology,
                           eviction: EvictionPolicy = .mru, allocation: AllocationPolicy = .ordered,
                           profile: SessionProfile? = nil) -> SessionResult {
        let catalog = prepared.catalog
        let profile = profile ?? prepared.scenario.resolvedProfile
        var scenario = prepared.scenario
        var skippedMore = false
        if profile == .later, !scenario.skipsModelPool {
            skippedMore = skipTooLarge(&scenario, gpus: topology.devices.count, tp: { catalog[$0]?.tp })
        }
        let scan = prepared.scan.flatMap { $0.profile == profile && !skippedMore ? $0.scan : nil }
            ?? Self.scan(scenario, profile: profile, catalog: catalog)
        let overridden = scenario.environmentRequirements(catalog: catalog)
        // SKIP_MODEL_POOL, or an override naming no known model: a pool without GPUs (§4.5).
        let withoutGPUs = scenario.skipsModelPool || overridden?.isEmpty == true
        let requirements = withoutGPUs ? [] : overridden ?? scan.requirements
        var result = SessionResult(
            scenario: scenario.name, topology: topology.name,
            gpuNames: topology.devices.map { $0.model },
            eviction: eviction.rawValue, allocation: allocation.rawValue,
            requirements: requirements.map(\.key), maxTestGPUs: scan.maxTestGPUs, maxTestName: scan.maxTestName,
            events: [], tests: [], processedEvents: 0)
        result.topologyNotes = topology.unscheduledNotes
        result.profile = profile
        if !scenario.skipsModelPool, profile == .anchor {
            do {
                try scan.validate(availableGPUs: topology.devices.count)
            } catch {
                result.collectionError = error.description
                return result
            }
        }
        var engine = SessionEngine(scenario: scenario, catalog: catalog, topology: topology,
                                   eviction: eviction, allocation: allocation, requirements: requirements,
                                   withoutGPUs: withoutGPUs)
        engine.runSession()
        // The clock only moves forward and every event is recorded at `now`: the log is in order.
        result.events = engine.log
        result.tests = engine.outcomes
        result.processedEvents = engine.processed
        result.workerWait = engine.workerWait
        result.gatewayWait = engine.gatewayWait
        return result
    }

    /// The later rules' collection hook: an item needing more GPUs than the runner has is skipped.
    /// Returns whether it skipped any.
    @discardableResult
    static func skipTooLarge(_ scenario: inout Scenario, gpus: Int, tp: (String) -> Int?) -> Bool {
        var skipped = false
        for index in scenario.tests.indices where scenario.tests[index].skip == nil {
            let need = CollectionScan.gpus(of: scenario.tests[index], ownBackendOnly: true, tp: tp)
            if need > gpus {
                scenario.tests[index].skip = "needs \(need) GPUs, the runner has \(gpus)"
                skipped = true
            }
        }
        return skipped
    }

    /// The collection scan of `profile`: the later rules scan the running items' own backends only.
    static func scan(_ scenario: Scenario, profile: SessionProfile, catalog: ModelCatalog) -> CollectionScan {
        profile == .later
            ? CollectionScan(items: scenario.tests, ownBackendOnly: true, includingSkipped: false) { catalog[$0]?.tp }
            : CollectionScan(items: scenario.tests) { catalog[$0]?.tp }
    }

    /// Loads the topology (`override` or the scenario's) and the bundled catalog, then runs.
    public static func run(_ scenario: Scenario, topologyOverride: String? = nil, eviction: EvictionPolicy = .mru,
                           allocation: AllocationPolicy = .ordered, profile: SessionProfile? = nil) throws(InputError) -> SessionResult {
        let topology = try loadTopology(topologyOverride ?? scenario.topology, for: scenario)
        return try run(scenario, topology: topology, catalog: ModelCatalog.bundled(), eviction: eviction, allocation: allocation, profile: profile)
    }

    /// Loads the topology (`override` or the scenario's), then runs the prepared scenario.
    public static func run(_ prepared: PreparedScenario, topologyOverride: String? = nil, eviction: EvictionPolicy = .mru,
                           allocation: AllocationPolicy = .ordered, profile: SessionProfile? = nil) throws(InputError) -> SessionResult {
        let topology = try loadTopology(topologyOverride ?? prepared.scenario.topology, for: prepared.scenario)
        return run(prepared, topology: topology, eviction: eviction, allocation: allocation, profile: profile)
    }

    /// The topology `reference` names; a failure is reported against `scenario`'s file.
    public static func loadTopology(_ reference: String, for scenario: Scenario) throws(InputError) -> Topology {
        do {
            return try TopologyLoader.load(reference)
        } catch {
            throw InputError("topology '\(reference)': \(error.message)", at: error.location ?? SourceLocation(file: scenario.file, key: "topology"))
        }
    }
}
