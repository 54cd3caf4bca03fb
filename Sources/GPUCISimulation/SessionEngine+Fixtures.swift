import GPUCIPool

/// A live `setup_backend` fixture (class-scoped: shared by the class's items of one backend;
/// function-scoped: one item's): its workers, its gateway, or the error pytest caches.
struct ClassFixture {
    var node: String
    var backend: String?
    var owner: String
    var acquired: [String] = []
    var gpus: [Int] = []
    var gatewayUp = false
    var failure: String?
    var skip: String?
}

extension SessionEngine {
    /// The `setup_backend` fixture for `item`'s class and backend (§4.6 of the reference notes);
    /// `owner` names a function-scoped instance (the item), `nil` the class's.
    mutating func setupBackend(_ item: TestItem, backend name: String, model: String, owner: String? = nil) -> ClassFixture {
        var fixture = ClassFixture(node: item.classNode, backend: name, owner: owner ?? "\(item.classNode)[\(name)]")
        guard let backend = Backend(name, catalog: catalog) else {
            fixture.failure = "unknown backend '\(name)'"
            return fixture
        }
        var workers: [ModelInstance] = []
        let marker = item.markers.workers
        switch backend {
        case let .cloud(cloud):
            guard scenario.env[cloud.keyEnv] != nil else {
                fixture.skip = "\(cloud.keyEnv) not set"
                return fixture
            }
            if let failure = startGateway(owner: fixture.owner, mode: .cloud, item: item) {
                fixture.failure = failure
                return fixture
            }
            fixture.gatewayUp = true
            return fixture
        case .pd:
            let prefill = max(marker?.prefill ?? 0, 0) == 0 ? 1 : marker?.prefill ?? 1
            let decode = max(marker?.decode ?? 0, 0) == 0 ? 1 : marker?.decode ?? 1
            guard gpuCount > 0 else {
                fixture.skip = "PD needs CUDA"
                return fixture
            }
            guard gpuCount >= prefill + decode else {
                fixture.skip = "PD needs \(prefill + decode) GPUs, the runner has \(gpuCount)"
                return fixture
            }
            let existingPrefill = pool.workers(model: model, type: .prefill)
            let existingDecode = pool.workers(model: model, type: .decode)
            if existingPrefill.count >= prefill, existingDecode.count >= decode {
                workers = Array(existingPrefill.prefix(prefill)) + Array(existingDecode.prefix(decode))
            } else {
                let missing = freeIdentities(model: model, mode: .http, type: .prefill, have: existingPrefill.count, want: prefill)
                    + freeIdentities(model: model, mode: .http, type: .decode, have: existingDecode.count, want: decode)
                switch launchTogether(missing, for: item.id) {
                case let .failure(message):
                    fixture.failure = message
                    return fixture
                case let .success(new):
                    let newPrefill = new.filter { $0.identity.type == .prefill }
                    let newDecode = new.filter { $0.identity.type == .decode }
                    workers = Array((existingPrefill + newPrefill).prefix(prefill)) + Array((existingDecode + newDecode).prefix(decode))
                }
            }
        case let .local(mode):
            let count = (marker?.count ?? 0) == 0 ? 1 : marker?.count ?? 1
            if count > 1 {
                let existing = pool.workers(model: model, type: .regular).filter { $0.identity.mode == mode }
                if existing.count >= count {
                    workers = Array(existing.prefix(count))
                } else {
                    let missing = freeIdentities(model: model, mode: mode, type: .regular, have: existing.count, want: count)
                    switch launchTogether(missing, for: item.id) {
                    case let .failure(message):
                        fixture.failure = message
                        return fixture
                    case let .success(new):
                        workers = existing + new
                    }
                }
                if workers.isEmpty {
                    fixture.failure = "no \(model) \(mode.rawValue) workers"
                    return fixture
                }
            } else {
                switch getWorker(model: model, mode: mode, for: item.id) {
                case let .failure(message):
                    fixture.failure = message
                    return fixture
                case let .success(instance):
                    workers = [instance]
                }
            }
        }
        if let lost = workers.first(where: { !pool.isRunning($0.key) }) {
            // launch_workers evicts without exclusions, so it can stop a worker this very fixture
            // counted as existing. A regular gateway waits for every URL to register and times out;
            // a PD gateway only checks /health, so it starts and the requests fail.
            if backend == .pd {
                if startGateway(owner: fixture.owner, mode: .pd, item: item) == nil {
                    record(.gatewayStop, fixture.owner, test: item.id, detail: GatewayMode.pd.rawValue)
                }
                fixture.failure = "\(lost.key) was evicted by this fixture's own launch_workers; requests to it fail"
            } else {
                record(.gatewayStart, fixture.owner, test: item.id, detail: GatewayMode.regular.rawValue)
                let start = now
                sleep(seconds: item.markers.gateway?.timeout ?? 60)
                gatewayWait += now - start
                record(.gatewayStop, fixture.owner, test: item.id, detail: GatewayMode.regular.rawValue)
                fixture.failure = "TimeoutError: gateway never saw \(lost.key) (evicted by this fixture's own launch_workers)"
            }
            return fixture
        }
        for worker in workers {
            do {
                try pool.acquire(worker.key, now: now.seconds)
                fixture.acquired.append(worker.key)
            } catch {
                fixture.failure = error.message
            }
        }
        fixture.gpus = workers.flatMap(\.gpus)
        if fixture.failure == nil {
            let mode: GatewayMode = backend == .pd ? .pd : .regular
            if let failure = startGateway(owner: fixture.owner, mode: mode, item: item) {
                fixture.failure = failure
            } else {
                fixture.gatewayUp = true
            }
        }
        return fixture
    }

