import GPUCIAllocation
import GPUCITopology

/// The worker pool of sglang's gateway e2e tests (`model_pool.py`), as a value with a virtual clock.
///
/// No process is started and no wall clock is read: every call takes the caller's time `now`
/// (seconds). Launching a worker means allocating a GPU slot and recording a ``ModelInstance``;
/// the caller (a simulator, a trace replay) decides when it becomes healthy.
///
///     var pool = ModelPool(topology: try TopologyLoader.load("4x80GB"), catalog: try .bundled())
///     let outcome = pool.startup([WorkerIdentity(model: "llama-8b", mode: .http)], now: 0)
///     outcome.launched.map(\.gpus)                                   // [[0]]
///     let (instance, _) = try pool.get(model: "gpt-oss", mode: .http, now: 1)
///     instance.gpus                                                  // [1, 2]
///
/// It follows the reference at sglang c356ed03d plus the same-week reference counting (#16672), with
/// these deliberate differences:
/// - `get` offers regular workers only; a prefill/decode `get` is refused before any side effect
///   (the reference launched a stray regular worker, then raised KeyError).
/// - ``remove(_:)`` frees a dead or timed-out worker's GPUs (the anchor leaked them).
/// - A key that is already running is never launched a second time (the reference overwrote the
///   entry and leaked the first process's GPUs).
/// - `launchWorkers` is all-or-nothing: when a worker gets no slot, the slots of the others are
///   released and the call fails (the reference launched it without a slot, on whatever GPU CUDA
///   picks, i.e. on GPUs other workers own).
/// - Eviction ties in virtual time are broken by event order, as the reference's wall clock would.
///
/// Under ``EvictionPolicy/slots(_:)`` the pool follows smg's worker pool instead (see there).
///
/// Inside, identities and models are integer handles (``WorkerHandle``, ``ModelHandle``): each key
/// string is built once, when its identity is first seen, and the handle API
/// (``get(_:mode:now:evicted:)``) allocates nothing once the tables have grown. The String API is a
/// layer over it that builds ``ModelInstance`` and ``PoolOutcome`` values.
public struct ModelPool: Sendable {
    /// The models the pool can launch.
    public let catalog: ModelCatalog
    /// The GPUs, in allocator list order.
    public let gpus: [GPUInfo]
    /// How GPUs are placed.
    public let placement: PlacementPolicy
    /// Which idle worker goes first when GPUs are short.
    public let eviction: EvictionPolicy
    /// Whether PD workers are refused when the topology has no active RDMA NIC (else they launch
    /// without an IB device, as the reference does).
    public let requireRDMA: Bool

    /// Bootstrap ports are numbered from sglang's default disaggregation bootstrap port.
    public static let firstBootstrapPort = 8998
    /// Slot ports are numbered from here.
    public static let firstSlotPort = 30000

    var allocator: GPUAllocatorCore
    let rdma: RDMASelector
    /// Per catalog position: tp, and the allocation request (its key set per launch).
    let modelTP: [Int]
    let modelRequests: [CoreRequest]
    var table: WorkerTable
    /// Per handle of ``table``.
    var records: [WorkerRecord] = []
    var rdmaDevices: [String?] = []
    /// ``GPUSlot`` values built for the String API, per handle (nil until asked for).
    var slotValues: [GPUSlot?] = []
    /// Live handles, in no order.
    var live: [Int32] = []
    /// Idle list ends (MRU, LRU, slots): least and most recent.
    var oldestIdle: Int32 = -1
    var newestIdle: Int32 = -1
    /// Belady: idle handles in a binary heap, furthest next use first.
    var heap: [Int32] = []
    /// Belady: next uses of keys not interned yet.
    var pendingNextUse: [String: Int] = [:]
    /// The slots policy's cache.
    var cache: [CacheSlot] = []
    /// Reused buffers of the String layer.
    var evictedScratch: [WorkerHandle] = []
    var sparedScratch: [Int32] = []
    var nextBootstrapPort = ModelPool.firstBootstrapPort
    var eventCount = 0
    /// GPUs held by instances; the pool releases whole slots only, so free = all − used.
    var usedGPUCount = 0

