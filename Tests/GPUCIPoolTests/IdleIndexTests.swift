import GPUCIAllocation
import GPUCIPool
import Testing

/// MRU and LRU evict from an index kept as workers are used (issue 13): on seeded random use
/// every eviction stops the workers `evictionOrder` ranks first, as the sort over the whole pool did.
@Suite struct IdleIndexTests {
    @Test(arguments: [EvictionPolicy.mru, .lru])
    func evictionsFollowTheFullOrder(policy: EvictionPolicy) throws {
        for seed: UInt64 in 1...12 {
            var random = SeededGenerator(seed: seed)
            let models = (0..<7).map { ModelSpec(id: "m\($0)", memoryGB: 16, tp: 1 + Int($0 % 3 == 0 ? 1 : 0)) }
            let gpus = (0..<6).map { GPUInfo(id: $0, name: "H100", memoryMiB: 81_920) }
            var pool = ModelPool(gpus: gpus, catalog: ModelCatalog(models), eviction: policy)
            var now = 0.0
            for step in 0..<300 {
                now += Double(random.next() % 3)  // equal times happen: ties go by event order
                let model = models[Int(random.next() % UInt64(models.count))]
                let mode: ConnectionMode = random.next() % 2 == 0 ? .http : .grpc
                switch random.next() % 6 {
                case 0...2:
                    let key = WorkerIdentity(model: model.id, mode: mode).key
                    let spec = model
                    let expectedOrder = pool.evictionOrder { $0.identity.model != model.id || $0.identity.type != .regular }
                    let free = pool.availableGPUCount
                    var expected: [String] = []
                    if pool.instance(key) == nil, free < spec.tp {
                        var freed = free
                        for instance in expectedOrder where freed < spec.tp {
                            expected.append(instance.key)
                            freed += instance.gpus.count
                        }
                    }
                    let evicted: [String]
                    do {
                        evicted = try pool.get(model: model.id, mode: mode, now: now).outcome.evicted
                    } catch {
                        evicted = error.evicted
                    }
                    #expect(evicted == expected, "seed \(seed) step \(step) \(policy)")
                case 3:
                    if let instance = pool.instances.randomElement(using: &random) { try pool.acquire(instance.key, now: now) }
                case 4:
                    if let instance = pool.instances.filter({ $0.refCount > 0 }).randomElement(using: &random) { try pool.release(instance.key) }
                default:
                    if random.next() % 4 == 0, let instance = pool.instances.randomElement(using: &random) { pool.remove(instance.key) }
                }
            }
        }
    }
}
