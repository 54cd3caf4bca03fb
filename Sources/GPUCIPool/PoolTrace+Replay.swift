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
        let future = eviction == .belady ? NextUses(steps) : nil
        if let future { pool.setNextUse(future.initial) }
        var results: [PoolTraceResult] = []
        results.reserveCapacity(steps.count)
        for (position, step) in steps.enumerated() {
            if let future, position > 0 {
                for (key, line) in future.changes(at: position) { pool.setNextUse(key, line) }
            }
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

    /// The next-use map before each step as changes: the map before step 0, then for each later
    /// step the keys it names with their next later line (only those change from one step to the next).
    struct NextUses {
        /// Key → line of the first step after step 0 naming it.
        var initial: [String: Int] = [:]
        /// Per step, its keys with the line of the next later step naming each (nil: none).
        private var following: [[(key: String, line: Int?)]]

        init(_ steps: [Step]) {
            following = Array(repeating: [], count: steps.count)
            var next: [String: Int] = [:]
            for position in steps.indices.reversed() {
                if position == 0 { initial = next }
                for key in steps[position].operation.keys where !following[position].contains(where: { $0.key == key }) {
                    following[position].append((key, next[key]))
                }
                for key in steps[position].operation.keys { next[key] = steps[position].line }
            }
        }

        /// The changes that turn the map before step `position - 1` into the map before `position`.
        func changes(at position: Int) -> [(key: String, line: Int?)] { following[position] }
    }
}