    /// A pool over `topology`'s devices (ids = device indices) and NICs.
    public init(topology: Topology, catalog: ModelCatalog, placement: PlacementPolicy = .reference,
                eviction: EvictionPolicy = .mru, requireRDMA: Bool = false) {
        var numa: [Int: Int] = [:]
        for device in topology.devices { numa[device.index] = device.numaNode }
        self.init(gpus: GPUInfo.list(from: topology), nics: topology.nics, numaByGPU: numa, catalog: catalog,
                  placement: placement, eviction: eviction, requireRDMA: requireRDMA, topology: topology)
    }

    /// A pool over an explicit GPU list (ids as given, e.g. physical ids under `CUDA_VISIBLE_DEVICES`),
    /// with optional NICs and the NUMA node of each GPU id for RDMA device choice. `topology` (whose
    /// device indices are the GPU ids) is what ``PlacementPolicy/topology`` places by; without it
    /// that policy places as ``PlacementPolicy/reference``.
    ///
    /// - Precondition: a ``EvictionPolicy/slots(_:)`` count is at least 1.
    public init(gpus: [GPUInfo], nics: [NIC] = [], numaByGPU: [Int: Int] = [:], catalog: ModelCatalog,
                placement: PlacementPolicy = .reference, eviction: EvictionPolicy = .mru, requireRDMA: Bool = false,
                topology: Topology? = nil) {
        if case let .slots(count) = eviction { precondition(count >= 1, "a slot cache needs at least one slot") }
        self.catalog = catalog
        self.gpus = gpus
        self.placement = placement
        self.eviction = eviction
        self.requireRDMA = requireRDMA
        self.allocator = GPUAllocatorCore(gpus: gpus, firstPort: Self.firstSlotPort, topology: topology, policy: placement)
        self.rdma = RDMASelector(nics: nics, numaByGPU: numaByGPU)
        self.modelTP = catalog.models.map(\.tp)
        self.modelRequests = catalog.models.map { CoreRequest(SlotRequest(key: "", memoryGB: $0.memoryGB, tp: $0.tp), key: KeyHandle(-1)) }
        self.table = WorkerTable(modelCount: catalog.models.count)
    }

    // MARK: Queries

    /// Every instance in dictionary insertion order (a re-launched key goes to the end).
    ///
    /// - Complexity: O(n log n) for n instances.
    public var instances: [ModelInstance] {
        liveByLaunchOrder.map(instance(of:))
    }

    /// The instance stored under `key`.
    public func instance(_ key: String) -> ModelInstance? {
        guard let handle = table.handle(forKey: key), records[Int(handle)].live else { return nil }
        return instance(of: handle)
    }

    /// Whether `key` is running (builds no value, unlike ``instance(_:)``).
    public func isRunning(_ key: String) -> Bool {
        table.handle(forKey: key).map { records[Int($0)].live } ?? false
    }

    /// Whether the running worker `key` passed its health check; `nil` when it is not running.
    public func isHealthy(_ key: String) -> Bool? {
        guard let handle = table.handle(forKey: key), records[Int(handle)].live else { return nil }
        return records[Int(handle)].healthy
    }

    /// Free GPU ids in allocator list order.
    public var availableGPUs: [Int] { allocator.available }

    /// How many GPUs are free.
    public var availableGPUCount: Int { gpus.count - usedGPUCount }

