import Benchmark
import GPUCIAllocation
import GPUCIPool
import GPUCITopology

/// A pool of `gpus` identical 80 GB GPUs, a catalog of `gpus + 1` tp-1 models, every GPU taken.
private func fullPool(gpus: Int, eviction: EvictionPolicy) -> (ModelPool, [String]) {
    let models = (0...gpus).map { "model-\($0)" }
    let catalog = ModelCatalog(models.map { ModelSpec(id: $0, memoryGB: 16, tp: 1) })
    let infos = (0..<gpus).map { GPUInfo(id: $0, name: "H100", memoryMiB: 81920) }
    var pool = ModelPool(gpus: infos, catalog: catalog, eviction: eviction)
    _ = pool.startup(models.dropLast().map { WorkerIdentity(model: $0, mode: .http) }, now: 0)
    return (pool, models)
}

/// Round-robin `get` over one model more than there are GPUs, continuing on one pool across
/// iterations. Under LRU every get misses and evicts one worker (the classic LRU worst case);
/// under MRU one get per round misses. Under Belady the pool is told, before each get, the next
/// use of the key just used (round-robin: one round later), so every get misses and evicts the
/// worker needed furthest ahead, as in a trace replay.
private func roundRobin(_ benchmark: Benchmark, gpus: Int, eviction: EvictionPolicy) {
    var (pool, models) = fullPool(gpus: gpus, eviction: eviction)
    let keys = models.map { WorkerIdentity(model: $0, mode: .http).key }
    var now = 1.0
    var next = gpus
    if eviction == .belady {
        pool.setNextUse(Dictionary(uniqueKeysWithValues: keys.indices.map { (keys[$0], $0) }))
    }
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        if eviction == .belady { pool.setNextUse(keys[next], Int(now) + models.count) }
        let result = try? pool.get(model: models[next], mode: .http, now: now)
        blackHole(result)
        next = (next + 1) % models.count
        now += 1
    }
    // Stop before the pool is freed: its deinit (O(n)) is not part of a get.
    benchmark.stopMeasurement()
    blackHole(pool)
}

/// ``roundRobin(_:gpus:eviction:)`` through the handle API with a reused eviction buffer.
private func roundRobinHandles(_ benchmark: Benchmark, gpus: Int, eviction: EvictionPolicy) {
    var (pool, models) = fullPool(gpus: gpus, eviction: eviction)
    let handles = models.map { pool.model($0)! }
    var evicted: [WorkerHandle] = []
    evicted.reserveCapacity(8)
    var now = 1.0
    var next = gpus
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        evicted.removeAll(keepingCapacity: true)
        let result = try? pool.get(handles[next], mode: .http, now: now, evicted: &evicted)
        blackHole(result)
        next = (next + 1) % models.count
        now += 1
    }
    // Stop before the pool is freed: its deinit (O(n)) is not part of a get.
    benchmark.stopMeasurement()
    blackHole(pool)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                           maxDuration: .seconds(2))

    for gpus in [8, 64, 1024, 4096] {
        Benchmark("pool.getEvict.lru.\(gpus)gpus", configuration: .init(scalingFactor: .kilo)) { benchmark in
            roundRobin(benchmark, gpus: gpus, eviction: .lru)
        }
        Benchmark("pool.getRoundRobin.mru.\(gpus)gpus", configuration: .init(scalingFactor: .kilo)) { benchmark in
            roundRobin(benchmark, gpus: gpus, eviction: .mru)
        }
        Benchmark("pool.getEvict.belady.\(gpus)gpus", configuration: .init(scalingFactor: .kilo)) { benchmark in
            roundRobin(benchmark, gpus: gpus, eviction: .belady)
        }
        Benchmark("pool.handles.getEvict.lru.\(gpus)gpus", configuration: .init(scalingFactor: .kilo)) { benchmark in
            roundRobinHandles(benchmark, gpus: gpus, eviction: .lru)
        }
        Benchmark("pool.handles.getRoundRobin.mru.\(gpus)gpus", configuration: .init(scalingFactor: .kilo)) { benchmark in
            roundRobinHandles(benchmark, gpus: gpus, eviction: .mru)
        }
    }

    // The §8.9–8.11 sequence on a fresh 4-GPU pool: startup, get with eviction, hit, PD launch.
    Benchmark("pool.workedExamples.4gpus", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let catalog = ModelCatalog([
            ModelSpec(id: "llama-8b", memoryGB: 16, tp: 1), ModelSpec(id: "llama-1b", memoryGB: 4, tp: 1),
            ModelSpec(id: "qwen-30b", memoryGB: 60, tp: 2), ModelSpec(id: "gpt-oss", memoryGB: 40, tp: 2),
        ])
        let gpus = (0..<4).map { GPUInfo(id: $0, name: "H100", memoryMiB: 81920) }
        let startup = [WorkerIdentity(model: "llama-8b", mode: .http), WorkerIdentity(model: "qwen-30b", mode: .http),
                       WorkerIdentity(model: "gpt-oss", mode: .http), WorkerIdentity(model: "llama-1b", mode: .grpc)]
        let pd = [WorkerIdentity(model: "llama-8b", mode: .http, type: .prefill),
                  WorkerIdentity(model: "llama-8b", mode: .http, type: .decode)]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var pool = ModelPool(gpus: gpus, catalog: catalog)
            blackHole(pool.startup(startup, now: 0))
            blackHole(try? pool.get(model: "gpt-oss", mode: .http, now: 1))
            blackHole(try? pool.get(model: "llama-8b", mode: .http, now: 2))
            blackHole(try? pool.launchWorkers(pd, now: 3))
        }
    }
}
