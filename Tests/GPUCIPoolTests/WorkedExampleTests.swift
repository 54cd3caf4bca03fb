import GPUCIPool
import GPUCITopology
import Testing

/// The pool worked examples of the reference note (§8.9–8.14, §8.16).
@Suite struct WorkedExampleTests {
    typealias F = Fixtures

    /// §8.9: 4×80 GB startup with the anchor catalog.
    static func example9() -> (ModelPool, PoolOutcome) {
        var pool = ModelPool(topology: F.topology(4), catalog: F.anchorCatalog)
        let outcome = pool.startup([F.id("llama-8b"), F.id("qwen-30b"), F.id("gpt-oss"), F.id("llama-1b", .grpc),
                                    F.id("unknown-model")], now: 0)
        return (pool, outcome)
    }

    @Test func example9StartupDefersAndDrops() {
        let (pool, outcome) = Self.example9()
        #expect(outcome.launched.map(\.key) == ["llama-8b:http", "qwen-30b:http", "llama-1b:grpc"])
        #expect(outcome.launched.map(\.gpus) == [[0], [1, 2], [3]])
        #expect(outcome.deferred == [F.id("gpt-oss")])
        #expect(outcome.dropped == [F.id("unknown-model")])
        #expect(outcome.evicted.isEmpty)
        #expect(pool.availableGPUs.isEmpty)
    }

    @Test func example10GetEvictsMostRecentUntilEnough() throws {
        var (pool, _) = Self.example9()
        #expect(pool.evictionOrder().map(\.key) == ["llama-1b:grpc", "qwen-30b:http", "llama-8b:http"])
        let (instance, outcome) = try pool.get(model: "gpt-oss", mode: .http, now: 1)
        #expect(outcome.evicted == ["llama-1b:grpc", "qwen-30b:http"])
        #expect(instance.key == "gpt-oss:http")
        #expect(instance.gpus == [1, 2])
        #expect(pool.gpusByKey == ["llama-8b:http": [0], "gpt-oss:http": [1, 2]])
        #expect(pool.availableGPUs == [3])
    }

    static func example11() throws -> (ModelPool, PoolOutcome) {
        var (pool, _) = example9()
        _ = try pool.get(model: "gpt-oss", mode: .http, now: 1)
        let (hit, hitOutcome) = try pool.get(model: "llama-8b", mode: .http, now: 2)
        #expect(hit.lastUsed == 2)
        #expect(hitOutcome == PoolOutcome())
        let outcome = try pool.launchWorkers([F.id("llama-8b", .http, .prefill, 0), F.id("llama-8b", .http, .decode, 0)], now: 3)
        return (pool, outcome)
    }

    @Test func example11LaunchWorkersEvictsWithoutExclusions() throws {
        let (pool, outcome) = try Self.example11()
        #expect(outcome.evicted == ["llama-8b:http"])
        #expect(outcome.launched.map(\.key) == ["llama-8b:http:prefill_0", "llama-8b:http:decode_0"])
        #expect(outcome.launched.map(\.gpus) == [[0], [3]])
        #expect(outcome.launched[0].bootstrapPort == ModelPool.firstBootstrapPort)
        #expect(outcome.launched[1].bootstrapPort == nil)
        #expect(pool.instance("gpt-oss:http")?.gpus == [1, 2])
        #expect(pool.launchCommand(for: "llama-8b:http:decode_0").contains("--base-gpu-id"))
    }

    /// §8.12 is the reference's KeyError bug: gpuci refuses a prefill `get` before any side effect.
    @Test func example12PrefillGetIsRefusedCleanly() throws {
        var (pool, _) = try Self.example11()
        let before = pool.instances
        let free = pool.availableGPUs
        #expect(throws: PoolError.self) { _ = try pool.get(model: "llama-8b", mode: .http, type: .prefill, now: 4) }
        do {
            _ = try pool.get(model: "llama-8b", mode: .http, type: .prefill, now: 4)
        } catch {
            #expect(error.kind == .workerTypeNotOffered)
            #expect(error.evicted.isEmpty)
        }
        #expect(pool.instances == before)
        #expect(pool.availableGPUs == free)
        #expect(pool.instance("llama-8b:http") == nil)
    }