    /// The reference's `get_workers_by_type`: instances of `model` and `type`, any mode, dictionary order.
    /// Unlike the reference after #16672 it does not acquire them; call ``acquire(_:now:)``.
    public func workers(model: String, type: WorkerType) -> [ModelInstance] {
        guard let position = catalog.position(of: model) else { return [] }
        var matches: [(order: Int, handle: Int32)] = []
        for handle in live where records[Int(handle)].model == Int32(position) && table.identities[Int(handle)].type == type {
            matches.append((records[Int(handle)].launchOrder, handle))
        }
        matches.sort { $0.order < $1.order }
        return matches.map { instance(of: $0.handle) }
    }

    /// Whether a PD worker launched now would get an RDMA device.
    public var hasRDMADevice: Bool { rdma.hasDevice }

    // MARK: Startup

    /// Pre-launches `requirements` in the given order (the first-seen test order).
    ///
    /// An identity is deferred when fewer GPUs are free than its model's tp, or when no slot fits
    /// (allocation in request order). Unknown models and keys already running are dropped; with
    /// ``requireRDMA`` and no active RDMA NIC, PD identities are refused. Nothing is evicted.
    /// Under ``EvictionPolicy/slots(_:)`` nothing is pre-launched: every identity that would have
    /// been launched is deferred (smg's pool starts empty and launches on first use).
    public mutating func startup(_ requirements: [WorkerIdentity], now: Double) -> PoolOutcome {
        var outcome = PoolOutcome()
        for identity in requirements {
            guard let position = catalog.position(of: identity.model) else {
                outcome.dropped.append(identity)
                continue
            }
            let handle = intern(identity, model: Int32(position))
            if records[Int(handle)].live {
                outcome.dropped.append(identity)
                continue
            }
            if identity.type != .regular, requireRDMA, !rdma.hasDevice {
                outcome.refused.append(identity)
                continue
            }
            guard !isSlotCache, availableGPUCount >= modelTP[position],
                  let slot = allocateSlot(for: handle, model: position) else {
                outcome.deferred.append(identity)
                continue
            }
            launch(handle, slot: slot, now: now)
            outcome.launched.append(builtInstance(handle))
        }
        return outcome
    }

    // MARK: Get

    /// The regular worker `<model>:<mode>`, launched on demand.
    ///
    /// A hit refreshes `lastUsed`. A miss evicts idle workers (sparing this model's regular workers
    /// of any mode) until the model's tp GPUs are free, then allocates a slot and launches. The
    /// returned instance is not acquired. (Under ``EvictionPolicy/slots(_:)``: see there.)
    ///
    /// - Throws: `PoolError` `.unknownModel` or `.notEnoughGPUs` (no side effect), or
    ///   `.slotAllocationFailed` (eviction counts GPUs only, so memory or the tp window can still not
    ///   fit; the workers evicted on the way stay evicted and are listed in the error).
    public mutating func get(model: String, mode: ConnectionMode, now: Double) throws(PoolError)
        -> (instance: ModelInstance, outcome: PoolOutcome) {
        guard let position = catalog.position(of: model) else {
            throw PoolError(.unknownModel, "unknown model '\(model)'")
        }
        var evicted = evictedScratch
        evictedScratch = []
        evicted.removeAll(keepingCapacity: true)
        defer { evictedScratch = evicted }
        let (worker, launched) = try get(ModelHandle(index: Int32(position)), mode: mode, now: now, evicted: &evicted)
        let instance = builtInstance(worker.index)
        guard launched else { return (instance, PoolOutcome()) }
        return (instance, PoolOutcome(launched: [instance], evicted: keys(evicted)))
    }

    /// ``get(model:mode:now:)`` for a worker type: prefill and decode are refused before any side
    /// effect (the reference looked up `<model>:<mode>:<type>` after launching a regular worker,
    /// raised KeyError and left that worker running). Launch PD workers with ``launchWorkers(_:now:)``
    /// and find them with ``workers(model:type:)``.
    public mutating func get(model: String, mode: ConnectionMode, type: WorkerType, now: Double) throws(PoolError)
        -> (instance: ModelInstance, outcome: PoolOutcome) {
        guard type == .regular else {
            throw PoolError(.workerTypeNotOffered,
                            "get offers regular workers only; launch \(model):\(mode.rawValue) \(type.rawValue) workers with launchWorkers")
        }
        return try get(model: model, mode: mode, now: now)
    }

