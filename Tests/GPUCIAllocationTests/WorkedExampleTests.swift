import GPUCIAllocation
import Testing

/// The allocator examples of sglang-reference.md §8 (1–8), for the scalar twin and the SIMD
/// allocator under both policies (the topology policy over a uniform PHB topology must agree).
@Suite("Reference worked examples §8.1–8.8")
struct WorkedExampleTests {
    static let example1 = [
        SlotRequest(key: "A", memoryGB: 40, tp: 2), SlotRequest(key: "B", memoryGB: 70, tp: 1),
        SlotRequest(key: "C", memoryGB: 16, tp: 1), SlotRequest(key: "D", memoryGB: 160, tp: 2),
        SlotRequest(key: "E", memoryGB: 200, tp: 2),
    ]

    @Test("8.1 first-fit decreasing", arguments: AllocatorKind.allCases)
    func example1FirstFitDecreasing(kind: AllocatorKind) {
        var allocator = kind.make(uniformGPUs(8))
        let slots = allocator.allocate(Self.example1, preserveOrder: false)
        #expect(slots.map(\.assignedModel) == ["D", "B", "A", "C"])
        #expect(ids(slots) == [[0, 1], [2], [3, 4], [5]])
        #expect(slots.map(\.totalMemoryMiB) == [163_840, 81_920, 163_840, 81_920])
        #expect(allocator.available == [6, 7])
        #expect(allocator.slot(for: "E") == nil)
    }

    @Test("8.1 preserve order", arguments: AllocatorKind.allCases)
    func example1PreserveOrder(kind: AllocatorKind) {
        var allocator = kind.make(uniformGPUs(8))
        let slots = allocator.allocate(Self.example1, preserveOrder: true)
        #expect(placement(slots) == ["A": [0, 1], "B": [2], "C": [3], "D": [4, 5]])
        #expect(slots.map(\.assignedModel) == ["A", "B", "C", "D"])
        #expect(allocator.available == [6, 7])
        #expect(slots.map(\.port) == [30000, 30001, 30002, 30003])
    }

    @Test("8.2 windows are adjacent among free GPUs, not contiguous ids", arguments: AllocatorKind.allCases)
    func example2(kind: AllocatorKind) {
        var allocator = kind.make(uniformGPUs(8))
        allocator.occupy([1, 2, 4])
        #expect(allocator.available == [0, 3, 5, 6, 7])
        let slots = allocator.allocate([SlotRequest(key: "X", memoryGB: 100, tp: 2),
                                        SlotRequest(key: "Y", memoryGB: 10, tp: 3)], preserveOrder: true)
        #expect(placement(slots) == ["X": [0, 3], "Y": [5, 6, 7]])
    }

    @Test("8.3 no memory sorts as 0 but is fitted as 16 GB", arguments: AllocatorKind.allCases)
    func example3(kind: AllocatorKind) {
        var allocator = kind.make([GPUInfo(id: 0, name: "small", memoryMiB: 12 * 1024),
                                   GPUInfo(id: 1, name: "big", memoryMiB: 80 * 1024)])
        let slots = allocator.allocate([SlotRequest(key: "nomem"), SlotRequest(key: "m8", memoryGB: 8)], preserveOrder: false)
        #expect(slots.map(\.assignedModel) == ["m8", "nomem"])
        #expect(ids(slots) == [[0], [1]])
    }

    @Test("8.4 tp 1 scans list order, tp windows id order", arguments: AllocatorKind.allCases)
    func example4(kind: AllocatorKind) {
        var allocator = kind.make([GPUInfo(id: 3, name: "A10", memoryMiB: 24 * 1024),
                                   GPUInfo(id: 0, name: "H", memoryMiB: 80 * 1024),
                                   GPUInfo(id: 1, name: "H", memoryMiB: 80 * 1024)])
        let slots = allocator.allocate([SlotRequest(key: "p", memoryGB: 20, tp: 1),
                                        SlotRequest(key: "q", memoryGB: 100, tp: 2)], preserveOrder: true)
        #expect(placement(slots) == ["p": [3], "q": [0, 1]])
        #expect(allocator.available == [])
    }

