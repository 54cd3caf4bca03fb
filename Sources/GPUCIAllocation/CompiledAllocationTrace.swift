/// An ``AllocationTrace`` with its keys interned, each batch in processing order and every
/// operand in flat arrays: what ``GPUAllocatorCore`` replays with no allocation per operation.
public struct CompiledAllocationTrace: Sendable {
    /// One allocator call over handles.
    public enum Operation: Sendable, Hashable {
        /// `requests[range]`, one `allocate` each, in processing order.
        case allocate(Range<Int>)
        /// `release(firstSlot(for: key))`; nothing when the key has no live slot.
        case release(KeyHandle)
        /// `releaseGPUs(gpuIDs[range])`.
        case releaseGPUs(Range<Int>)
    }

    /// The GPU list.
    public let gpus: [GPUInfo]
    /// The trace's keys.
    public let keys: KeyInterner
    /// Calls in trace order.
    public let operations: [Operation]
    /// Every batch's requests, first-fit-decreasing ordered where the batch asked for it.
    public let requests: [CoreRequest]
    /// Every `releaseGPUs` operand.
    public let gpuIDs: [Int]

    /// Compiles `trace`.
    public init(_ trace: AllocationTrace) {
        var keys = KeyInterner()
        var operations: [Operation] = []
        var requests: [CoreRequest] = []
        var gpuIDs: [Int] = []
        operations.reserveCapacity(trace.steps.count)
        for step in trace.steps {
            switch step.operation {
            case .allocate(let batch, let preserveOrder):
                let ordered = preserveOrder || batch.count < 2 ? batch : ScalarGPUAllocator.firstFitDecreasingOrder(batch)
                let start = requests.count
                for request in ordered { requests.append(CoreRequest(request, key: keys.handle(for: request.key))) }
                operations.append(.allocate(start..<requests.count))
            case .release(let key):
                operations.append(.release(keys.handle(for: key)))
            case .releaseGPUs(let ids):
                let start = gpuIDs.count
                gpuIDs += ids
                operations.append(.releaseGPUs(start..<gpuIDs.count))
            }
        }
        gpus = trace.gpus
        self.keys = keys
        self.operations = operations
        self.requests = requests
        self.gpuIDs = gpuIDs
    }

    /// A core over the trace's GPUs with its key table already sized (so replays do not grow it).
    public func makeCore(firstPort: Int = 30000) -> GPUAllocatorCore {
        var core = GPUAllocatorCore(gpus: gpus, firstPort: firstPort)
        core.reserveKeys(keys.count)
        return core
    }

    /// Performs operation `index` on `core`; returns the number of slots made.
    @inlinable
    public func perform(_ index: Int, on core: inout GPUAllocatorCore) -> Int {
        switch operations[index] {
        case .allocate(let range):
            var made = 0
            for request in range where core.allocate(requests[request]) != nil { made &+= 1 }
            return made
        case .release(let key):
            if let slot = core.firstSlot(for: key) { core.release(slot) }
            return 0
        case .releaseGPUs(let range):
            gpuIDs.withUnsafeBufferPointer { ids in
                core.releaseGPUs(UnsafeBufferPointer(rebasing: ids[range]))
            }
            return 0
        }
    }

    /// Performs every operation on `core` in order; returns the number of slots made.
    @inlinable
    public func perform(on core: inout GPUAllocatorCore) -> Int {
        var made = 0
        for index in operations.indices { made &+= perform(index, on: &core) }
        return made
    }
}
