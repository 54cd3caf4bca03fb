import GPUCIAllocation
import GPUCISupport
import GPUCITopology

extension PoolTrace {
    /// Replays the trace on a fresh pool, one result per operation; an operation's line number is its
    /// virtual time `now`. With ``EvictionPolicy/belady`` the pool is told, before each operation, the
    /// line of the next operation that names each worker key.
    ///
    /// - Parameter topology: replaces the header's `gpus` (and its NICs the header's `nics`) when given.
    /// - Throws: `InputError` when there are GPUs neither in the header nor from `topology`. Operational
    ///   refusals (not enough GPUs, unknown key, …) are results, not errors.
    public func replay(topology: Topology? = nil, placement: PlacementPolicy = .reference, eviction: EvictionPolicy = .mru,
                       requireRDMA: Bool = false) throws(InputError) -> [PoolTraceResult] {
        var pool = try makePool(topology: topology, placement: placement, eviction: eviction, requireRDMA: requireRDMA)
        let nextUse = eviction == .belady ? nextUseMaps() : []
        var results: [PoolTraceResult] = []
        results.reserveCapacity(steps.count)
        for (position, step) in steps.enumerated() {
            if eviction == .belady { pool.setNextUse(nextUse[position]) }
            results.append(Self.apply(step, to: &pool))
        }
        return results
    }

    /// The pool a replay starts from.
    ///
    /// - Throws: `InputError` when there are GPUs neither in the header nor from `topology`.
    public func makePool(topology: Topology?, placement: PlacementPolicy = .reference, eviction: EvictionPolicy = .mru,
                         requireRDMA: Bool = false) throws(InputError) -> ModelPool {
        if let topology {
            return ModelPool(topology: topology, catalog: catalog, placement: placement, eviction: eviction,
                             requireRDMA: requireRDMA)
        }
        guard let gpus else {
            throw InputError("the trace has no `gpus` header line; give one or pass a topology (--topology)", file: file, line: 1, key: "gpus")
        }
        return ModelPool(gpus: gpus, nics: nics, catalog: catalog, placement: placement, eviction: eviction,
                         requireRDMA: requireRDMA)
    }

    /// Applies one step to `pool` at virtual time `step.line`.
    public static func apply(_ step: Step, to pool: inout ModelPool) -> PoolTraceResult {
        let now = Double(step.line)
        do throws(PoolError) {
            switch step.operation {
            case let .startup(identities):
                return result(pool.startup(identities, now: now))
            case let .get(model, mode, type):
                let (instance, outcome) = try pool.get(model: model, mode: mode, type: type, now: now)
                return PoolTraceResult(instances: [.init(key: instance.key, gpus: instance.gpus)], evicted: outcome.evicted)
            case let .launchWorkers(identities):
                return result(try pool.launchWorkers(identities, now: now))
            case let .acquire(key):
                try pool.acquire(key, now: now)
            case let .release(key):
                try pool.release(key)
            case let .remove(key):
                guard pool.remove(key) != nil else { throw PoolError(.unknownKey, "no worker '\(key)' to remove") }
            case let .markHealthy(key):
                guard pool.markHealthy(key) else { throw PoolError(.unknownKey, "no worker '\(key)' to mark healthy") }
            }
            return PoolTraceResult()
        } catch {
            return PoolTraceResult(evicted: error.evicted, error: error.message)
        }
    }

    private static func result(_ outcome: PoolOutcome) -> PoolTraceResult {
        PoolTraceResult(instances: outcome.launched.map { .init(key: $0.key, gpus: $0.gpus) }, evicted: outcome.evicted)
    }

    /// For each step, key → line of the next later step naming that key.
    func nextUseMaps() -> [[String: Int]] {
        var maps = Array(repeating: [String: Int](), count: steps.count)
        var next: [String: Int] = [:]
        for position in steps.indices.reversed() {
            maps[position] = next
            for key in steps[position].operation.keys { next[key] = steps[position].line }
        }
        return maps
    }
}