    @Test("8.5 first-fit decreasing keeps ties in request order", arguments: AllocatorKind.allCases)
    func example5(kind: AllocatorKind) {
        var allocator = kind.make(uniformGPUs(4))
        let slots = allocator.allocate([SlotRequest(key: "t1", memoryGB: 14), SlotRequest(key: "t2", memoryGB: 16),
                                        SlotRequest(key: "t3", memoryGB: 14)], preserveOrder: false)
        #expect(slots.map(\.assignedModel) == ["t2", "t1", "t3"])
        #expect(ids(slots) == [[0], [1], [2]])
    }

    @Test("8.6 releasing part of a slot drops the record, the rest stays used", arguments: AllocatorKind.allCases)
    func example6(kind: AllocatorKind) {
        var allocator = kind.make(uniformGPUs(4))
        _ = allocator.allocate([SlotRequest(key: "r1", memoryGB: 100, tp: 2), SlotRequest(key: "r2", memoryGB: 40)],
                               preserveOrder: true)
        #expect(ids(allocator.slots) == [[0, 1], [2]])
        allocator.releaseGPUs([1])
        #expect(allocator.available == [1, 3])
        #expect(allocator.slots.map(\.assignedModel) == ["r2"])
        #expect(allocator.slot(for: "r1") == nil)
        allocator.releaseGPUs([0])
        #expect(allocator.available == [0, 1, 3])
        #expect(allocator.slots.map(\.assignedModel) == ["r2"])
    }

    @Test("8.7 an 80 GB request does not fit an 81,559 MiB H100", arguments: AllocatorKind.allCases)
    func example7(kind: AllocatorKind) {
        var allocator = kind.make([GPUInfo(id: 0, name: "H100", memoryMiB: 81_559)])
        #expect(allocator.allocate([SlotRequest(key: "big", memoryGB: 80)], preserveOrder: false).isEmpty)
        #expect(allocator.available == [0])
        let fits = allocator.allocate([SlotRequest(key: "fits", memoryGB: 79.6)], preserveOrder: false)
        #expect(ids(fits) == [[0]])
        #expect(fits.first?.totalMemoryMiB == 81_559)
    }

    @Test("8.8 4×A10: 60 GB tp2 never fits, 40 GB tp2 does", arguments: AllocatorKind.allCases)
    func example8(kind: AllocatorKind) {
        var allocator = kind.make((0..<4).map { GPUInfo(id: $0, name: "A10", memoryMiB: 23_028) })
        #expect(allocator.allocate([SlotRequest(key: "qwen-30b", memoryGB: 60, tp: 2)], preserveOrder: false).isEmpty)
        let slots = allocator.allocate([SlotRequest(key: "qwen-30b", memoryGB: 60, tp: 2),
                                        SlotRequest(key: "gpt-oss", memoryGB: 40, tp: 2)], preserveOrder: false)
        #expect(placement(slots) == ["gpt-oss": [0, 1]])
        #expect(slots.first?.totalMemoryMiB == 46_056)
    }

    @Test("an allocator without GPUs makes no slots", arguments: AllocatorKind.allCases)
    func noGPUs(kind: AllocatorKind) {
        var allocator = kind.make([])
        #expect(allocator.allocate([SlotRequest(key: "a")], preserveOrder: false).isEmpty)
        #expect(allocator.available.isEmpty)
    }

    @Test("tp below 1 gets no slot", arguments: AllocatorKind.allCases)
    func nonPositiveTP(kind: AllocatorKind) {
        var allocator = kind.make(uniformGPUs(2))
        #expect(allocator.allocate([SlotRequest(key: "z", memoryGB: 0, tp: 0),
                                    SlotRequest(key: "n", memoryGB: 0, tp: -2)], preserveOrder: true).isEmpty)
        #expect(allocator.available == [0, 1])
    }
}
