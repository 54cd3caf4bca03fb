import Benchmark
import GPUCIAllocation

// Alloc/release mixes: one iteration replays a seeded 1,000-operation trace (about half
// allocate, the rest releases of live slots) on a fresh allocator; the calls only, no output lines. ops/s = throughput × 1,000.
// `alloc.simd.N` is GPUAllocator (reference policy), `alloc.scalar.N` the scalar twin, same trace.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        maxDuration: .seconds(2),
        maxIterations: 10_000)

    for gpus in [8, 64, 1024, 4096] {
        let trace = AllocationTraceGenerator(gpus: gpus, operations: 1000, seed: 42).generate()
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
