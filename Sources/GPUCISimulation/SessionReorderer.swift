import GPUCIPool
import GPUCITopology
import GPUCISupport

/// Searches for the order of a scenario's items that boots the fewest workers and ends soonest,
/// under pytest's constraints, by simulating each candidate.
///
/// Units that move: with a class-scoped `setup_backend`, the contiguous run of a class's items of one
/// backend (one fixture instance: splitting it would set the fixture up again); with a function-scoped
/// one, each item. Items inside a unit keep their order; a skipped item travels with the unit it
/// sits in (or alone, costing nothing). Candidates: the given order; the hand fix sglang's successor
/// applied (units clustered by backend and model, first-seen order); a greedy chain of clusters by
/// shared workers; then pairwise swaps and moves of clusters while they improve, within a fixed
/// budget of simulations. The best by (launches, evictions, wall) among the orders with no more
/// launches and no longer wall than the given one wins, so the result is never worse than it.
public enum SessionReorderer {
    /// One evaluated order.
    public struct Candidate: Sendable {
        /// How it was made: `given`, `cluster by backend, model`, `search`.
        public var name: String
        /// The items in this order.
        public var order: [String]
        /// The simulated session.
        public var summary: SessionSummary
    }

    /// The search's outcome: every named candidate and the best, with the lower bound on launches.
    public struct Outcome: Sendable {
        /// The given order, the hand fix and the search's best, in that order.
        public var candidates: [Candidate]
        /// The best candidate (the given order when nothing beats it).
        public var best: Candidate
        /// Launches no order in which every running item runs can go below (``launchLowerBound(_:gpus:width:)``).
        public var launchLowerBound: Int
        /// The part of ``launchLowerBound`` above one launch per distinct worker: groups of workers
        /// held together pairwise that do not fit on the GPUs at once.
        public var forcedRelaunches: Int
        /// Simulations run.
        public var evaluations: Int
    }

    /// The most simulations one search runs (deterministic budget, not a clock).
    public static let defaultBudget = 400

    /// Reorders `scenario` on `topology`.
    public static func search(_ scenario: Scenario, topology: Topology, catalog: ModelCatalog,
                              eviction: EvictionPolicy = .mru, allocation: AllocationPolicy = .ordered,
                              profile: SessionProfile? = nil, budget: Int = defaultBudget) throws(InputError) -> Outcome {
        let units = Self.units(scenario)
        let prepared = try PreparedScenario(scenario, catalog: catalog)
        var evaluations = 0
        func evaluate(_ name: String, _ unitOrder: [Int]) throws(InputError) -> Candidate {
            evaluations += 1
            var candidate = scenario
            candidate.tests = unitOrder.flatMap { units[$0].items }
            let result = SessionSimulator.run(PreparedScenario(checked: candidate, catalog: prepared.catalog), topology: topology,
                                              eviction: eviction, allocation: allocation, profile: profile)
            if let error = result.collectionError { throw InputError(error, file: scenario.file, key: "tests") }
            return Candidate(name: name, order: candidate.tests.map(\.id), summary: SessionSummary(result))
        }
        func better(_ a: Candidate, than b: Candidate) -> Bool {
            (a.summary.launches, a.summary.evictions, a.summary.wallSeconds) < (b.summary.launches, b.summary.evictions, b.summary.wallSeconds)
        }

        let given = try evaluate("given", Array(units.indices))
        // Only orders at least as good as the given one on both launches and wall may win.
        func admissible(_ candidate: Candidate) -> Bool {
            candidate.summary.launches <= given.summary.launches && candidate.summary.wallSeconds <= given.summary.wallSeconds
        }
        let handClusters = Self.clusters(units) { $0.handKey }
        let hand = try evaluate("cluster by backend, model", handClusters.flatMap { $0 })
        var best = admissible(hand) && better(hand, than: given) ? hand : given

        // Search over clusters of units needing the same workers, starting from a greedy chain.
        let clusters = Self.clusters(units) { $0.workerKey }
        var order = Self.greedyChain(clusters, units: units)
        var current = try evaluate("search", order.flatMap { clusters[$0] })
        var improved = true
        while improved, evaluations < budget {
            improved = false
            search: for i in order.indices {
                for j in order.indices where j != i {
                    guard evaluations < budget else { break search }
                    var trial = order
                    let moved = trial.remove(at: i)
                    trial.insert(moved, at: j)
                    let candidate = try evaluate("search", trial.flatMap { clusters[$0] })
                    if admissible(candidate) || !admissible(current), better(candidate, than: current) {
                        (order, current, improved) = (trial, candidate, true)
                        continue search
                    }
                }
            }
        }
        if admissible(current), better(current, than: best) { best = current }
        let bound = launchLowerBound(units, gpus: topology.devices.count) { key in
            prepared.catalog[String(key.split(separator: ":", maxSplits: 1).first ?? Substring(key))]?.tp ?? 1
        }
        return Outcome(candidates: [given, hand, current], best: best, launchLowerBound: bound.workers + bound.forced,
                       forcedRelaunches: bound.forced, evaluations: evaluations)
    }

