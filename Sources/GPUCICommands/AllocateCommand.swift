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

    @OptionGroup var options: AllocatorTraceOptions

    func validate() throws {
        if options.generate != nil, options.scalar || options.policy != .reference || options.topology != nil {
            throw ValidationError("--generate only writes a trace; --scalar, --policy and --topology apply when replaying one")
        }
    }

    func run() throws {
        if let generator = options.generator {
            print(generator.generate().text, terminator: "")
            return
        }
        let lines = try options.source().outputLines(policy: options.policy, scalar: options.scalar)
        if !lines.isEmpty { print(lines.joined(separator: "\n")) }
    }
}
