/// A recorded or generated sequence of allocator calls: the GPU list, then one operation per line.
///
/// The text form is JSON Lines: an optional header `{"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"}]}`
/// (list order matters) and then operations:
/// `{"op":"allocate","specs":[{"key":"a","memoryGB":40,"tp":2}],"preserveOrder":false}`,
/// `{"op":"release","key":"a"}`, `{"op":"releaseGPUs","gpus":[1]}`.
/// Replaying writes one JSON line per operation (``TraceOutcome/jsonLine``).
public struct AllocationTrace: Sendable, Hashable {
    /// The GPU list the operations run against.
    public var gpus: [GPUInfo]
    /// Operations in trace order.
    public var steps: [TraceStep]

    /// Creates a trace over `gpus`.
    public init(gpus: [GPUInfo], steps: [TraceStep]) {
        self.gpus = gpus
        self.steps = steps
    }

    /// The JSON Lines text: the header, then one line per step (ends with a newline).
    public var text: String {
        var lines = [TraceJSON.header(gpus)]
        lines += steps.map { TraceJSON.operation($0.operation) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs every step on `allocator` in order, handing each outcome to `body`.
    @inlinable
    public func replay<Allocator: SlotAllocator>(
        on allocator: inout Allocator, _ body: (TraceStep, TraceOutcome) throws -> Void
    ) rethrows {
        for step in steps {
            try body(step, step.operation.apply(to: &allocator))
        }
    }
}

/// One operation and the line it came from.
public struct TraceStep: Sendable, Hashable {
    /// 1-based line in the trace text (0 for generated steps not yet written).
    public var line: Int
    /// What to do.
    public var operation: TraceOperation

    /// Creates a step.
    public init(line: Int, operation: TraceOperation) {
        self.line = line
        self.operation = operation
    }
}

/// One allocator call.
public enum TraceOperation: Sendable, Hashable {
    /// `allocate(specs, preserveOrder:)`.
    case allocate([SlotRequest], preserveOrder: Bool)
    /// `release(slot(for: key))`; nothing happens when no live slot has that key.
    case release(key: String)
    /// `releaseGPUs(ids)`.
    case releaseGPUs([Int])

    /// Performs the call without building the outcome (no free list is read back); returns the
    /// number of slots made. This is what the benchmarks time.
    @inlinable
    public func perform<Allocator: SlotAllocator>(on allocator: inout Allocator) -> Int {
        switch self {
        case .allocate(let requests, let preserveOrder):
            return allocator.allocate(requests, preserveOrder: preserveOrder).count
        case .release(let key):
            if let slot = allocator.slot(for: key) { allocator.release(slot) }
            return 0
        case .releaseGPUs(let ids):
            allocator.releaseGPUs(ids)
            return 0
        }
    }

    /// Performs the call on `allocator`.
    @inlinable
    public func apply<Allocator: SlotAllocator>(to allocator: inout Allocator) -> TraceOutcome {
        switch self {
        case .allocate(let requests, let preserveOrder):
            return .slots(allocator.allocate(requests, preserveOrder: preserveOrder))
        case .release(let key):
            if let slot = allocator.slot(for: key) { allocator.release(slot) }
            return .available(allocator.available)
        case .releaseGPUs(let ids):
            allocator.releaseGPUs(ids)
            return .available(allocator.available)
        }
    }
}

/// What one operation produced.
public enum TraceOutcome: Sendable, Hashable {
    /// The slots an `allocate` made, in processing order.
    case slots([GPUSlot])
    /// The free GPU ids in list order after a release.
    case available([Int])

    /// The output line: `{"slots":[{"key":"a","gpus":[0,1],"totalMemoryMiB":163840}]}` or `{"available":[2,3]}`.
    public var jsonLine: String {
        switch self {
        case .slots(let slots):
            let items = slots.map { slot in
                "{\"key\":\(TraceJSON.string(slot.assignedModel)),\"gpus\":\(TraceJSON.integers(slot.gpuIDs)),\"totalMemoryMiB\":\(slot.totalMemoryMiB)}"
            }
            return "{\"slots\":[\(items.joined(separator: ","))]}"
        case .available(let ids):
            return "{\"available\":\(TraceJSON.integers(ids))}"
        }
    }
}