    /// Launches no order can go below when every running item runs: each distinct worker the items
    /// need, once, plus one per group of workers (found greedily, no worker in two groups) that are
    /// pairwise held together by some item but do not fit on the `gpus` GPUs all at once (`width`:
    /// a worker's GPUs). A worker launched once is up over one stretch of the session; stretches that
    /// meet pairwise share a moment (Helly's theorem on a line), when the whole group would be up —
    /// so one of the group launches twice. Items whose own workers do not fit are left out (they
    /// cannot run).
    static func launchLowerBound(_ units: [Unit], gpus: Int, width: (String) -> Int) -> (workers: Int, forced: Int) {
        var workers: Set<String> = []
        var together: [String: Set<String>] = [:]
        for unit in units {
            for item in unit.items where item.skip == nil {
                let keys = Set(unit.keys(of: item))
                guard keys.reduce(0, { $0 + width($1) }) <= gpus else { continue }
                workers.formUnion(keys)
                for key in keys { together[key, default: []].formUnion(keys.subtracting([key])) }
            }
        }
        var grouped: Set<String> = []
        var forced = 0
        for first in workers.sorted() where !grouped.contains(first) {
            var group = [first]
            var total = width(first)
            for next in (together[first] ?? []).sorted() where total <= gpus && !grouped.contains(next) {
                if group.allSatisfy({ together[$0]?.contains(next) == true }) {
                    group.append(next)
                    total += width(next)
                }
            }
            if total > gpus {
                forced += 1
                grouped.formUnion(group)
            }
        }
        return (workers.count, forced)
    }

    /// A group of items that moves as one.
    struct Unit {
        var items: [TestItem]
        var fixtureModel: String
        /// Backend and model of the unit's fixture (the hand fix's key).
        var handKey: String {
            let item = items.first { $0.skip == nil } ?? items[0]
            return "\(item.setupBackend ?? "-")|\(item.markers.model ?? fixtureModel)"
        }
        /// The workers the unit's running items ask for, sorted.
        var workerKey: String {
            Set(items.filter { $0.skip == nil }.flatMap { keys(of: $0) }).sorted().joined(separator: ",")
        }
        func keys(of item: TestItem) -> [String] {
            NextUseIndex.keys(of: item, fixtureModel: item.markers.model ?? fixtureModel)
        }
    }

    static func units(_ scenario: Scenario) -> [Unit] {
        let fixtureModel = scenario.env["E2E_MODEL"].flatMap { $0.isEmpty ? nil : $0 } ?? Scenario.defaultModel
        let perItem = scenario.setupBackendScope == .function
        var units: [Unit] = []
        for item in scenario.tests {
            if !perItem, let last = units.last?.items.last, let backend = item.setupBackend,
               last.setupBackend == backend, last.classNode == item.classNode {
                units[units.count - 1].items.append(item)
            } else {
                units.append(Unit(items: [item], fixtureModel: fixtureModel))
            }
        }
        return units
    }

    /// Unit indices grouped by `key`, groups in first-seen order, units in given order within.
    static func clusters(_ units: [Unit], key: (Unit) -> String) -> [[Int]] {
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (index, unit) in units.enumerated() {
            let name = key(unit)
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(index)
        }
        return order.map { groups[$0] ?? [] }
    }

    /// Clusters chained so that each next one shares the most workers with the one before (ties:
    /// first seen), starting from the first.
    static func greedyChain(_ clusters: [[Int]], units: [Unit]) -> [Int] {
        let keys = clusters.map { cluster in Set(cluster.flatMap { index in units[index].workerKey.split(separator: ",").map(String.init) }) }
        guard !clusters.isEmpty else { return [] }
        var remaining = Array(clusters.indices.dropFirst())
        var chain = [0]
        while !remaining.isEmpty {
            let last = keys[chain[chain.count - 1]]
            var pick = 0
            var shared = -1
            for (position, candidate) in remaining.enumerated() {
                let overlap = keys[candidate].intersection(last).count
                if overlap > shared { (pick, shared) = (position, overlap) }
            }
            chain.append(remaining.remove(at: pick))
        }
        return chain
    }
}
