extension ModelPool {
    // MARK: Handle API

    /// The handle of the catalog model `id`.
    public func model(_ id: String) -> ModelHandle? {
        catalog.position(of: id).map { ModelHandle(index: Int32($0)) }
    }

    /// The key of `worker` (built once, when the pool first saw the identity).
    public func key(of worker: WorkerHandle) -> String { table.keys[Int(worker.index)] }

    /// Whether `worker` is running.
    public func isRunning(_ worker: WorkerHandle) -> Bool { records[Int(worker.index)].live }

    /// The handle of the identity whose key is `key`, once the pool has seen it.
    public func handle(of key: String) -> WorkerHandle? { table.handle(forKey: key).map(WorkerHandle.init(index:)) }

    /// Whether the running `worker` passed its health check; `nil` when it is not running.
    public func isHealthy(_ worker: WorkerHandle) -> Bool? {
        let record = records[Int(worker.index)]
        return record.live ? record.healthy : nil
    }

    /// ``markHealthy(_:)-(String)`` by handle; false when `worker` is not running.
    @discardableResult
    public mutating func markHealthy(_ worker: WorkerHandle) -> Bool {
        guard records[Int(worker.index)].live else { return false }
        records[Int(worker.index)].healthy = true
        return true
    }

    /// ``get(model:mode:now:)`` over handles: the regular worker `<model>:<mode>`, whether it was
    /// launched by this call, and the workers evicted appended to `evicted`. With `evicted` reused
    /// (emptied, capacity kept) it allocates nothing once the pool has seen every identity.
    ///
    /// - Throws: as ``get(model:mode:now:)``.
    /// - Complexity: MRU and LRU: O(1) plus the idle workers passed over (this model's regular
    ///   workers) and stopped; Belady: O(log n) per idle worker looked at.
    public mutating func get(_ model: ModelHandle, mode: ConnectionMode, now: Double,
                             evicted: inout [WorkerHandle]) throws(PoolError) -> (worker: WorkerHandle, launched: Bool) {
        let position = Int(model.index)
        var handle = table.regular(model: model.index, mode: mode)
        if handle < 0 { handle = intern(WorkerIdentity(model: catalog.models[position].id, mode: mode), model: model.index) }
        if isSlotCache { return try slotCacheGet(handle, model: position, now: now, evicted: &evicted) }
        let index = Int(handle)
        if records[index].live {
            records[index].lastUsed = now
            records[index].lastUseOrder = nextEvent()
            if records[index].refCount == 0 { noteIdle(handle) }
            return (WorkerHandle(index: handle), false)
        }
        let start = evicted.count
        evict(toFree: modelTP[position], sparingRegularOf: model.index, into: &evicted)
        try launchAfterEviction(handle, model: position, evictedFrom: start, evicted: evicted, now: now)
        return (WorkerHandle(index: handle), true)
    }

    /// The end of a missing `get` once eviction has run: enough free GPUs and a slot, or the
    /// error naming the workers evicted on the way (`evicted[start...]`); then the launch.
    mutating func launchAfterEviction(_ handle: Int32, model position: Int, evictedFrom start: Int,
                                      evicted: [WorkerHandle], now: Double) throws(PoolError) {
        let tp = modelTP[position]
        let free = availableGPUCount
        guard free >= tp else {
            throw PoolError(.notEnoughGPUs,
                            "cannot launch \(table.keys[Int(handle)]): need \(tp) GPUs, only \(free) available after eviction",
                            evicted: keys(evicted[start...]))
        }
        guard let slot = allocateSlot(for: handle, model: position) else {
            let spec = catalog.models[position]
            throw PoolError(.slotAllocationFailed,
                            "failed to allocate a GPU slot for \(table.keys[Int(handle)]) (\(Self.gb(spec.memoryGB)) GB, tp \(spec.tp)) after eviction",
                            evicted: keys(evicted[start...]))
        }
        launch(handle, slot: slot, now: now)
    }

    // MARK: Order

    /// Idle instances (refCount 0) that `isCandidate` accepts, in the order ``eviction`` stops them
    /// (under ``EvictionPolicy/slots(_:)``: least recently used first; the slot cache stops whole slots).
    ///
    /// This is the reference order computed by a sort; evictions take it from the idle list or heap.
    ///
    /// - Complexity: O(n log n) for n instances.
    public func evictionOrder(where isCandidate: (ModelInstance) -> Bool = { _ in true }) -> [ModelInstance] {
        let candidates = live.filter { records[Int($0)].refCount == 0 }.map { ($0, instance(of: $0)) }.filter { isCandidate($0.1) }
        let sorted = candidates.sorted { a, b in
            let x = records[Int(a.0)], y = records[Int(b.0)]
            switch eviction {
            case .mru: return x.isMoreRecent(than: y)
            case .lru, .slots: return y.isMoreRecent(than: x)
            case .belady: return Self.beladyFirst(x, y)
            }
        }
        return sorted.map(\.1)
    }

    @inline(__always)
    static func beladyFirst(_ x: WorkerRecord, _ y: WorkerRecord) -> Bool {
        x.nextUse != y.nextUse ? x.nextUse > y.nextUse : x.isMoreRecent(than: y)
    }

    // MARK: Eviction

