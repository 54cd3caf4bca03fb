extension ModelPool {
    /// Idle instances (refCount 0) that `isCandidate` accepts, in the order ``eviction`` stops them.
    ///
    /// - Complexity: O(n log n) for n instances.
    public func evictionOrder(where isCandidate: (ModelInstance) -> Bool = { _ in true }) -> [ModelInstance] {
        candidates(where: isCandidate).compactMap { table[$0.key] }
    }

    /// Stops candidates in ``evictionOrder(where:)`` until `required` GPUs are free (by count);
    /// returns their keys. Nothing happens when enough are free already, nor when evicting every
    /// candidate would still leave too few (the reference evicted them anyway, then failed).
    mutating func evict(toFree required: Int, where isCandidate: (ModelInstance) -> Bool) -> [String] {
        var free = availableGPUCount
        guard free < required else { return [] }
        let order = candidates(where: isCandidate)
        guard free + order.reduce(0, { $0 + $1.gpuCount }) >= required else { return [] }
        var evicted: [String] = []
        for victim in order {
            if free >= required { break }
            remove(victim.key)
            free += victim.gpuCount
            evicted.append(victim.key)
        }
        return evicted
    }

    /// What the ordering reads of an instance, small enough to sort cheaply.
    private struct Candidate {
        var key: String
        var lastUsed: Double
        var lastUseOrder: Int
        var nextUse: Int
        var gpuCount: Int

        /// Most recently used first; `lastUseOrder` is unique, so the order is total.
        func isMoreRecent(than other: Candidate) -> Bool {
            lastUsed != other.lastUsed ? lastUsed > other.lastUsed : lastUseOrder > other.lastUseOrder
        }
    }

    private func candidates(where isCandidate: (ModelInstance) -> Bool) -> [Candidate] {
        var list: [Candidate] = []
        list.reserveCapacity(table.count)
        for instance in table.values where instance.refCount == 0 && isCandidate(instance) {
            list.append(Candidate(key: instance.key, lastUsed: instance.lastUsed, lastUseOrder: instance.lastUseOrder,
                                  nextUse: eviction == .belady ? nextUse[instance.key] ?? Int.max : 0,
                                  gpuCount: instance.slot?.gpuIDs.count ?? 0))
        }
        switch eviction {
        case .mru:
            list.sort { $0.isMoreRecent(than: $1) }
        case .lru:
            list.sort { $1.isMoreRecent(than: $0) }
        case .belady:
            list.sort { a, b in a.nextUse != b.nextUse ? a.nextUse > b.nextUse : a.isMoreRecent(than: b) }
        }
        return list
    }
}