    /// §8.13: CI "e2e" job on 4×A10.
    @Test func example13EmbeddingGetEvictsLastLaunchedDecode() throws {
        var pool = ModelPool(topology: try TopologyLoader.load("4x23028MiB"), catalog: F.anchorCatalog)
        let startup = pool.startup([F.id("llama-8b", .grpc), F.id("llama-8b"), F.id("llama-8b", .http, .prefill),
                                    F.id("llama-8b", .http, .decode), F.id("embedding", .grpc), F.id("embedding")], now: 0)
        #expect(startup.launched.map(\.gpus) == [[0], [1], [2], [3]])
        #expect(startup.deferred == [F.id("embedding", .grpc), F.id("embedding")])
        let (instance, outcome) = try pool.get(model: "embedding", mode: .grpc, now: 1)
        #expect(outcome.evicted == ["llama-8b:http:decode_0"])
        #expect(instance.gpus == [3])
        #expect(pool.launchCommand(for: instance.key).contains("--is-embedding"))
    }

    /// §8.14: CI "benchmarks" job on 4×A10, llama-8b PD-first.
    @Test func example14RegularLaunchesEvictPDThenHTTP() throws {
        var pool = ModelPool(topology: try TopologyLoader.load("4x23028MiB"), catalog: F.anchorCatalog)
        let pd = [F.id("llama-8b", .http, .prefill, 0), F.id("llama-8b", .http, .prefill, 1),
                  F.id("llama-8b", .http, .decode, 0), F.id("llama-8b", .http, .decode, 1)]
        #expect(pool.startup(pd, now: 0).launched.map(\.gpus) == [[0], [1], [2], [3]])
        let http = (0..<4).map { F.id("llama-8b", .http, .regular, $0) }
        let first = try pool.launchWorkers(http, now: 1)
        #expect(first.evicted == ["llama-8b:http:decode_1", "llama-8b:http:decode_0",
                                  "llama-8b:http:prefill_1", "llama-8b:http:prefill_0"])
        #expect(first.launched.map(\.key) == ["llama-8b:http", "llama-8b:http:1", "llama-8b:http:2", "llama-8b:http:3"])
        #expect(first.launched.map(\.gpus) == [[0], [1], [2], [3]])
        let grpc = (0..<4).map { F.id("llama-8b", .grpc, .regular, $0) }
        let second = try pool.launchWorkers(grpc, now: 2)
        #expect(second.evicted == ["llama-8b:http:3", "llama-8b:http:2", "llama-8b:http:1", "llama-8b:http"])
        #expect(pool.instances.map(\.key) == grpc.map(\.key))
    }

    /// §8.16: the §8.15 requirement list on 8×H100 (81,559 MiB).
    @Test func example16FirstEightGetAGPUEachRestDeferred() {
        var pool = ModelPool(topology: F.topology(8, mib: 81559), catalog: F.anchorCatalog)
        let requirements = [
            F.id("qwen-7b", .grpc), F.id("qwen-7b"), F.id("qwen-7b", .http, .regular, 1), F.id("qwen-7b", .http, .regular, 2),
            F.id("qwen-7b", .http, .regular, 3), F.id("llama-8b"), F.id("llama-8b", .http, .regular, 1),
            F.id("llama-8b", .http, .prefill, 0), F.id("llama-8b", .http, .prefill, 1), F.id("llama-8b", .http, .decode, 0),
            F.id("gpt-oss", .http, .prefill, 0), F.id("gpt-oss", .http, .decode, 0), F.id("llama-1b"),
            F.id("mistral-7b", .grpc, .decode, 0), F.id("mistral-7b", .grpc, .decode, 1),
        ]
        let outcome = pool.startup(requirements, now: 0)
        #expect(outcome.launched.map(\.key) == requirements.prefix(8).map(\.key))
        #expect(outcome.launched.map(\.gpus) == (0..<8).map { [$0] })
        #expect(outcome.deferred == Array(requirements.dropFirst(8)))
    }
}
