import ArgumentParser
import GPUCIAllocation
import GPUCIPool
import GPUCITopology

/// `gpuci pool --trace FILE`: replays a pool trace and prints one JSON line per operation.
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Replay a worker-pool trace (startup/get/launchWorkers/acquire/release) on a virtual clock.",
        discussion: """
        The trace is JSON Lines: an optional header {"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"}],"models":[…]} \
        then one operation per line, e.g. {"op":"get","model":"gpt-oss","mode":"http"}. Each operation prints \
        {"error":null|"…","evicted":[…],"instances":[{"gpus":[…],"key":"…"}]}. The line number is the virtual time.
        """
    )

    @Option(name: .long, help: "The trace file (JSON Lines).")
    var trace: String

    @Option(name: .long, help: "A topology (shipped name, .yaml/.xml path or inline spec such as 4x80GB); replaces the trace's gpus header.")
    var topology: String?

    @Option(name: .long, help: "Eviction policy: mru (the reference), lru, belady, or slots[:N] (smg's N-slot worker cache, N = 1 by default).")
    var eviction: EvictionPolicy = .mru

    @Option(name: .long, help: "GPU placement: reference or topology.")
    var placement: PlacementPolicy = .reference

    @Flag(name: .long, help: "Refuse prefill/decode workers when the topology has no RDMA NIC with an active port.")
    var requireRDMA = false

    @Option(name: .long, help: "A model catalog YAML to use instead of the bundled Scenarios/models.yaml (a trace's models header still wins).")
    var models: String?

    func run() throws {
        for line in try PoolReplay.lines(trace: trace, topology: topology, models: models, eviction: eviction,
                                         placement: placement, requireRDMA: requireRDMA) {
            print(line)
        }
    }
}

