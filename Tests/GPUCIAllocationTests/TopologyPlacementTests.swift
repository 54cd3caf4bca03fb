import GPUCISupport
import GPUCIAllocation
import GPUCITopology
import Testing

/// `PlacementPolicy.topology` on synthetic topologies built as values.
@Suite("Topology-aware placement")
struct TopologyPlacementTests {
    /// Reference and topology allocators over `topology` with the same GPUs used.
    static func pair(_ topology: Topology, used: Set<Int>) -> (reference: GPUAllocator, topology: GPUAllocator) {
        var reference = GPUAllocator(topology: topology)
        var aware = GPUAllocator(topology: topology, policy: .topology)
        reference.occupy(used)
        aware.occupy(used)
        return (reference, aware)
    }

    static func place(_ allocator: inout GPUAllocator, tp: Int, gb: Double = 10) -> [Int]? {
        allocator.allocate([SlotRequest(key: "r", memoryGB: gb, tp: tp)], preserveOrder: false).first?.gpuIDs
    }

    @Test("two NVLink islands: tp 2 stays inside an island where the reference crosses SYS")
    func islandsPair() {
        var (reference, aware) = Self.pair(Topologies.twoIslands(), used: [0, 1, 2])
        #expect(Self.place(&reference, tp: 2) == [3, 4])
        #expect(Self.place(&aware, tp: 2) == [4, 5])
    }

    @Test("two NVLink islands: tp 4 takes the whole free island")
    func islandsFour() {
        var (reference, aware) = Self.pair(Topologies.twoIslands(), used: [1])
        #expect(Self.place(&reference, tp: 4) == [0, 2, 3, 4])
        #expect(Self.place(&aware, tp: 4) == [4, 5, 6, 7])
    }

    @Test("two NVLink islands: tp 1 fills the island that is already split")
    func islandsSingle() {
        var (reference, aware) = Self.pair(Topologies.twoIslands(), used: [4, 5, 6])
        #expect(Self.place(&reference, tp: 1) == [0])
        #expect(Self.place(&aware, tp: 1) == [7])
        #expect(Self.place(&aware, tp: 4) == [0, 1, 2, 3])
    }

    @Test("Ascend A3: tp 2 takes a whole SIO die pair (MindCluster: free 0,2,3,4 → 2,3)")
    func a3DiePair() {
        let used = Set(0..<16).subtracting([0, 2, 3, 4])
        var (reference, aware) = Self.pair(Topologies.a3(), used: used)
        #expect(Self.place(&reference, tp: 2) == [0, 2])
        #expect(Self.place(&aware, tp: 2) == [2, 3])
    }

    @Test("Ascend A3: tp 4 takes whole die pairs on one NUMA node; tp 1 fills split pairs first")
    func a3Four() {
        var aware = GPUAllocator(topology: Topologies.a3(), policy: .topology)
        #expect(Self.place(&aware, tp: 1) == [0])
        #expect(Self.place(&aware, tp: 1) == [1])
        #expect(Self.place(&aware, tp: 4) == [4, 5, 6, 7])
        #expect(Self.place(&aware, tp: 1) == [2])
        #expect(Self.place(&aware, tp: 2) == [8, 9])
        #expect(Self.place(&aware, tp: 1) == [3])
    }

    @Test("8×A10 over PCIe: tp 2 prefers a PIX pair over a NODE window")
    func a10Pairs() {
        var (reference, aware) = Self.pair(Topologies.a10(), used: [0])
        #expect(Self.place(&reference, tp: 2) == [1, 2])
        #expect(Self.place(&aware, tp: 2) == [2, 3])
        var idle = GPUAllocator(topology: Topologies.a10(), policy: .topology)
        #expect(Self.place(&idle, tp: 4) == [0, 1, 2, 3])
    }

    @Test("interleaved NVLink pairs (0,4), (1,5)…: tp 2 gets a pair that is not adjacent in id order")
    func interleavedPairs() {
        let topology = Topologies.build(count: 8, numa: { _ in 0 }) { a, b in a % 4 == b % 4 ? .nvlink(2) : .phb }
        var (reference, aware) = Self.pair(topology, used: [1])
        #expect(Self.place(&reference, tp: 2) == [0, 2])
        #expect(Self.place(&aware, tp: 2) == [0, 4])
        #expect(Self.place(&aware, tp: 2) == [2, 6])
        #expect(Self.place(&aware, tp: 1) == [5])
    }