    /// Identities for the workers still missing, indices continuing from `have` and skipping keys
    /// already running (the reference would reuse such a key and leak the running worker).
    func freeIdentities(model: String, mode: ConnectionMode, type: WorkerType, have: Int, want: Int) -> [WorkerIdentity] {
        var identities: [WorkerIdentity] = []
        var index = have
        while have + identities.count < want {
            let identity = WorkerIdentity(model: model, mode: mode, type: type, index: index)
            if !pool.isRunning(identity.key) { identities.append(identity) }
            index += 1
        }
        return identities
    }

    enum Obtained<Value> {
        case success(Value)
        case failure(String)
    }

    /// `launch_workers` followed by `_wait_all_healthy`.
    mutating func launchTogether(_ identities: [WorkerIdentity], for test: String) -> Obtained<[ModelInstance]> {
        let outcome: PoolOutcome
        do {
            outcome = try pool.launchWorkers(identities, now: now.seconds)
        } catch {
            evicted(error.evicted, for: test, reason: "launch_workers")
            return .failure("RuntimeError: \(error.message)")
        }
        let start = now
        evicted(outcome.evicted, for: test, reason: "launch_workers")
        spawn(outcome.launched, for: test)
        workerWait += now - start
        let timedOut = waitHealthy(outcome.launched.map(\.key), grace: timing.initialGrace, for: test)
        if let first = timedOut.first {
            return .failure("worker \(first) did not become healthy within \(Int(timing.startupTimeout)) s")
        }
        return .success(outcome.launched)
    }

    /// `model_pool.get(model, mode)` followed, on a miss, by `_wait_for_instance`.
    mutating func getWorker(model: String, mode: ConnectionMode, for test: String) -> Obtained<ModelInstance> {
        let hit: (instance: ModelInstance, outcome: PoolOutcome)
        do {
            hit = try pool.get(model: model, mode: mode, now: now.seconds)
        } catch {
            evicted(error.evicted, for: test, reason: "get \(model):\(mode.rawValue)")
            return .failure("RuntimeError: \(error.message)")
        }
        guard !hit.outcome.launched.isEmpty else { return .success(hit.instance) }
        let start = now
        evicted(hit.outcome.evicted, for: test, reason: "get \(model):\(mode.rawValue)")
        spawn(hit.outcome.launched, for: test)
        workerWait += now - start
        if !waitHealthy([hit.instance.key], grace: 0, for: test).isEmpty {
            return .failure("TimeoutError: \(hit.instance.key) not healthy within \(Int(timing.startupTimeout)) s")
        }
        return .success(pool.instance(hit.instance.key) ?? hit.instance)
    }

