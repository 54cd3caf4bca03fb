import ArgumentParser
import GPUCIAllocation

/// `gpuci allocate`: replay an allocation trace through the GPU slot allocator, or write a seeded random one.
struct AllocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocate",
        abstract: "Replay a JSON Lines allocation trace through the GPU slot allocator.",
        discussion: """
            Input: an optional header {"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"},...]} (list order \
            matters; may be omitted or {} with --topology), then one op per line:
              {"op":"allocate","specs":[{"key":"a","memoryGB":40,"tp":2},{"key":"b"}],"preserveOrder":false}
              {"op":"release","key":"a"}
              {"op":"releaseGPUs","gpus":[1]}
            Output: one line per op: {"slots":[{"key":"a","gpus":[0,1],"totalMemoryMiB":163840}]} for allocate, \
            {"available":[ids in list order]} for the releases. A release of a key with no live slot changes nothing.
            --generate GPUS writes a seeded random trace instead (for gpuci bench allocator or your own runs).
            """
    )

    @Option(help: "The trace file (JSON Lines); - reads standard input.")
    var trace: String?

    @Option(help: "Topology reference: a shipped name, a .yaml/.xml path or an inline spec like 8x80GB.")
    var topology: String?

    @Option(help: "Placement policy: reference or topology (needs --topology).")
    var policy: AllocatePolicyOption = .reference

    @Flag(help: "Replay on the scalar reference twin instead of the SIMD allocator.")
    var scalar = false

    @Option(help: "Write a seeded random trace over this many GPUs instead of replaying one.")
    var generate: Int?

    @Option(help: "Operations in a generated trace (default 1000).")
    var ops: Int?

    @Option(help: "Seed of a generated trace (default 1).")
    var seed: UInt64?

    func validate() throws {
        if (trace == nil) == (generate == nil) {
            throw ValidationError("give exactly one of --trace FILE and --generate GPUS")
        }
        if let generate {
            guard (0...65_536).contains(generate) else { throw ValidationError("--generate expects 0...65536 GPUs") }
            guard (0...10_000_000).contains(ops ?? 1000) else { throw ValidationError("--ops expects 0...10000000") }
            if scalar || policy != .reference || topology != nil {
                throw ValidationError("--generate only writes a trace; --scalar, --policy and --topology apply when replaying one")
            }
        } else {
            if ops != nil || seed != nil { throw ValidationError("--ops and --seed apply only with --generate") }
            try AllocateTraceSource.validate(policy: policy, scalar: scalar, topology: topology)
        }
    }

    func run() throws {
        if let generate {
            print(AllocationTraceGenerator(gpus: generate, operations: ops ?? 1000, seed: seed ?? 1).generate().text, terminator: "")
            return
        }
        let source = try AllocateTraceSource.load(path: trace ?? "-", topologyReference: topology)
        let lines = source.outputLines(policy: policy.policy, scalar: scalar)
        if !lines.isEmpty { print(lines.joined(separator: "\n")) }
    }
}
