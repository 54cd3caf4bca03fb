import GPUCISupport
import GPUCIAllocation
import Testing

/// `GPUAllocator` (reference policy) against `ScalarGPUAllocator` on seeded random inputs:
/// identical created slots, live slots and free lists after every operation.
@Suite("SIMD allocator equals the scalar twin")
struct TwinPropertyTests {
    static let sizes = [0, 1, 7, 8, 9, 15, 16, 33, 64, 100, 1024]

    @Test("random GPU lists and operation mixes", arguments: sizes)
    func twin(size: Int) {
        let seeds: [UInt64] = size >= 1024 ? [1, 2] : Array(1...12)
        for seed in seeds {
            var random = SplitMix64(seed: seed &* 7919 &+ UInt64(size))
            let gpus = Self.randomGPUs(size, &random)
            var scalar = ScalarGPUAllocator(gpus: gpus, firstPort: 100)
            var simd = GPUAllocator(gpus: gpus, firstPort: 100)
            let operations = size >= 1024 ? 150 : 60
            for step in 0..<operations {
                let context = "size \(size) seed \(seed) step \(step)"
                switch random.next() % 10 {
                case 0..<5:
                    let requests = Self.randomRequests(&random, step: step, size: size)
                    let preserve = random.next() % 2 == 0
                    let expected = scalar.allocate(requests, preserveOrder: preserve)
                    let actual = simd.allocate(requests, preserveOrder: preserve)
                    #expect(actual == expected, "\(context): allocate \(requests)")
                case 5..<7:
                    if random.next() % 2 == 0, let slot = scalar.slots.randomElement(using: &random) {
                        scalar.release(slot)
                        simd.release(slot)
                    } else {
                        let key = random.next() % 2 == 0 ? "shared\(random.next() % 3)" : "k\(random.next() % UInt64(step + 1)).0"
                        #expect(simd.slot(for: key) == scalar.slot(for: key), "\(context): slot(for: \(key))")
                        if let slot = scalar.slot(for: key) {
                            scalar.release(slot)
                            simd.release(slot)
                        }
                    }
                case 7..<9:
                    let ids = Self.randomIDs(gpus, &random)
                    scalar.releaseGPUs(ids)
                    simd.releaseGPUs(ids)
                default:
                    if let slot = scalar.slots.randomElement(using: &random), slot.gpuIDs.count > 1 {
                        let part = Array(slot.gpuIDs.shuffled(using: &random).prefix(slot.gpuIDs.count - 1))
                        scalar.releaseGPUs(part)
                        simd.releaseGPUs(part)
                    }
                }
                #expect(simd.slots == scalar.slots, "\(context): slots")
                #expect(simd.available == scalar.available, "\(context): available")
                if simd.slots != scalar.slots || simd.available != scalar.available { return }
            }
        }
    }

    @Test("lists with repeated ids behave like the scalar twin")
    func repeatedIDs() {
        for seed: UInt64 in 1...20 {
            var random = SplitMix64(seed: seed)
            var gpus = Self.randomGPUs(12, &random)
            gpus[5].id = gpus[2].id
            gpus[9].id = gpus[2].id
            var scalar = ScalarGPUAllocator(gpus: gpus)
            var simd = GPUAllocator(gpus: gpus)
            for step in 0..<40 {
                if random.next() % 3 == 0 {
                    let ids = Self.randomIDs(gpus, &random)
                    scalar.releaseGPUs(ids)
                    simd.releaseGPUs(ids)
                } else {
                    let requests = Self.randomRequests(&random, step: step, size: 12)
                    #expect(simd.allocate(requests, preserveOrder: false) == scalar.allocate(requests, preserveOrder: false))
                }
                #expect(simd.slots == scalar.slots && simd.available == scalar.available, "seed \(seed) step \(step)")
            }
        }
    }

    /// Unique ids (sorted, shuffled or sparse), memory from a mix of real boards, small and odd sizes.
    static func randomGPUs(_ n: Int, _ random: inout SplitMix64) -> [GPUInfo] {
        let memories = [23_028, 23_029, 81_559, 81_561, 81_920, 143_769, 143_771, 12 * 1024, 24 * 1024, 0, 1, 65_536, 196_608]
        let mixed = random.next() % 3 != 0
        let uniform = memories[Int(random.next() % UInt64(memories.count))]
        var ids = Array(0..<n)
        switch random.next() % 3 {
        case 0: break
        case 1: ids.shuffle(using: &random)
        default: ids = Array(Array(0..<(3 * n + 1)).shuffled(using: &random).prefix(n))
        }
        return ids.map { id in
            GPUInfo(id: id, name: "g", memoryMiB: mixed ? memories[Int(random.next() % UInt64(memories.count))] : uniform)
        }
    }

    static func randomRequests(_ random: inout SplitMix64, step: Int, size: Int) -> [SlotRequest] {
        let gbs: [Double?] = [nil, 0, 8, 12.5, 16, 22.49, 22.5, 40, 44.9765625, 79.65, 80, 100, 140.4, 159.294921875, 160, 200, 300, 640]
        let count = 1 + Int(random.next() % 4)
        return (0..<count).map { k in
            let wide = size > 64 && random.next() % 8 == 0
            let tp: Int? = random.next() % 5 == 0 ? nil : Int(random.next() % (wide ? 64 : 8)) + 1
            let key = random.next() % 4 == 0 ? "shared\(random.next() % 3)" : "k\(step).\(k)"
            return SlotRequest(key: key, memoryGB: gbs[Int(random.next() % UInt64(gbs.count))], tp: tp)
        }
    }

    /// A random subset of the list's ids, sometimes with an id not in the list.
    static func randomIDs(_ gpus: [GPUInfo], _ random: inout SplitMix64) -> [Int] {
        var ids = gpus.map(\.id).filter { _ in random.next() % 4 == 0 }
        if random.next() % 5 == 0 { ids.append(10_000 + Int(random.next() % 10)) }
        return ids
    }
}
