import Benchmark
import GPUCIAllocation

// Alloc/release mixes: one iteration replays a seeded 1,000-operation trace (about half
// allocate, the rest releases of live slots); the calls only, no output lines.
// ns/op = wall clock / 1,000; allocations/op = malloc count / 1,000.
// `alloc.core.N`: GPUAllocatorCore over the compiled trace (interned keys, batches already in
//   processing order), one core reset per iteration (the setup is outside the loop);
// `alloc.simd.N`: GPUAllocator, the String API (interns keys, builds GPUSlot values), fresh per iteration;
// `alloc.scalar.N`: the scalar twin, fresh per iteration. Same trace for all three.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 10_000)

    for gpus in [8, 64, 1024, 4096] {
        let trace = AllocationTraceGenerator(gpus: gpus, operations: 1000, seed: 42).generate()
        let compiled = CompiledAllocationTrace(trace)
        Benchmark("alloc.core.\(gpus)") { benchmark in
            var core = compiled.makeCore()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                core.reset()
                blackHole(compiled.perform(on: &core))
            }
        }
        Benchmark("alloc.simd.\(gpus)") { benchmark in
            for _ in benchmark.scaledIterations {
                var allocator = GPUAllocator(gpus: trace.gpus)
                var made = 0
                for step in trace.steps { made &+= step.operation.perform(on: &allocator) }
                blackHole(made)
            }
        }
        Benchmark("alloc.scalar.\(gpus)") { benchmark in
            for _ in benchmark.scaledIterations {
                var allocator = ScalarGPUAllocator(gpus: trace.gpus)
                var made = 0
                for step in trace.steps { made &+= step.operation.perform(on: &allocator) }
                blackHole(made)
            }
        }
    }
}
