/// One entry of the slots policy's cache: the workers launched for one configuration.
struct CacheSlot: Sendable {
    var configuration: WorkerConfiguration
    /// Member handles in launch order.
    var members: [Int32]
    /// A member was removed (died or timed out): the next request for the configuration restarts it.
    var broken = false
}

/// What ``ModelPool/evictForSlotLaunch(_:toFree:into:)`` decided for a `launchWorkers` call.
struct SlotLaunchPlan {
    /// The request holds PD workers: nothing of it is cached.
    var bypass: Bool
}

/// The ``EvictionPolicy/slots(_:)`` policy: smg's worker pool over the ``ModelPool`` API.
///
/// The rules, from smg-project/smg `e2e_test/infra/worker_pool.py` (`WorkerPool`, added by PR
/// #1502 "cache workers", key widened by later commits):
/// - The cache holds at most N slots (smg: one, "One-slot worker cache"); a slot is keyed on the
///   whole ``WorkerConfiguration``.
/// - `get` hits when the worker is running in a slot of its configuration and no member of that
///   slot died; the hit refreshes its last use.
/// - A miss on a full cache evicts a slot before launching, whether or not GPUs are short (smg stops
///   the cached set on every key mismatch). With N > 1 the least recently used idle slot goes (the
///   rule of PR #1487, smg's first pool proposal: "LRU eviction (default pool size 1)"). A slot
///   with a member in use is never evicted; when every slot is in use the new worker runs uncached.
/// - A slot with a dead member (``ModelPool/remove(_:)``) is stopped and started afresh by the next
///   request for its configuration (smg: "dead worker" eviction).
/// - PD (prefill/decode) workers bypass the cache: `launchWorkers` with a PD identity first evicts
///   every idle cached slot (smg: "evicting … to free GPUs for uncached"), launches the request
///   uncached, and the pool stops each uncached worker when its last use is released (the caller
///   owns their teardown in smg).
/// - When GPUs are still short, idle uncached workers go first (least recently used first), then
///   idle slots of other configurations (least recently used first).
///
/// Differences forced by the ``ModelPool`` API, which names workers one by one: smg's key also
/// holds the worker count, and a class asking for 2 workers after a class with 1 stops the set and
/// starts 2. Here `launchWorkers` for more workers of a configuration already cached adds them to
/// its slot (the caller keeps using the running ones), and `get` of index 0 hits a slot that holds
/// more workers. `startup` pre-launches nothing (smg's pool starts empty).
extension ModelPool {
    /// The ``WorkerConfiguration`` the pool would launch `identity` with; nil for an unknown model.
    public func configuration(of identity: WorkerIdentity) -> WorkerConfiguration? {
        catalog[identity.model].map { WorkerConfiguration(identity, spec: $0) }
    }

    /// The cached slots (slots policy), each a configuration and its workers' keys, oldest first.
    public var cachedSlots: [(configuration: WorkerConfiguration, keys: [String])] {
        cache.map { ($0.configuration, $0.members.map { table.keys[Int($0)] }) }
    }

    var slotCapacity: Int {
        if case let .slots(count) = eviction { return count }
        return 0
    }

    func configuration(ofHandle handle: Int32) -> WorkerConfiguration {
        WorkerConfiguration(table.identities[Int(handle)], spec: catalog.models[Int(records[Int(handle)].model)])
    }

    /// `get` under the slots policy.
    mutating func slotCacheGet(_ handle: Int32, model position: Int, now: Double,
                               evicted: inout [WorkerHandle]) throws(PoolError) -> (worker: WorkerHandle, launched: Bool) {
        let index = Int(handle)
        let configuration = configuration(ofHandle: handle)
        let start = evicted.count
        if let slot = cacheIndex(configuration), cache[slot].broken { stopSlot(slot, into: &evicted) }
        if records[index].live {
            records[index].lastUsed = now
            records[index].lastUseOrder = nextEvent()
            if records[index].refCount == 0 { noteIdle(handle) }
            return (WorkerHandle(index: handle), false)
        }
        if cacheIndex(configuration) == nil, cache.count >= slotCapacity, let slot = leastRecentIdleSlot(sparing: []) {
            stopSlot(slot, into: &evicted)
        }
        freeGPUs(modelTP[position], sparing: [configuration], into: &evicted)
        try launchAfterEviction(handle, model: position, evictedFrom: start, evicted: evicted, now: now)
        cacheLaunched(handle, configuration)
        return (WorkerHandle(index: handle), true)
    }