    // MARK: Launch

    /// Launches `identities` (regular, prefill, decode) together: evicts idle workers with no
    /// exclusions until Σ tp GPUs are free, then allocates in request order. Not acquired.
    /// (Under ``EvictionPolicy/slots(_:)``: see there.)
    ///
    /// - Throws: `PoolError` before any side effect for an unknown model, a key already running or
    ///   listed twice, a PD worker when RDMA is required and missing, or `.notEnoughGPUs`; after
    ///   eviction for `.slotAllocationFailed` (no worker of the request is launched then; the
    ///   evicted ones are listed in the error).
    public mutating func launchWorkers(_ identities: [WorkerIdentity], now: Double) throws(PoolError) -> PoolOutcome {
        var handles: [Int32] = []
        var positions: [Int] = []
        var seen: Set<Int32> = []
        for identity in identities {
            guard let position = catalog.position(of: identity.model) else {
                throw PoolError(.unknownModel, "unknown model '\(identity.model)' in \(identity.key)")
            }
            let handle = intern(identity, model: Int32(position))
            guard !records[Int(handle)].live, seen.insert(handle).inserted else {
                throw PoolError(.alreadyRunning, "\(identity.key) is already running or requested twice")
            }
            if identity.type != .regular, requireRDMA, !rdma.hasDevice {
                throw PoolError(.rdmaRequired, "\(identity.key) needs an RDMA device and the topology has no RDMA NIC with an active port")
            }
            handles.append(handle)
            positions.append(position)
        }
        guard !identities.isEmpty else { return PoolOutcome() }
        let total = positions.reduce(0) { $0 + modelTP[$1] }
        var evicted: [WorkerHandle] = []
        let plan = isSlotCache ? evictForSlotLaunch(handles, toFree: total, into: &evicted) : nil
        if plan == nil { evict(toFree: total, sparingRegularOf: -1, into: &evicted) }
        let free = availableGPUCount
        guard free >= total else {
            throw PoolError(.notEnoughGPUs,
                            "cannot launch \(identities.count) workers: need \(total) GPUs, only \(free) available after eviction",
                            evicted: keys(evicted))
        }
        var slots: [SlotHandle?] = []
        for (handle, position) in zip(handles, positions) { slots.append(allocateSlot(for: handle, model: position)) }
        guard slots.allSatisfy({ $0 != nil }) else {
            for case let slot? in slots { allocator.release(slot) }
            let missing = zip(identities, slots).filter { $0.1 == nil }.map(\.0.key)
            throw PoolError(.slotAllocationFailed,
                            "failed to allocate GPU slots for \(missing.joined(separator: ", ")) after eviction",
                            evicted: keys(evicted))
        }
        var outcome = PoolOutcome(evicted: keys(evicted))
        for (handle, slot) in zip(handles, slots) {
            launch(handle, slot: slot!, now: now)
            outcome.launched.append(builtInstance(handle))
        }
        if let plan { commitSlotLaunch(plan, handles) }
        return outcome
    }

    // MARK: Reference counting and lifecycle

    /// Marks `key` in use: refCount + 1 and `lastUsed = now`.
    ///
    /// - Throws: `.unknownKey`.
    public mutating func acquire(_ key: String, now: Double) throws(PoolError) {
        guard let handle = table.handle(forKey: key), records[Int(handle)].live else {
            throw PoolError(.unknownKey, "no worker '\(key)' to acquire")
        }
        acquire(handle, now: now)
    }

