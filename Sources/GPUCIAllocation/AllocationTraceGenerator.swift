import GPUCISupport
/// Seeded random traces for benchmarks and tests: alloc/release mixes over a mixed-memory node farm.
///
/// GPUs come in boards of 8 of one kind (A10 23,028 MiB, H100 81,559 MiB, 80 GB, H200
/// 143,771 MiB) with ids in list order. Operations: about half `allocate` (1–3 specs of 0–200 GB
/// or no memory, tp 1, 2, 4 or 8), a third `release` of a live key, the rest `releaseGPUs` of a
/// live slot's GPUs (one in eight only part of them). Live keys come from replaying the trace
/// on ``ScalarGPUAllocator`` while generating.
public struct AllocationTraceGenerator: Sendable {
    /// Memory per board kind, MiB.
    static let boardMemory = [23_028, 81_559, 81_920, 143_771]
    static let boardNames = ["A10", "H100", "GPU 80GB", "H200"]
    static let memoryChoices: [Double?] = [nil, 8, 16, 20, 40, 70, 80, 100, 160, 200]
    static let tpChoices: [Int?] = [nil, 1, 1, 2, 2, 4, 8]

    /// GPUs in the generated list.
    public var gpuCount: Int
    /// Operations after the header.
    public var operationCount: Int
    /// Seed of the random choices.
    public var seed: UInt64

    /// Describes a trace of `operations` steps over `gpus` GPUs.
    public init(gpus: Int, operations: Int, seed: UInt64 = 1) {
        gpuCount = max(0, gpus)
        operationCount = max(0, operations)
        self.seed = seed
    }

    /// The GPU list: boards of 8 GPUs of one kind each.
    public func gpuList() -> [GPUInfo] {
        var random = SplitMix64(seed: seed ^ 0x6770_7563_6921)
        var kinds: [Int] = []
        return (0..<gpuCount).map { id in
            if id % 8 == 0 { kinds.append(Int(random.next() % UInt64(Self.boardMemory.count))) }
            let kind = kinds[id / 8]
            return GPUInfo(id: id, name: Self.boardNames[kind], memoryMiB: Self.boardMemory[kind])
        }
    }

    /// The trace (steps numbered as lines of ``AllocationTrace/text``).
    public func generate() -> AllocationTrace {
        var random = SplitMix64(seed: seed)
        let gpus = gpuList()
        var allocator = ScalarGPUAllocator(gpus: gpus)
        var steps: [TraceStep] = []
        var nextKey = 0
        for index in 0..<operationCount {
            let roll = random.next() % 100
            let operation: TraceOperation
            if roll < 50 || allocator.slots.isEmpty {
                let count = 1 + Int(random.next() % 3)
                let requests = (0..<count).map { _ -> SlotRequest in
                    defer { nextKey += 1 }
                    return SlotRequest(key: "w\(nextKey)", memoryGB: pick(Self.memoryChoices, &random),
                                       tp: pick(Self.tpChoices, &random))
                }
                operation = .allocate(requests, preserveOrder: random.next() % 4 == 0)
            } else {
                let slot = allocator.slots[Int(random.next() % UInt64(allocator.slots.count))]
                if roll < 85 {
                    operation = .release(key: slot.assignedModel)
                } else if slot.gpuIDs.count > 1 && random.next() % 8 == 0 {
                    operation = .releaseGPUs(Array(slot.gpuIDs.prefix(slot.gpuIDs.count / 2)))
                } else {
                    operation = .releaseGPUs(slot.gpuIDs)
                }
            }
            _ = operation.apply(to: &allocator)
            steps.append(TraceStep(line: index + 2, operation: operation))
        }
        return AllocationTrace(gpus: gpus, steps: steps)
    }

    private func pick<T>(_ choices: [T], _ random: inout SplitMix64) -> T {
        choices[Int(random.next() % UInt64(choices.count))]
    }
}
