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

    var allocator: GPUAllocator
    let rdma: RDMASelector
    var store = InstanceStore()
    var idle = IdleIndex()
    var nextUse: [String: Int] = [:]
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
    public init(gpus: [GPUInfo], nics: [NIC] = [], numaByGPU: [Int: Int] = [:], catalog: ModelCatalog,
                placement: PlacementPolicy = .reference, eviction: EvictionPolicy = .mru, requireRDMA: Bool = false,
                topology: Topology? = nil) {
        self.catalog = catalog
        self.gpus = gpus
        self.placement = placement
        self.eviction = eviction
        self.requireRDMA = requireRDMA
        self.allocator = GPUAllocator(gpus: gpus, firstPort: Self.firstSlotPort, topology: topology, policy: placement)
        self.rdma = RDMASelector(nics: nics, numaByGPU: numaByGPU)
    }

    // MARK: Queries

    /// Every instance in dictionary insertion order (a re-launched key goes to the end).
    ///
    /// - Complexity: O(n log n) for n instances.
    public var instances: [ModelInstance] { store.entries.sorted { $0.launchOrder < $1.launchOrder } }

    /// The instance stored under `key`.
    public func instance(_ key: String) -> ModelInstance? { store[key] }

    /// Free GPU ids in allocator list order.
    public var availableGPUs: [Int] { allocator.available }

    /// How many GPUs are free.
    public var availableGPUCount: Int { gpus.count - usedGPUCount }

    /// The reference's `get_workers_by_type`: instances of `model` and `type`, any mode, dictionary order.
    /// Unlike the reference after #16672 it does not acquire them; call ``acquire(_:now:)``.
    public func workers(model: String, type: WorkerType) -> [ModelInstance] {
        instances.filter { $0.identity.model == model && $0.identity.type == type }
    }

    /// Whether a PD worker launched now would get an RDMA device.
    public var hasRDMADevice: Bool { rdma.hasDevice }

    // MARK: Startup

    /// Pre-launches `requirements` in the given order (the first-seen test order).
    ///
    /// An identity is deferred when fewer GPUs are free than its model's tp, or when no slot fits
    /// (allocation in request order). Unknown models and keys already running are dropped; with
    /// ``requireRDMA`` and no active RDMA NIC, PD identities are refused. Nothing is evicted.
    public mutating func startup(_ requirements: [WorkerIdentity], now: Double) -> PoolOutcome {
        var outcome = PoolOutcome()
        for identity in requirements {
            guard let spec = catalog[identity.model], !store.contains(identity.key) else {
                outcome.dropped.append(identity)
                continue
            }
            if identity.type != .regular, requireRDMA, !rdma.hasDevice {
                outcome.refused.append(identity)
                continue
            }
            guard availableGPUCount >= spec.tp,
                  let slot = allocator.allocate([request(identity, spec)], preserveOrder: true).first
            else {
                outcome.deferred.append(identity)
                continue
            }
            outcome.launched.append(launch(identity, slot: slot, now: now))
        }
        return outcome
    }

    // MARK: Get

    /// The regular worker `<model>:<mode>`, launched on demand.
    ///
    /// A hit refreshes `lastUsed`. A miss evicts idle workers (sparing this model's regular workers
    /// of any mode) until the model's tp GPUs are free, then allocates a slot and launches. The
    /// returned instance is not acquired.
    ///
    /// - Throws: `PoolError` `.unknownModel` or `.notEnoughGPUs` (no side effect), or
    ///   `.slotAllocationFailed` (eviction counts GPUs only, so memory or the tp window can still not
    ///   fit; the workers evicted on the way stay evicted and are listed in the error).
    public mutating func get(model: String, mode: ConnectionMode, now: Double) throws(PoolError)
        -> (instance: ModelInstance, outcome: PoolOutcome) {
        guard let spec = catalog[model] else {
            throw PoolError(.unknownModel, "unknown model '\(model)'")
        }
        let identity = WorkerIdentity(model: model, mode: mode)
        if store.contains(identity.key) {
            let order = nextEvent()
            store.update(identity.key) { $0.touch(now: now, order: order) }
            if let hit = store[identity.key] {
                if hit.refCount == 0 { noteIdle(hit) }
                return (hit, PoolOutcome())
            }
        }
        let evicted = evict(toFree: spec.tp, excluding: .regularWorkers(ofModel: model))
        let free = availableGPUCount
        guard free >= spec.tp else {
            throw PoolError(.notEnoughGPUs,
                            "cannot launch \(identity.key): need \(spec.tp) GPUs, only \(free) available after eviction",
                            evicted: evicted)
        }
        guard let slot = allocator.allocate([request(identity, spec)], preserveOrder: false).first else {
            throw PoolError(.slotAllocationFailed,
                            "failed to allocate a GPU slot for \(identity.key) (\(Self.gb(spec.memoryGB)) GB, tp \(spec.tp)) after eviction",
                            evicted: evicted)
        }
        let instance = launch(identity, slot: slot, now: now)
        return (instance, PoolOutcome(launched: [instance], evicted: evicted))
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
    ///
    /// - Throws: `PoolError` before any side effect for an unknown model, a key already running or
    ///   listed twice, a PD worker when RDMA is required and missing, or `.notEnoughGPUs`; after
    ///   eviction for `.slotAllocationFailed` (no worker of the request is launched then; the
    ///   evicted ones are listed in the error).
    public mutating func launchWorkers(_ identities: [WorkerIdentity], now: Double) throws(PoolError) -> PoolOutcome {
        var specs: [ModelSpec] = []
        var keys: Set<String> = []
        for identity in identities {
            guard let spec = catalog[identity.model] else {
                throw PoolError(.unknownModel, "unknown model '\(identity.model)' in \(identity.key)")
            }
            guard !store.contains(identity.key), keys.insert(identity.key).inserted else {
                throw PoolError(.alreadyRunning, "\(identity.key) is already running or requested twice")
            }
            if identity.type != .regular, requireRDMA, !rdma.hasDevice {
                throw PoolError(.rdmaRequired, "\(identity.key) needs an RDMA device and the topology has no RDMA NIC with an active port")
            }
            specs.append(spec)
        }
        guard !identities.isEmpty else { return PoolOutcome() }
        let total = specs.reduce(0) { $0 + $1.tp }
        let evicted = evict(toFree: total, excluding: .none)
        let free = availableGPUCount
        guard free >= total else {
            throw PoolError(.notEnoughGPUs,
                            "cannot launch \(identities.count) workers: need \(total) GPUs, only \(free) available after eviction",
                            evicted: evicted)
        }
        let requests = zip(identities, specs).map { request($0, $1) }
        let slots = allocator.allocate(requests, preserveOrder: true)
        guard slots.count == identities.count else {
            for slot in slots { allocator.release(slot) }
            let missing = identities.filter { identity in !slots.contains { $0.assignedModel == identity.key } }
            throw PoolError(.slotAllocationFailed,
                            "failed to allocate GPU slots for \(missing.map(\.key).joined(separator: ", ")) after eviction",
                            evicted: evicted)
        }
        var outcome = PoolOutcome(evicted: evicted)
        for (identity, slot) in zip(identities, slots) {
            outcome.launched.append(launch(identity, slot: slot, now: now))
        }
        return outcome
    }

    // MARK: Reference counting and lifecycle

    /// Marks `key` in use: refCount + 1 and `lastUsed = now`.
    ///
    /// - Throws: `.unknownKey`.
    public mutating func acquire(_ key: String, now: Double) throws(PoolError) {
        guard store.contains(key) else { throw PoolError(.unknownKey, "no worker '\(key)' to acquire") }
        let order = nextEvent()
        store.update(key) { instance in
            instance.refCount += 1
            instance.touch(now: now, order: order)
        }
    }

    /// Ends one use of `key`.
    ///
    /// - Throws: `.unknownKey`, or `.notAcquired` when nobody holds it (the reference only warned).
    public mutating func release(_ key: String) throws(PoolError) {
        guard let instance = store[key] else { throw PoolError(.unknownKey, "no worker '\(key)' to release") }
        guard instance.refCount > 0 else { throw PoolError(.notAcquired, "\(key) is not acquired") }
        store.update(key) { $0.refCount -= 1 }
        if instance.refCount == 1, let now = store[key] { noteIdle(now) }
    }

    /// Records that `key` passed its health check; returns false for an unknown key.
    @discardableResult
    public mutating func markHealthy(_ key: String) -> Bool {
        store.update(key) { $0.healthy = true }
    }

    /// Stops `key` (it died or timed out) and frees its GPUs, in use or not; returns what was removed.
    @discardableResult
    public mutating func remove(_ key: String) -> ModelInstance? {
        guard let instance = store.remove(key) else { return nil }
        if let slot = instance.slot {
            allocator.release(slot)
            usedGPUCount -= slot.gpuIDs.count
        }
        return instance
    }

    /// For ``EvictionPolicy/belady``: for each key, the index of the next test that needs it
    /// (absent = never again). Replaces the previous map.
    public mutating func setNextUse(_ nextUse: [String: Int]) {
        self.nextUse = nextUse
    }

    // MARK: Internals

    private func request(_ identity: WorkerIdentity, _ spec: ModelSpec) -> SlotRequest {
        SlotRequest(key: identity.key, memoryGB: spec.memoryGB, tp: spec.tp)
    }

    /// Records an idle worker's new last use in the eviction index (MRU and LRU only).
    private mutating func noteIdle(_ instance: ModelInstance) {
        guard eviction != .belady else { return }
        idle.add(instance)
        idle.compact(store: store)
    }

    /// The next pool-wide event number.
    private mutating func nextEvent() -> Int {
        eventCount += 1
        return eventCount
    }

    private mutating func launch(_ identity: WorkerIdentity, slot: GPUSlot, now: Double) -> ModelInstance {
        var bootstrap: Int?
        if identity.type == .prefill {
            bootstrap = nextBootstrapPort
            nextBootstrapPort += 1
        }
        let device = identity.type == .regular ? nil : rdma.device(firstGPU: slot.gpuIDs.first)
        let order = nextEvent()
        let instance = ModelInstance(key: identity.key, identity: identity, slot: slot, port: slot.port,
                                     bootstrapPort: bootstrap, rdmaDevice: device, launchedAt: now,
                                     lastUsed: now, lastUseOrder: order, launchOrder: order)
        store.insert(instance)
        noteIdle(instance)
        usedGPUCount += slot.gpuIDs.count
        return instance
    }

    static func gb(_ value: Double?) -> String {
        guard let value else { return "16" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