    /// Ends one use of `key`. Under ``EvictionPolicy/slots(_:)`` an uncached worker (PD) is
    /// stopped when its last use ends.
    ///
    /// - Throws: `.unknownKey`, or `.notAcquired` when nobody holds it (the reference only warned).
    public mutating func release(_ key: String) throws(PoolError) {
        guard let handle = table.handle(forKey: key), records[Int(handle)].live else {
            throw PoolError(.unknownKey, "no worker '\(key)' to release")
        }
        guard records[Int(handle)].refCount > 0 else { throw PoolError(.notAcquired, "\(key) is not acquired") }
        release(handle)
    }

    /// Records that `key` passed its health check; returns false for an unknown key.
    @discardableResult
    public mutating func markHealthy(_ key: String) -> Bool {
        guard let handle = table.handle(forKey: key), records[Int(handle)].live else { return false }
        records[Int(handle)].healthy = true
        return true
    }

    /// Stops `key` (it died or timed out) and frees its GPUs, in use or not; returns what was removed.
    @discardableResult
    public mutating func remove(_ key: String) -> ModelInstance? {
        guard let handle = table.handle(forKey: key), records[Int(handle)].live else { return nil }
        let instance = instance(of: handle)
        if isSlotCache { noteRemovedFromCache(handle) }
        stop(handle)
        return instance
    }

    /// For ``EvictionPolicy/belady``: for each key, the index of the next test that needs it
    /// (absent = never again). Replaces the previous map.
    ///
    /// - Complexity: O(m + h) for m entries and h identities seen.
    public mutating func setNextUse(_ nextUse: [String: Int]) {
        pendingNextUse = [:]
        for index in records.indices { records[index].nextUse = .max }
        for (key, line) in nextUse {
            if let handle = table.handle(forKey: key) {
                records[Int(handle)].nextUse = line
            } else {
                pendingNextUse[key] = line
            }
        }
        if eviction == .belady { rebuildHeap() }
    }

    /// For ``EvictionPolicy/belady``: sets the next use of one key (`nil` = never again), leaving the
    /// others as they are.
    ///
    /// - Complexity: O(log n) for n idle workers.
    public mutating func setNextUse(_ key: String, _ line: Int?) {
        guard let handle = table.handle(forKey: key) else {
            pendingNextUse[key] = line
            return
        }
        records[Int(handle)].nextUse = line ?? .max
        let position = records[Int(handle)].heapPosition
        if position >= 0 {
            siftUp(Int(position))
            siftDown(Int(records[Int(handle)].heapPosition))
        }
    }

    // MARK: Internals

    var isSlotCache: Bool {
        if case .slots = eviction { return true }
        return false
    }

    var liveByLaunchOrder: [Int32] {
        live.map { (order: records[Int($0)].launchOrder, handle: $0) }.sorted { $0.order < $1.order }.map(\.handle)
    }

    /// The handle of `identity`, interned on first sight (records grown with it).
    mutating func intern(_ identity: WorkerIdentity, model: Int32) -> Int32 {
        let (handle, isNew) = table.intern(identity, model: model)
        if isNew {
            var record = WorkerRecord(model: model, isRegular: identity.type == .regular)
            if !pendingNextUse.isEmpty, let line = pendingNextUse.removeValue(forKey: table.keys[Int(handle)]) {
                record.nextUse = line
            }
            records.append(record)
            rdmaDevices.append(nil)
            slotValues.append(nil)
        }
        return handle
    }

    func keys(_ handles: some Sequence<WorkerHandle>) -> [String] {
        handles.map { table.keys[Int($0.index)] }
    }

    /// Allocates a slot for `handle` (one request, key = its handle); nil when none fits.
    mutating func allocateSlot(for handle: Int32, model position: Int) -> SlotHandle? {
        guard !gpus.isEmpty else { return nil }
        var request = modelRequests[position]
        request.key = KeyHandle(handle)
        return allocator.allocate(request)
    }