    @Test("HGX H200: tp 4 stays on one NUMA node")
    func h200Numa() {
        var (reference, aware) = Self.pair(Topologies.h200(), used: [0, 1])
        #expect(Self.place(&reference, tp: 4) == [2, 3, 4, 5])
        #expect(Self.place(&aware, tp: 4) == [4, 5, 6, 7])
    }

    @Test("memory still decides: a window that does not fit is never chosen")
    func memoryFirst() {
        var gpus = GPUInfo.list(from: Topologies.twoIslands())
        for k in 4..<8 { gpus[k].memoryMiB = 12 * 1024 }
        var aware = GPUAllocator(gpus: gpus, topology: Topologies.twoIslands(), policy: .topology)
        aware.occupy([0, 1, 2])
        #expect(Self.place(&aware, tp: 2, gb: 80) == [3, 4])
        #expect(Self.place(&aware, tp: 2, gb: 80) == nil)
    }

    @Test("without a topology the topology policy is the reference")
    func noTopology() {
        var plain = GPUAllocator(gpus: uniformGPUs(8), policy: .topology)
        plain.occupy([1, 2, 4])
        #expect(Self.place(&plain, tp: 2, gb: 100) == [0, 3])
    }

    @Test("random states: the topology choice fits whenever the reference's does, with no worse link",
          arguments: ["islands", "h200", "a3", "a10"])
    func neverWorse(name: String) {
        let topology = switch name {
        case "islands": Topologies.twoIslands()
        case "h200": Topologies.h200()
        case "a3": Topologies.a3()
        default: Topologies.a10()
        }
        let n = topology.devices.count
        var random = SplitMix64(seed: 42)
        let memories = [23_028, 81_559, 81_920, 143_771, 12 * 1024]
        for trial in 0..<300 {
            var gpus = GPUInfo.list(from: topology)
            if trial % 2 == 1 { for k in 0..<n { gpus[k].memoryMiB = memories[Int(random.next() % 5)] } }
            let used = Set((0..<n).filter { _ in random.next() % 3 == 0 })
            let tp = 1 + Int(random.next() % 6)
            let gb = Double(random.next() % 400)
            var reference = GPUAllocator(gpus: gpus, topology: topology)
            var aware = GPUAllocator(gpus: gpus, topology: topology, policy: .topology)
            reference.occupy(used)
            aware.occupy(used)
            let free = Set(aware.available)
            let expected = Self.place(&reference, tp: tp, gb: gb)
            let actual = Self.place(&aware, tp: tp, gb: gb)
            let context = "trial \(trial) used \(used.sorted()) tp \(tp) gb \(gb)"
            if tp == 1 { #expect((expected == nil) == (actual == nil), "\(context)") }
            guard let expected else { continue }
            guard let actual else {
                Issue.record("topology placement failed where the reference fits: \(context)")
                continue
            }
            #expect(actual.count == tp && Set(actual).isSubset(of: free), "\(context)")
            let memory = actual.reduce(0) { $0 + gpus[$1].memoryMiB }
            #expect(Double(memory) >= gb * 1024, "\(context)")
            #expect(Self.worstRank(actual, topology) <= Self.worstRank(expected, topology), "\(context)")
        }
    }

    @Test("over a uniform topology the topology policy makes the reference's decisions")
    func uniformEqualsReference() {
        let topology = Topologies.uniform(count: 24)
        var random = SplitMix64(seed: 7)
        var reference = GPUAllocator(topology: topology)
        var aware = GPUAllocator(topology: topology, policy: .topology)
        for step in 0..<200 {
            if random.next() % 3 == 0, let slot = reference.slots.randomElement(using: &random) {
                reference.release(slot)
                aware.release(slot)
            } else {
                let requests = TwinPropertyTests.randomRequests(&random, step: step, size: 24)
                #expect(aware.allocate(requests, preserveOrder: false) == reference.allocate(requests, preserveOrder: false))
            }
            #expect(aware.available == reference.available)
        }
    }

    static func worstRank(_ ids: [Int], _ topology: Topology) -> Int {
        var worst = 0
        for a in ids { for b in ids where a != b { worst = max(worst, topology.link(a, b).rank) } }
        return worst
    }
}
