import GPUCIPool
import Testing

/// Health, removal of dead workers, reference counting errors, dictionary order.
@Suite struct LifecycleTests {
    typealias F = Fixtures

    @Test func removingADeadWorkerFreesItsGPUsEvenWhenInUse() throws {
        var pool = ModelPool(topology: F.topology(4), catalog: F.anchorCatalog)
        _ = pool.startup([F.id("gpt-oss"), F.id("llama-8b")], now: 0)
        try pool.acquire("gpt-oss:http", now: 1)
        #expect(pool.availableGPUs == [3])
        let removed = pool.remove("gpt-oss:http")
        #expect(removed?.gpus == [0, 1])
        #expect(pool.availableGPUs == [0, 1, 3])
        #expect(pool.availableGPUCount == 3)
        let again = pool.remove("gpt-oss:http")
        #expect(again == nil)
    }

    @Test func healthAndReferenceCounts() throws {
        var pool = ModelPool(topology: F.topology(2), catalog: F.anchorCatalog)
        let launched = pool.startup([F.id("llama-8b")], now: 0).launched
        #expect(launched.first?.healthy == false)
        let known = pool.markHealthy("llama-8b:http")
        let unknown = pool.markHealthy("nobody:http")
        #expect(known && !unknown)
        #expect(pool.instance("llama-8b:http")?.healthy == true)
        try pool.acquire("llama-8b:http", now: 5)
        try pool.acquire("llama-8b:http", now: 6)
        #expect(pool.instance("llama-8b:http")?.refCount == 2)
        #expect(pool.instance("llama-8b:http")?.lastUsed == 6)
        try pool.release("llama-8b:http")
        try pool.release("llama-8b:http")
        #expect(throws: PoolError(.notAcquired, "llama-8b:http is not acquired")) { try pool.release("llama-8b:http") }
        #expect(throws: PoolError.self) { try pool.acquire("nobody:http", now: 7) }
    }

    @Test func relaunchedKeyGoesToTheEndAndDuplicatesAreNotRelaunched() throws {
        var pool = ModelPool(topology: F.topology(4), catalog: F.anchorCatalog)
        let outcome = pool.startup([F.id("llama-8b"), F.id("llama-1b"), F.id("llama-8b")], now: 0)
        #expect(outcome.launched.map(\.key) == ["llama-8b:http", "llama-1b:http"])
        #expect(outcome.dropped == [F.id("llama-8b")])
        #expect(throws: PoolError.self) { _ = try pool.launchWorkers([F.id("llama-1b")], now: 1) }
        #expect(throws: PoolError.self) { _ = try pool.launchWorkers([F.id("qwen-7b"), F.id("qwen-7b")], now: 1) }
        #expect(pool.instances.count == 2)
        pool.remove("llama-8b:http")
        _ = try pool.get(model: "llama-8b", mode: .http, now: 2)
        #expect(pool.instances.map(\.key) == ["llama-1b:http", "llama-8b:http"])
        #expect(pool.workers(model: "llama-8b", type: .regular).map(\.key) == ["llama-8b:http"])
    }

    @Test func launchWorkersIsAllOrNothing() throws {
        // 3 GPUs of 16 GB: llama-8b fits one, gpt-oss (40 GB, tp 2) finds no window of 40 GB.
        var pool = ModelPool(topology: F.topology(3, mib: 16384), catalog: F.anchorCatalog)
        do {
            _ = try pool.launchWorkers([F.id("llama-8b"), F.id("gpt-oss")], now: 0)
            Issue.record("expected a slot allocation failure")
        } catch {
            #expect(error.kind == .slotAllocationFailed)
            #expect(error.message.contains("gpt-oss:http"))
        }
        #expect(pool.instances.isEmpty)
        #expect(pool.availableGPUs == [0, 1, 2])
    }
}
