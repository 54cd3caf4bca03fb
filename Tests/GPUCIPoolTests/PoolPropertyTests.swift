import GPUCIAllocation
import GPUCIPool
import Testing

/// Random operation sequences: in-use workers are never evicted, and GPUs are conserved.
@Suite struct PoolPropertyTests {
    typealias F = Fixtures

    static let catalog = ModelCatalog([
        ModelSpec(id: "s", memoryGB: 8, tp: 1), ModelSpec(id: "m", memoryGB: 40, tp: 1),
        ModelSpec(id: "w", memoryGB: 60, tp: 2), ModelSpec(id: "x", memoryGB: 100, tp: 3),
        ModelSpec(id: "huge", memoryGB: 500, tp: 2),
    ])

    static func randomIdentity(_ rng: inout SeededGenerator) -> WorkerIdentity {
        F.id(catalog.models.randomElement(using: &rng)!.id, ConnectionMode.allCases.randomElement(using: &rng)!,
             WorkerType.allCases.randomElement(using: &rng)!, Int.random(in: 0..<3, using: &rng))
    }

    static func checkConservation(_ pool: ModelPool, gpuCount: Int, step: Int) {
        var owned: [Int] = []
        for instance in pool.instances {
            owned += instance.gpus
            #expect(instance.refCount >= 0)
        }
        #expect(Set(owned).count == owned.count, "a GPU is in two instances at step \(step)")
        #expect(Set(owned).isDisjoint(with: pool.availableGPUs), "a GPU is both owned and free at step \(step)")
        #expect((owned + pool.availableGPUs).sorted() == Array(0..<gpuCount), "GPUs lost at step \(step)")
    }

    @Test(arguments: EvictionPolicy.allCases)
    func inUseWorkersAreNeverEvictedAndGPUsAreConserved(policy: EvictionPolicy) throws {
        for seed in UInt64(1)...40 {
            var rng = SeededGenerator(seed: seed &* 7919 &+ UInt64(policy.rawValue.count))
            let gpuCount = Int.random(in: 1...8, using: &rng)
            var pool = ModelPool(topology: F.topology(gpuCount, mib: [24576, 49152, 81920].randomElement(using: &rng)!),
                                 catalog: Self.catalog, eviction: policy)
            for step in 0..<120 {
                let now = Double(step)
                let held = Set(pool.instances.filter { $0.refCount > 0 }.map(\.key))
                var removedOnPurpose: String?
                var released: String?
                let keys = pool.instances.map(\.key)
                var evicted: [String] = []
                switch Int.random(in: 0..<10, using: &rng) {
                case 0:
                    let requirements = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Self.randomIdentity(&rng) }
                    let outcome = pool.startup(requirements, now: now)
                    #expect(outcome.evicted.isEmpty)
                    #expect(outcome.launched.count + outcome.deferred.count + outcome.dropped.count == requirements.count)
                case 1, 2, 3:
                    let model = Self.catalog.models.randomElement(using: &rng)!.id
                    do {
                        let (instance, outcome) = try pool.get(model: model, mode: .allCases.randomElement(using: &rng)!, now: now)
                        evicted = outcome.evicted
                        #expect(pool.instance(instance.key)?.lastUsed == now)
                    } catch {
                        evicted = error.evicted
                    }
                case 4:
                    let identities = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.randomIdentity(&rng) }
                    let before = pool.instances.count
                    do {
                        let outcome = try pool.launchWorkers(identities, now: now)
                        evicted = outcome.evicted
                        #expect(outcome.launched.map(\.identity) == identities)
                    } catch {
                        evicted = error.evicted
                        #expect(pool.instances.count == before - error.evicted.count)
                    }
                case 5, 6:
                    if let key = keys.randomElement(using: &rng) { try pool.acquire(key, now: now) }
                case 7, 8:
                    if let key = held.sorted().randomElement(using: &rng) {
                        try pool.release(key)
                        released = key
                    }
                default:
                    if Bool.random(using: &rng), let key = keys.randomElement(using: &rng) {
                        removedOnPurpose = key
                        let removed = pool.remove(key)
                        #expect(removed != nil)
                    } else if let key = keys.randomElement(using: &rng) {
                        let marked = pool.markHealthy(key)
                        #expect(marked)
                    }
                }
                #expect(Set(evicted).isDisjoint(with: held), "seed \(seed) step \(step): evicted an in-use worker")
                // The slot cache stops an uncached worker when its last use ends.
                let stoppedOnRelease = policy == .slots(1) && released.map { pool.instance($0) == nil } == true
                for key in held where key != removedOnPurpose && !(stoppedOnRelease && key == released) {
                    #expect(pool.instance(key) != nil, "seed \(seed) step \(step): in-use \(key) disappeared")
                }
                Self.checkConservation(pool, gpuCount: gpuCount, step: step)
                if policy == .belady {
                    let upcoming = Dictionary(uniqueKeysWithValues: pool.instances.map { ($0.key, Int.random(in: 0..<50, using: &rng)) })
                    pool.setNextUse(upcoming.filter { _ in Bool.random(using: &rng) })
                }
            }
        }
    }

    @Test(arguments: [EvictionPolicy.mru, .lru, .belady])
    func evictionTakesAPrefixOfTheOrderAndStopsAsSoonAsEnoughAreFree(policy: EvictionPolicy) throws {
        var checked = 0
        for seed in UInt64(1)...60 {
            var rng = SeededGenerator(seed: seed)
            var pool = ModelPool(topology: F.topology(8), catalog: Self.catalog, eviction: policy)
            for step in 0..<12 {
                _ = try? pool.get(model: Self.catalog.models.randomElement(using: &rng)!.id,
                                  mode: .allCases.randomElement(using: &rng)!, now: Double(Int.random(in: 0...step, using: &rng)))
            }
            pool.setNextUse(Dictionary(uniqueKeysWithValues: pool.instances.compactMap { instance in
                Bool.random(using: &rng) ? (instance.key, Int.random(in: 0..<5, using: &rng)) : nil
            }))
            let order = pool.evictionOrder()
            let free = pool.availableGPUs.count
            guard let outcome = try? pool.launchWorkers([F.id("x", .grpc, .regular, 7)], now: 1) else { continue }
            // The evicted keys are a prefix of the eviction order, and dropping the last one would not have been enough.
            #expect(outcome.evicted == order.prefix(outcome.evicted.count).map(\.key))
            let freedBeforeLast = free + order.prefix(max(outcome.evicted.count - 1, 0)).reduce(0) { $0 + $1.gpus.count }
            if !outcome.evicted.isEmpty {
                #expect(freedBeforeLast < 3)
                checked += 1
            }
        }
        #expect(checked > 10)
    }
}
