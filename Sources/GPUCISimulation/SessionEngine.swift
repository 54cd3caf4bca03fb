import GPUCIPool
import GPUCITopology

/// The event loop of one simulated session: the virtual clock, the queue of scheduled happenings,
/// the pool, and the recorded log. pytest itself is one sequential process; workers boot in parallel.
struct SessionEngine {
    enum Happening: Sendable {
        /// A worker's server starts answering its health check.
        case workerReady(worker: WorkerHandle, generation: Int)
        /// The session process wakes up (end of a sleep, a health poll, a test body).
        case wake(token: Int)
    }

    /// What the simulator knows about a launched worker beyond the pool's record.
    struct Boot {
        var key: String
        var gpus: [Int]
        var readyAt: SimTime
        var generation: Int
        var ready = false
    }

    let scenario: Scenario
    let catalog: ModelCatalog
    let timing: TimingModel
    let gpuCount: Int
    let eviction: EvictionPolicy
    let allocation: AllocationPolicy
    let requirements: [WorkerIdentity]
    var pool: ModelPool
    var now: SimTime = 0
    var queue = EventQueue<Happening>()
    var log: [SimulationEvent] = []
    var outcomes: [TestOutcome] = []
    var processed = 0
    var workerWait: SimTime = 0
    var gatewayWait: SimTime = 0
    /// Per pool handle, the boot of the worker while it runs.
    var boots: [Boot?] = []
    var generation = 0
    var nextToken = 0
    var poolStarted = false
    var nextUse: NextUseIndex?

    init(scenario: Scenario, catalog: ModelCatalog, topology: Topology, eviction: EvictionPolicy,
         allocation: AllocationPolicy, requirements: [WorkerIdentity], withoutGPUs: Bool = false) {
        self.scenario = scenario
        self.catalog = catalog
        self.timing = scenario.timing
        self.gpuCount = topology.devices.count
        self.eviction = eviction
        self.allocation = allocation
        self.requirements = requirements
        self.pool = withoutGPUs
            ? ModelPool(gpus: [], catalog: catalog, placement: allocation.placement, eviction: eviction)
            : ModelPool(topology: topology, catalog: catalog, placement: allocation.placement, eviction: eviction)
    }

    // MARK: Clock

    /// Records an event now.
    mutating func record(_ kind: EventKind, _ key: String, gpus: [Int] = [], test: String? = nil, detail: String? = nil) {
        log.append(SimulationEvent(time: now, seq: log.count, kind: kind, key: key, gpus: gpus, test: test, detail: detail))
    }

    /// Lets time pass until `time`, handling every happening scheduled before it in (time, seq) order.
    mutating func sleep(until time: SimTime) {
        let token = nextToken
        nextToken += 1
        queue.schedule(.wake(token: token), at: max(time, now))
        while let entry = queue.pop() {
            now = entry.time
            processed += 1
            switch entry.payload {
            case let .workerReady(worker, generation):
                if var boot = boot(worker), boot.generation == generation {
                    boot.ready = true
                    boots[Int(worker.index)] = boot
                    record(.ready, boot.key, gpus: boot.gpus)
                }
            case let .wake(woken):
                if woken == token { return }
            }
        }
    }

    mutating func sleep(seconds: Double) { sleep(until: now + SimTime.seconds(seconds)) }

    // MARK: Workers

    /// The pool's handle of a worker it launched.
    func handle(_ key: String) -> WorkerHandle {
        guard let worker = pool.handle(of: key) else { preconditionFailure("the pool launched \(key) without interning it") }
        return worker
    }

    /// The boot of the running `worker`, if the session launched it.
    func boot(_ worker: WorkerHandle) -> Boot? {
        Int(worker.index) < boots.count ? boots[Int(worker.index)] : nil
    }

    /// Records the launch of `instance` now and schedules the moment its server answers.
    mutating func launched(_ instance: ModelInstance, for test: String?) {
        generation += 1
        let startup = catalog[instance.identity.model].map { timing.startupSeconds(for: $0) } ?? 60
        let worker = handle(instance.key)
        let boot = Boot(key: instance.key, gpus: instance.gpus, readyAt: now + SimTime.seconds(startup), generation: generation)
        let index = Int(worker.index)
        if index >= boots.count { boots.append(contentsOf: repeatElement(nil, count: index + 1 - boots.count)) }
        boots[index] = boot
        record(.launch, instance.key, gpus: instance.gpus, test: test)
        queue.schedule(.workerReady(worker: worker, generation: generation), at: boot.readyAt)
    }

    /// Forgets the boot of `key` (evicted or timed out); returns its GPUs.
    mutating func forget(_ key: String) -> [Int] {
        guard let worker = pool.handle(of: key), Int(worker.index) < boots.count else { return [] }
        defer { boots[Int(worker.index)] = nil }
        return boots[Int(worker.index)]?.gpus ?? []
    }