    /// Stops idle workers in ``evictionOrder(where:)`` order until `required` GPUs are free (by
    /// count) or none is left, as the reference does, sparing the regular workers of catalog
    /// position `model` (-1: spare none); appends their handles to `victims`. Nothing happens when
    /// enough are free already.
    mutating func evict(toFree required: Int, sparingRegularOf model: Int32, into victims: inout [WorkerHandle]) {
        var free = availableGPUCount
        guard free < required else { return }
        switch eviction {
        case .mru, .lru, .slots:
            let mostRecent = eviction == .mru
            var handle = mostRecent ? newestIdle : oldestIdle
            while free < required, handle >= 0 {
                let record = records[Int(handle)]
                let next = mostRecent ? record.older : record.newer
                if !(record.isRegular && record.model == model) {
                    free += record.width
                    victims.append(WorkerHandle(index: handle))
                    stop(handle)
                }
                handle = next
            }
        case .belady:
            var spared = sparedScratch
            sparedScratch = []
            spared.removeAll(keepingCapacity: true)
            while free < required, let top = heap.first {
                let record = records[Int(top)]
                heapRemove(at: 0)
                if record.isRegular && record.model == model {
                    spared.append(top)
                    continue
                }
                free += record.width
                victims.append(WorkerHandle(index: top))
                stop(top)
            }
            for handle in spared { heapInsert(handle) }
            sparedScratch = spared
        }
    }

    // MARK: Idle index

    /// Records that an idle worker has a new last use (launch, a hit while idle, the release that
    /// ends its last use): MRU, LRU and the slot cache keep idle workers in a list ordered by last
    /// use, Belady in a heap on next use.
    ///
    /// - Complexity: list: O(1) when this is the newest use (launch, hit), else O(d) for the d idle
    ///   workers used since; heap: O(log n).
    @inline(__always)
    mutating func noteIdle(_ handle: Int32) {
        if eviction == .belady {
            let position = records[Int(handle)].heapPosition
            if position >= 0 {
                siftUp(Int(position))
                siftDown(Int(records[Int(handle)].heapPosition))
            } else {
                heapInsert(handle)
            }
            return
        }
        if records[Int(handle)].inIdleList { unlinkIdle(handle) }
        let record = records[Int(handle)]
        var older = newestIdle
        while older >= 0, records[Int(older)].isMoreRecent(than: record) { older = records[Int(older)].older }
        let newer = older >= 0 ? records[Int(older)].newer : oldestIdle
        records[Int(handle)].older = older
        records[Int(handle)].newer = newer
        records[Int(handle)].inIdleList = true
        if older >= 0 { records[Int(older)].newer = handle } else { oldestIdle = handle }
        if newer >= 0 { records[Int(newer)].older = handle } else { newestIdle = handle }
    }

    /// Takes a worker out of the idle index (it is acquired or stopped).
    @inline(__always)
    mutating func forgetIdle(_ handle: Int32) {
        if eviction == .belady {
            let position = records[Int(handle)].heapPosition
            if position >= 0 { heapRemove(at: Int(position)) }
        } else if records[Int(handle)].inIdleList {
            unlinkIdle(handle)
        }
    }

    private mutating func unlinkIdle(_ handle: Int32) {
        let record = records[Int(handle)]
        if record.older >= 0 { records[Int(record.older)].newer = record.newer } else { oldestIdle = record.newer }
        if record.newer >= 0 { records[Int(record.newer)].older = record.older } else { newestIdle = record.older }
        records[Int(handle)].older = -1
        records[Int(handle)].newer = -1
        records[Int(handle)].inIdleList = false
    }

    // MARK: Belady heap

    mutating func rebuildHeap() {
        for handle in heap { records[Int(handle)].heapPosition = -1 }
        heap.removeAll(keepingCapacity: true)
        for handle in live where records[Int(handle)].refCount == 0 {
            records[Int(handle)].heapPosition = Int32(heap.count)
            heap.append(handle)
        }
        var parent = heap.count / 2 - 1
        while parent >= 0 {
            siftDown(parent)
            parent -= 1
        }
    }

    private mutating func heapInsert(_ handle: Int32) {
        records[Int(handle)].heapPosition = Int32(heap.count)
        heap.append(handle)
        siftUp(heap.count - 1)
    }

    private mutating func heapRemove(at position: Int) {
        let handle = heap[position]
        records[Int(handle)].heapPosition = -1
        let last = heap.removeLast()
        guard position < heap.count else { return }
        heap[position] = last
        records[Int(last)].heapPosition = Int32(position)
        siftUp(position)
        siftDown(Int(records[Int(last)].heapPosition))
    }

    @inline(__always)
    private func heapFirst(_ a: Int, _ b: Int) -> Bool {
        Self.beladyFirst(records[Int(heap[a])], records[Int(heap[b])])
    }

    private mutating func swapHeap(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        records[Int(heap[a])].heapPosition = Int32(a)
        records[Int(heap[b])].heapPosition = Int32(b)
    }

    mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heapFirst(child, parent) else { return }
            swapHeap(child, parent)
            child = parent
        }
    }

    mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var best = left
            if left + 1 < heap.count, heapFirst(left + 1, left) { best = left + 1 }
            guard heapFirst(best, parent) else { return }
            swapHeap(best, parent)
            parent = best
        }
    }
}