    /// The evictions before a slots-policy `launchWorkers` of `handles` (validated, not running).
    mutating func evictForSlotLaunch(_ handles: [Int32], toFree required: Int, into evicted: inout [WorkerHandle]) -> SlotLaunchPlan {
        if handles.contains(where: { !records[Int($0)].isRegular }) {
            var slot = 0
            while slot < cache.count {
                if isIdle(slot) { stopSlot(slot, into: &evicted) } else { slot += 1 }
            }
            freeGPUs(required, sparing: [], into: &evicted)
            return SlotLaunchPlan(bypass: true)
        }
        var configurations: [WorkerConfiguration] = []
        for handle in handles {
            let configuration = configuration(ofHandle: handle)
            if !configurations.contains(configuration) { configurations.append(configuration) }
        }
        for configuration in configurations {
            if let slot = cacheIndex(configuration), cache[slot].broken { stopSlot(slot, into: &evicted) }
        }
        let needed = configurations.filter { cacheIndex($0) == nil }.count
        while cache.count + needed > slotCapacity, let slot = leastRecentIdleSlot(sparing: configurations) {
            stopSlot(slot, into: &evicted)
        }
        freeGPUs(required, sparing: configurations, into: &evicted)
        return SlotLaunchPlan(bypass: false)
    }

    /// Records the workers a slots-policy `launchWorkers` launched in the cache.
    mutating func commitSlotLaunch(_ plan: SlotLaunchPlan, _ handles: [Int32]) {
        guard !plan.bypass else { return }
        for handle in handles { cacheLaunched(handle, configuration(ofHandle: handle)) }
    }

    /// A cached worker is being removed: its slot is broken (and dropped once empty).
    mutating func noteRemovedFromCache(_ handle: Int32) {
        let slot = Int(records[Int(handle)].cacheSlot)
        guard slot >= 0 else { return }
        cache[slot].members.removeAll { $0 == handle }
        cache[slot].broken = true
        records[Int(handle)].cacheSlot = -1
        if cache[slot].members.isEmpty { removeCacheEntry(slot) }
    }

    private mutating func cacheLaunched(_ handle: Int32, _ configuration: WorkerConfiguration) {
        if let slot = cacheIndex(configuration) {
            cache[slot].members.append(handle)
            records[Int(handle)].cacheSlot = Int32(slot)
        } else if cache.count < slotCapacity {
            records[Int(handle)].cacheSlot = Int32(cache.count)
            cache.append(CacheSlot(configuration: configuration, members: [handle]))
        }
    }

    private func cacheIndex(_ configuration: WorkerConfiguration) -> Int? {
        cache.firstIndex { $0.configuration == configuration }
    }

    private func isIdle(_ slot: Int) -> Bool {
        cache[slot].members.allSatisfy { records[Int($0)].refCount == 0 }
    }

    /// The most recent use among a slot's members.
    private func lastUse(_ slot: Int) -> WorkerRecord {
        cache[slot].members.map { records[Int($0)] }.max { $1.isMoreRecent(than: $0) }!
    }

    private func leastRecentIdleSlot(sparing spared: [WorkerConfiguration]) -> Int? {
        cache.indices.filter { isIdle($0) && !spared.contains(cache[$0].configuration) }
            .min { lastUse($1).isMoreRecent(than: lastUse($0)) }
    }

    /// Stops a slot's idle members (appending them to `victims`) and drops it; members in use keep
    /// running, uncached.
    private mutating func stopSlot(_ slot: Int, into victims: inout [WorkerHandle]) {
        let members = cache[slot].members
        removeCacheEntry(slot)
        for member in members where records[Int(member)].refCount == 0 {
            victims.append(WorkerHandle(index: member))
            stop(member)
        }
    }

    private mutating func removeCacheEntry(_ slot: Int) {
        for member in cache[slot].members { records[Int(member)].cacheSlot = -1 }
        cache.remove(at: slot)
        for later in slot..<cache.count {
            for member in cache[later].members { records[Int(member)].cacheSlot = Int32(later) }
        }
    }

    /// Frees GPUs until `required` are free: idle uncached workers (least recent first), then idle
    /// slots not of `spared` configurations (least recent first).
    private mutating func freeGPUs(_ required: Int, sparing spared: [WorkerConfiguration], into victims: inout [WorkerHandle]) {
        var handle = oldestIdle
        while availableGPUCount < required, handle >= 0 {
            let next = records[Int(handle)].newer
            if records[Int(handle)].cacheSlot < 0 {
                victims.append(WorkerHandle(index: handle))
                stop(handle)
            }
            handle = next
        }
        while availableGPUCount < required, let slot = leastRecentIdleSlot(sparing: spared) {
            stopSlot(slot, into: &victims)
        }
    }
}