    /// The next pool-wide event number.
    @inline(__always)
    mutating func nextEvent() -> Int {
        eventCount += 1
        return eventCount
    }

    mutating func launch(_ handle: Int32, slot slotHandle: SlotHandle, now: Double) {
        let index = Int(handle)
        let identity = table.identities[index]
        var bootstrap = -1
        if identity.type == .prefill {
            bootstrap = nextBootstrapPort
            nextBootstrapPort += 1
        }
        let width = allocator.width(of: slotHandle)
        if identity.type != .regular {
            rdmaDevices[index] = rdma.device(firstGPU: allocator.gpuIDs(of: slotHandle).first)
        }
        let order = nextEvent()
        records[index].live = true
        records[index].slot = slotHandle
        records[index].width = width
        records[index].port = allocator.port(of: slotHandle)
        records[index].bootstrapPort = bootstrap
        records[index].refCount = 0
        records[index].healthy = false
        records[index].launchedAt = now
        records[index].lastUsed = now
        records[index].lastUseOrder = order
        records[index].launchOrder = order
        records[index].livePosition = Int32(live.count)
        slotValues[index] = nil
        live.append(handle)
        usedGPUCount += width
        noteIdle(handle)
    }

    /// Stops a live worker: frees its slot and forgets it (eviction, removal, a slot teardown).
    mutating func stop(_ handle: Int32) {
        let index = Int(handle)
        forgetIdle(handle)
        let record = records[index]
        if let slot = record.slot { allocator.release(slot) }
        usedGPUCount -= record.width
        let position = Int(record.livePosition)
        let last = live.removeLast()
        if last != handle {
            live[position] = last
            records[Int(last)].livePosition = Int32(position)
        }
        records[index].live = false
        records[index].slot = nil
        records[index].width = 0
        records[index].livePosition = -1
        records[index].cacheSlot = -1
        rdmaDevices[index] = nil
        slotValues[index] = nil
    }

    mutating func acquire(_ handle: Int32, now: Double) {
        let index = Int(handle)
        if records[index].refCount == 0 { forgetIdle(handle) }
        records[index].refCount += 1
        records[index].lastUsed = now
        records[index].lastUseOrder = nextEvent()
    }

    mutating func release(_ handle: Int32) {
        let index = Int(handle)
        records[index].refCount -= 1
        guard records[index].refCount == 0 else { return }
        if isSlotCache, records[index].cacheSlot < 0 {
            stop(handle)
        } else {
            noteIdle(handle)
        }
    }

    /// The public value of a live worker.
    func instance(of handle: Int32) -> ModelInstance {
        let index = Int(handle)
        let record = records[index]
        return ModelInstance(key: table.keys[index], identity: table.identities[index],
                             slot: slotValues[index] ?? slotValue(handle),
                             port: record.slot != nil ? record.port : nil,
                             bootstrapPort: record.bootstrapPort >= 0 ? record.bootstrapPort : nil,
                             rdmaDevice: rdmaDevices[index], launchedAt: record.launchedAt, lastUsed: record.lastUsed,
                             lastUseOrder: record.lastUseOrder, launchOrder: record.launchOrder,
                             refCount: record.refCount, healthy: record.healthy)
    }

    /// ``instance(of:)``, keeping the slot value built for it.
    mutating func builtInstance(_ handle: Int32) -> ModelInstance {
        let index = Int(handle)
        if slotValues[index] == nil { slotValues[index] = slotValue(handle) }
        return instance(of: handle)
    }

    private func slotValue(_ handle: Int32) -> GPUSlot? {
        let record = records[Int(handle)]
        guard let slot = record.slot else { return nil }
        return GPUSlot(gpuIDs: allocator.gpuIDs(of: slot), totalMemoryMiB: allocator.totalMemoryMiB(of: slot),
                       assignedModel: table.keys[Int(handle)], port: record.port)
    }

    static func gb(_ value: Double?) -> String {
        guard let value else { return "16" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
