extension ModelPool {
    /// Idle instances (refCount 0) that `isCandidate` accepts, in the order ``eviction`` stops them.
    ///
    /// - Complexity: O(n log n) for n instances.
    public func evictionOrder(where isCandidate: (ModelInstance) -> Bool = { _ in true }) -> [ModelInstance] {
        let candidates = instances.filter { $0.refCount == 0 && isCandidate($0) }
        let mostRecentFirst: (ModelInstance, ModelInstance) -> Bool = { a, b in
            a.lastUsed != b.lastUsed ? a.lastUsed > b.lastUsed : a.lastUseOrder > b.lastUseOrder
        }
        switch eviction {
        case .mru:
            return candidates.sorted(by: mostRecentFirst)
        case .lru:
            return candidates.sorted { a, b in mostRecentFirst(b, a) }
        case .belady:
            return candidates.sorted { a, b in
                let x = nextUse[a.key] ?? Int.max, y = nextUse[b.key] ?? Int.max
                return x != y ? x > y : mostRecentFirst(a, b)
            }
        }
    }

    /// Stops candidates in ``evictionOrder(where:)`` until `required` GPUs are free (by count);
    /// returns their keys. Nothing happens when enough are free already.
    mutating func evict(toFree required: Int, where isCandidate: (ModelInstance) -> Bool) -> [String] {
        var free = allocator.available.count
        guard free < required else { return [] }
        var evicted: [String] = []
        for victim in evictionOrder(where: isCandidate) {
            if free >= required { break }
            remove(victim.key)
            free += victim.gpus.count
            evicted.append(victim.key)
        }
        return evicted
    }
}
