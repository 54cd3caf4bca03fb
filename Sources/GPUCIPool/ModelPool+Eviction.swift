extension ModelPool {
    /// Workers a particular eviction must not stop (in-use workers are never stopped anyway).
    enum EvictionExclusion {
        /// Every idle worker is a candidate (`launchWorkers`).
        case none
        /// Spare the regular workers of this model, any mode (`get`).
        case regularWorkers(ofModel: String)
    }

    /// Idle instances (refCount 0) that `isCandidate` accepts, in the order ``eviction`` stops them.
    ///
    /// - Complexity: O(n log n) for n instances.
    public func evictionOrder(where isCandidate: (ModelInstance) -> Bool = { _ in true }) -> [ModelInstance] {
        let entries = store.entries
        let indices = entries.indices.filter { entries[$0].refCount == 0 && isCandidate(entries[$0]) }
        let order = comesFirst(entries, nextUse: nextUseByIndex(entries, indices))
        return indices.sorted(by: order).map { entries[$0] }
    }

    /// Stops idle candidates in ``evictionOrder(where:)`` order until `required` GPUs are free (by
    /// count) or none is left, as the reference does; returns their keys. Nothing happens when
    /// enough are free already.
    ///
    /// - Complexity: O(n + k log n) for n instances and k evicted.
    mutating func evict(toFree required: Int, excluding exclusion: EvictionExclusion) -> [String] {
        let keys = eviction == .belady ? victims(toFree: required, excluding: exclusion)
                                       : indexedVictims(toFree: required, excluding: exclusion)
        for key in keys { remove(key) }
        return keys
    }

    /// ``victims(toFree:excluding:)`` for MRU and LRU, from the idle index: the same keys in the
    /// same order, in O(k log n) for the k entries looked at.
    private mutating func indexedVictims(toFree required: Int, excluding exclusion: EvictionExclusion) -> [String] {
        var free = availableGPUCount
        guard free < required else { return [] }
        var victims: [String] = []
        var chosen: Set<String> = []
        var spared: [IdleIndex.Entry] = []
        while free < required, let entry = idle.popFirst(mostRecent: eviction == .mru, store: store) {
            guard let instance = store[entry.key], !chosen.contains(entry.key) else { continue }
            if case let .regularWorkers(model) = exclusion, instance.identity.type == .regular, instance.identity.model == model {
                spared.append(entry)
                continue
            }
            chosen.insert(entry.key)
            victims.append(entry.key)
            free += instance.slot?.gpuIDs.count ?? 0
        }
        idle.restore(spared)
        return victims
    }

    /// The keys ``evict(toFree:excluding:)`` stops. Kept apart so that no copy of the entries is
    /// alive while they are removed (which would copy the whole array).
    private func victims(toFree required: Int, excluding exclusion: EvictionExclusion) -> [String] {
        var free = availableGPUCount
        guard free < required else { return [] }
        let entries = store.entries
        var indices: [Int] = []
        indices.reserveCapacity(entries.count)
        for index in entries.indices where entries[index].refCount == 0 {
            if case let .regularWorkers(model) = exclusion, entries[index].identity.type == .regular,
               entries[index].identity.model == model { continue }
            indices.append(index)
        }
        var heap = IndexHeap(indices, comesFirst: comesFirst(entries, nextUse: nextUseByIndex(entries, indices)))
        var victims: [String] = []
        while free < required, let index = heap.popFirst() {
            victims.append(entries[index].key)
            free += entries[index].slot?.gpuIDs.count ?? 0
        }
        return victims
    }

    /// For Belady, each candidate's next use (never = `Int.max`), by entry index; else nil.
    private func nextUseByIndex(_ entries: [ModelInstance], _ indices: [Int]) -> [Int]? {
        guard eviction == .belady else { return nil }
        var table = Array(repeating: Int.max, count: entries.count)
        for index in indices { table[index] = nextUse[entries[index].key] ?? Int.max }
        return table
    }

    /// The policy's order on entry indices. `lastUseOrder` is unique, so the order is total.
    private func comesFirst(_ entries: [ModelInstance], nextUse: [Int]?) -> (Int, Int) -> Bool {
        let moreRecent: (Int, Int) -> Bool = { a, b in
            let x = entries[a].lastUsed, y = entries[b].lastUsed
            return x != y ? x > y : entries[a].lastUseOrder > entries[b].lastUseOrder
        }
        switch eviction {
        case .mru:
            return moreRecent
        case .lru:
            return { a, b in moreRecent(b, a) }
        case .belady:
            let next = nextUse ?? []
            return { a, b in next[a] != next[b] ? next[a] > next[b] : moreRecent(a, b) }
        }
    }
}