    /// Starts a gateway and polls it (regular mode: `/workers` every 2 s; others `/health` every 1 s).
    /// Returns the failure message when it is not ready within its timeout.
    mutating func startGateway(owner: String, mode: GatewayMode, item: TestItem) -> String? {
        let start = now
        record(.gatewayStart, owner, test: item.id, detail: mode.rawValue)
        let interval: SimTime = mode == .regular ? 2_000_000 : 1_000_000
        let ready = start + SimTime.seconds(timing.gatewayStartup)
        let timeout = SimTime.seconds(item.markers.gateway?.timeout ?? 60)
        let polls = (ready - start + interval - 1) / interval
        let seen = start + polls * interval
        if seen - start > timeout {
            sleep(until: start + timeout)
            gatewayWait += now - start
            record(.gatewayStop, owner, test: item.id, detail: mode.rawValue)
            return "TimeoutError: \(mode.rawValue) gateway not ready within \(Int(timeout / 1_000_000)) s"
        }
        sleep(until: seen)
        gatewayWait += now - start
        record(.gatewayReady, owner, test: item.id, detail: mode.rawValue)
        return nil
    }

    /// Class teardown: gateway shutdown, release of the fixture's workers.
    mutating func teardown(_ fixture: ClassFixture) {
        if fixture.gatewayUp { record(.gatewayStop, fixture.owner) }
        for key in fixture.acquired where pool.isRunning(key) {
            try? pool.release(key)
        }
    }

    /// One item: the cached fixture result, the body's own pool calls and gateway, the body.
    mutating func runItem(_ item: TestItem, fixture: ClassFixture?, setupStart: SimTime) {
        if let failure = fixture?.failure {
            finish(item, .failed, reason: failure, setupStart: setupStart)
            return
        }
        if let skip = fixture?.skip {
            finish(item, .skipped, reason: skip, setupStart: setupStart)
            return
        }
        var gpus = fixture?.gpus ?? []
        var acquired: [String] = []
        var failure: String?
        for use in item.uses where failure == nil {
            switch getWorker(model: use.model, mode: use.mode, for: item.id) {
            case let .failure(message): failure = message
            case let .success(instance):
                do {
                    try pool.acquire(instance.key, now: now.seconds)
                    acquired.append(instance.key)
                    gpus += instance.gpus
                } catch {
                    failure = error.message
                }
            }
        }
        var gatewayUp = false
        if failure == nil, let mode = item.gatewayModes.first {
            failure = startGateway(owner: item.id, mode: mode, item: item)
            gatewayUp = failure == nil
        }
        if let failure {
            finish(item, .failed, reason: failure, setupStart: setupStart)
        } else {
            let start = now
            record(.testStart, item.id, gpus: gpus)
            sleep(seconds: item.seconds ?? timing.testSeconds)
            record(.testEnd, item.id, gpus: gpus)
            outcomes.append(TestOutcome(id: item.id, status: .passed, setupStart: setupStart, start: start, end: now, gpus: gpus))
        }
        if gatewayUp { record(.gatewayStop, item.id) }
        for key in acquired where pool.isRunning(key) { try? pool.release(key) }
    }

    mutating func finish(_ item: TestItem, _ status: TestStatus, reason: String, setupStart: SimTime) {
        record(status == .failed ? .testFailed : .testSkipped, item.id, detail: reason)
        outcomes.append(TestOutcome(id: item.id, status: status, reason: reason, setupStart: setupStart, start: now, end: now))
    }
}
