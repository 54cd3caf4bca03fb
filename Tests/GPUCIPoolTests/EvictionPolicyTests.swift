import GPUCIPool
import Testing

@Suite struct EvictionPolicyTests {
    typealias F = Fixtures

    /// Four tp-1 models on four GPUs, used at times 1…4 (a, b, c, d), then b used again at 5.
    static func pool(_ policy: EvictionPolicy) throws -> ModelPool {
        let catalog = ModelCatalog(["a", "b", "c", "d", "e", "big"].map {
            ModelSpec(id: $0, memoryGB: 10, tp: $0 == "big" ? 2 : 1)
        })
        var pool = ModelPool(topology: F.topology(4), catalog: catalog, eviction: policy)
        for (time, model) in ["a", "b", "c", "d"].enumerated() {
            _ = try pool.get(model: model, mode: .http, now: Double(time + 1))
        }
        _ = try pool.get(model: "b", mode: .http, now: 5)
        return pool
    }

    @Test func mruEvictsMostRecentlyUsed() throws {
        var pool = try Self.pool(.mru)
        #expect(pool.evictionOrder().map(\.key) == ["b:http", "d:http", "c:http", "a:http"])
        let evicted = try pool.get(model: "e", mode: .http, now: 6).outcome.evicted
        #expect(evicted == ["b:http"])
    }

    @Test func lruEvictsLeastRecentlyUsed() throws {
        var pool = try Self.pool(.lru)
        #expect(pool.evictionOrder().map(\.key) == ["a:http", "c:http", "d:http", "b:http"])
        let (instance, outcome) = try pool.get(model: "big", mode: .http, now: 6)
        #expect(outcome.evicted == ["a:http", "c:http"])
        #expect(instance.gpus == [0, 2])
    }

    @Test func beladyEvictsNeverNeededThenFurthest() throws {
        var pool = try Self.pool(.belady)
        pool.setNextUse(["a:http": 9, "b:http": 7, "c:http": 12])
        #expect(pool.evictionOrder().map(\.key) == ["d:http", "c:http", "a:http", "b:http"])
        let evicted = try pool.get(model: "big", mode: .http, now: 6).outcome.evicted
        #expect(evicted == ["d:http", "c:http"])
    }

    @Test func beladyTiesFollowMRUOrder() throws {
        var pool = try Self.pool(.belady)
        pool.setNextUse(["a:http": 3, "b:http": 3, "c:http": 3, "d:http": 3])
        #expect(pool.evictionOrder().map(\.key) == ["b:http", "d:http", "c:http", "a:http"])
    }

    @Test func acquiredInstancesAreNeverCandidates() throws {
        var pool = try Self.pool(.mru)
        try pool.acquire("b:http", now: 6)
        try pool.acquire("d:http", now: 6)
        let (_, outcome) = try pool.get(model: "big", mode: .http, now: 7)
        #expect(outcome.evicted == ["c:http", "a:http"])
        #expect(pool.instance("b:http")?.refCount == 1)
        try pool.acquire("big:http", now: 8)
        // Every GPU is held by an acquired worker: nothing can be evicted.
        #expect(throws: PoolError.self) { _ = try pool.get(model: "a", mode: .http, now: 9) }
        try pool.release("b:http")
        let evicted = try pool.get(model: "a", mode: .http, now: 10).outcome.evicted
        #expect(evicted == ["b:http"])
    }

    /// As the reference: eviction stops idle workers in policy order until enough GPUs are free
    /// by count, and when even all of them are too few it has stopped them all before failing.
    @Test func evictionThatCannotFreeEnoughStopsEveryIdleWorkerThenFails() throws {
        let catalog = ModelCatalog(["a", "b", "c", "d"].map { ModelSpec(id: $0, memoryGB: 10) }
            + [ModelSpec(id: "t3", memoryGB: 10, tp: 3)])
        for attempt in 0..<2 {
            var wide = ModelPool(topology: F.topology(4), catalog: catalog)
            _ = wide.startup([F.id("a"), F.id("b"), F.id("c"), F.id("d")], now: 0)
            try wide.acquire("a:http", now: 1)
            try wide.acquire("b:http", now: 1)
            do {
                if attempt == 0 {
                    _ = try wide.get(model: "t3", mode: .http, now: 2)
                } else {
                    _ = try wide.launchWorkers([F.id("t3", .grpc)], now: 2)
                }
                Issue.record("expected not enough GPUs")
            } catch {
                #expect(error.kind == .notEnoughGPUs)
                #expect(error.evicted == ["d:http", "c:http"])
            }
            #expect(wide.instances.map(\.key) == ["a:http", "b:http"])
        }
    }

    @Test func getSparesItsOwnModelsRegularWorkersOfAnyMode() throws {
        let catalog = ModelCatalog([ModelSpec(id: "m", memoryGB: 10, tp: 1), ModelSpec(id: "n", memoryGB: 10, tp: 1)])
        var pool = ModelPool(topology: F.topology(2), catalog: catalog)
        _ = pool.startup([F.id("n"), F.id("m", .grpc)], now: 0)
        let (instance, outcome) = try pool.get(model: "m", mode: .http, now: 1)
        #expect(outcome.evicted == ["n:http"])
        #expect(instance.gpus == [0])
        #expect(pool.instances.map(\.key) == ["m:grpc", "m:http"])
    }

    @Test func getDoesEvictItsOwnModelsPDWorkers() throws {
        let catalog = ModelCatalog([ModelSpec(id: "m", memoryGB: 10, tp: 1)])
        var pool = ModelPool(topology: F.topology(2), catalog: catalog)
        _ = pool.startup([F.id("m", .http, .prefill), F.id("m", .http, .decode)], now: 0)
        let (_, outcome) = try pool.get(model: "m", mode: .http, now: 1)
        #expect(outcome.evicted == ["m:http:decode_0"])
    }

    @Test func failedGetReportsWhatItEvicted() throws {
        // Eviction counts GPUs only: freeing two 16 GB GPUs does not make room for a 40 GB tp-2 model.
        let catalog = ModelCatalog([ModelSpec(id: "small", memoryGB: 10, tp: 1), ModelSpec(id: "wide", memoryGB: 40, tp: 2)])
        var pool = ModelPool(topology: F.topology(2, mib: 16384), catalog: catalog)
        _ = pool.startup([F.id("small")], now: 0)
        do {
            _ = try pool.get(model: "wide", mode: .http, now: 1)
            Issue.record("expected a slot allocation failure")
        } catch {
            #expect(error.kind == .slotAllocationFailed)
            #expect(error.evicted == ["small:http"])
        }
        #expect(pool.instances.isEmpty)
        #expect(pool.availableGPUs == [0, 1])
    }
}