    /// Records evictions (each costs a terminate) and forgets their boots.
    mutating func evicted(_ keys: [String], for test: String?, reason: String) {
        for key in keys {
            record(.evict, key, gpus: forget(key), test: test, detail: reason)
            sleep(seconds: timing.terminateSeconds)
        }
    }

    /// Spawns the launched workers one after another (each costs `spawnSeconds`).
    mutating func spawn(_ instances: [ModelInstance], for test: String?) {
        for (index, instance) in instances.enumerated() {
            if index > 0 { sleep(seconds: timing.spawnSeconds) }
            launched(instance, for: test)
        }
        if !instances.isEmpty { sleep(seconds: timing.spawnSeconds) }
    }

    /// `_wait_all_healthy` / `_wait_for_instance`: polls every interval from now (+ grace) until every
    /// key is healthy or the startup timeout passes; timed-out workers are removed and returned.
    mutating func waitHealthy(_ keys: [String], grace: Double, for test: String?) -> [String] {
        var pending = keys.compactMap { key in pool.handle(of: key).flatMap { pool.isHealthy($0) == false ? $0 : nil } }
        guard !pending.isEmpty else { return [] }
        let start = now
        let deadline = start + SimTime.seconds(timing.startupTimeout)
        if grace > 0 { sleep(seconds: grace) }
        while true {
            pending.removeAll { worker in
                guard let boot = boot(worker), boot.ready else { return false }
                pool.markHealthy(worker)
                record(.healthy, boot.key, gpus: boot.gpus, test: test)
                return true
            }
            if pending.isEmpty { break }
            let next = now + SimTime.seconds(timing.healthCheckInterval)
            if next - start >= deadline - start {
                sleep(until: next)
                break
            }
            sleep(until: next)
        }
        workerWait += now - start
        let timedOut = pending.map { pool.key(of: $0) }
        for key in timedOut {
            record(.timeout, key, gpus: forget(key), test: test, detail: "not healthy within \(Int(timing.startupTimeout)) s")
            pool.remove(key)
        }
        return timedOut
    }

    // MARK: Session

    mutating func runSession() {
        let fixtureModel = scenario.env["E2E_MODEL"].flatMap { $0.isEmpty ? nil : $0 } ?? Scenario.defaultModel
        if eviction == .belady {
            nextUse = NextUseIndex(items: scenario.tests) { $0.markers.model ?? fixtureModel }
        }
        let perItem = scenario.setupBackendScope == .function
        var active: ClassFixture?
        let tests = scenario.tests
        for index in tests.indices {
            let item = tests[index]
            if let current = active, current.backend != item.setupBackend || current.node != item.classNode {
                teardown(current)
                active = nil
            }
            let setupStart = now
            record(.setupStart, item.id)
            if let reason = item.skip {
                // pytest evaluates skip marks before any fixture of the item is set up.
                finish(item, .skipped, reason: reason, setupStart: setupStart)
                continue
            }
            if !poolStarted, Self.needsPool(item) { startPool(for: item.id) }
            if nextUse != nil {
                nextUse?.advance(to: index)
                pool.setNextUse(nextUse?.current ?? [:])
            }
            if active == nil, let backend = item.setupBackend {
                active = setupBackend(item, backend: backend, model: item.markers.model ?? fixtureModel, owner: perItem ? item.id : nil)
            }
            runItem(item, fixture: active, setupStart: setupStart)
            if perItem, let current = active {
                teardown(current)
                active = nil
            }
        }
        if let current = active { teardown(current) }
        record(.sessionEnd, "session")
    }

    static func needsPool(_ item: TestItem) -> Bool {
        item.setupBackend != nil || item.markers.e2e || !item.uses.isEmpty
    }

    /// The session-scoped `model_pool` fixture: pre-launch the scanned requirements and wait for them.
    mutating func startPool(for test: String) {
        poolStarted = true
        record(.poolStartup, "pool", detail: requirements.map(\.key).joined(separator: ","))
        var order = requirements
        if allocation == .ffd {
            order = requirements.enumerated().sorted { a, b in
                let ma = catalog[a.element.model]?.memoryGB ?? 0, mb = catalog[b.element.model]?.memoryGB ?? 0
                return ma != mb ? ma > mb : a.offset < b.offset
            }.map(\.element)
        }
        let start = now
        var launchedKeys: [String] = []
        for identity in order {
            if !launchedKeys.isEmpty {
                sleep(seconds: timing.spawnSeconds + timing.launchStagger)
            }
            let outcome = pool.startup([identity], now: now.seconds)
            for instance in outcome.launched {
                launched(instance, for: test)
                launchedKeys.append(instance.key)
            }
            for deferred in outcome.deferred + outcome.refused {
                record(.deferred, deferred.key, test: test, detail: "too few free GPUs or no slot fits at startup")
            }
            for dropped in outcome.dropped {
                record(.deferred, dropped.key, test: test, detail: "dropped: unknown model or already running")
            }
        }
        if !launchedKeys.isEmpty { sleep(seconds: timing.spawnSeconds) }
        workerWait += now - start
        _ = waitHealthy(launchedKeys, grace: timing.initialGrace, for: test)
    }
}
