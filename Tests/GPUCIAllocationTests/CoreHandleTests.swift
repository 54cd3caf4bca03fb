import GPUCIAllocation
import Testing

/// `GPUAllocatorCore` replaying compiled traces: the scalar twin's slots (ids, memory, key,
/// port) and free lists after every operation, again after `reset()`.
@Suite struct CoreHandleTests {
    /// The slots a core holds, as the String API would report them.
    static func slots(_ core: GPUAllocatorCore, _ keys: KeyInterner) -> [GPUSlot] {
        core.liveSlots.map { handle in
            GPUSlot(gpuIDs: core.gpuIDs(of: handle), totalMemoryMiB: core.totalMemoryMiB(of: handle),
                    assignedModel: keys[core.key(of: handle)], port: core.port(of: handle))
        }
    }

    @Test(arguments: [8, 64, 1024])
    func aCompiledTraceDecidesAsTheScalarTwinOpForOp(gpus: Int) {
        for seed: UInt64 in [3, 42, 77] {
            let trace = AllocationTraceGenerator(gpus: gpus, operations: gpus >= 1024 ? 300 : 600, seed: seed).generate()
            let compiled = CompiledAllocationTrace(trace)
            var core = compiled.makeCore()
            for round in 0..<2 {
                var scalar = ScalarGPUAllocator(gpus: trace.gpus)
                var mismatches = 0
                for (index, step) in trace.steps.enumerated() {
                    let before = scalar.slots.count
                    let made = compiled.perform(index, on: &core)
                    let outcome = step.operation.apply(to: &scalar)
                    if case .slots(let created) = outcome { #expect(made == created.count) }
                    let same = Self.slots(core, compiled.keys) == scalar.slots && core.available == scalar.available
                    if !same {
                        mismatches += 1
                        Issue.record("seed \(seed) round \(round) op \(index) (\(before) slots before): core differs from the scalar twin")
                    }
                    if mismatches > 0 { break }
                }
                core.reset()
            }
        }
    }

    @Test func releasingADroppedSlotAgainChangesNothing() throws {
        var keys = KeyInterner()
        var core = GPUAllocatorCore(gpus: (0..<4).map { GPUInfo(id: $0, name: "H100", memoryMiB: 81_559) })
        let aMade = core.allocate(CoreRequest(SlotRequest(key: "a", memoryGB: 40, tp: 2), key: keys.handle(for: "a")))
        let a = try #require(aMade)
        let bMade = core.allocate(CoreRequest(SlotRequest(key: "b", memoryGB: 40), key: keys.handle(for: "b")))
        let b = try #require(bMade)
        #expect(core.gpuIDs(of: a) == [0, 1] && core.gpuIDs(of: b) == [2])
        [1].withUnsafeBufferPointer { core.releaseGPUs($0) }
        // GPU 0 stays used with no slot, as in the reference.
        #expect(core.liveSlots == [b] && core.available == [1, 3])
        core.release(a)
        #expect(core.liveSlots == [b] && core.available == [1, 3])
    }

    @Test func firstSlotFollowsCreationOrderPerKey() throws {
        var keys = KeyInterner()
        let key = keys.handle(for: "m")
        var core = GPUAllocatorCore(gpus: (0..<4).map { GPUInfo(id: $0, name: "A10", memoryMiB: 23_028) })
        let firstMade = core.allocate(CoreRequest(SlotRequest(key: "m"), key: key))
        let first = try #require(firstMade)
        let secondMade = core.allocate(CoreRequest(SlotRequest(key: "m"), key: key))
        let second = try #require(secondMade)
        #expect(core.firstSlot(for: key) == first)
        core.release(first)
        #expect(core.firstSlot(for: key) == second)
        #expect(core.gpuIDs(of: second) == [1] && core.port(of: second) == 30001)
        core.release(second)
        #expect(core.firstSlot(for: key) == nil && core.available == [0, 1, 2, 3])
    }
}

/// The core is a value: a copy's operations leave the original as it was.
@Suite struct CoreValueSemanticsTests {
    @Test func aCopyIsIndependent() throws {
        var keys = KeyInterner()
        var original = GPUAllocatorCore(gpus: (0..<4).map { GPUInfo(id: $0, name: "H100", memoryMiB: 81_559) })
        _ = original.allocate(CoreRequest(SlotRequest(key: "a", memoryGB: 40, tp: 2), key: keys.handle(for: "a")))
        var copy = original
        _ = copy.allocate(CoreRequest(SlotRequest(key: "b", memoryGB: 40, tp: 2), key: keys.handle(for: "b")))
        [0].withUnsafeBufferPointer { copy.releaseGPUs($0) }
        #expect(original.available == [2, 3] && original.liveSlots.count == 1)
        #expect(copy.available == [0])
        #expect(copy.liveSlots.count == 1 && copy.firstSlot(for: keys.handle(for: "a")) == nil)
        #expect(original.firstSlot(for: keys.handle(for: "a")).map(original.gpuIDs(of:)) == [0, 1])
    }
}
