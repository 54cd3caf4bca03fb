import ArgumentParser
import Foundation
import GPUCIAllocation
import GPUCISupport
import GPUCITopology

/// The options `gpuci allocate` and `gpuci bench allocator` share: where the trace comes from
/// (a file or a seeded generator) and which allocator replays it.
struct AllocatorTraceOptions: ParsableArguments {
    @Option(help: "The trace file (JSON Lines); - reads standard input.")
    var trace: String?

    @Option(parsing: .unconditional, help: "A seeded random trace over this many GPUs instead of a file.")
    var generate: Int?

    @Option(parsing: .unconditional, help: "Operations in a generated trace (default 1000).")
    var ops: Int?

    @Option(parsing: .unconditional, help: "Seed of a generated trace (default 1).")
    var seed: UInt64?

    @Option(help: "Topology reference: a shipped name, a .yaml/.xml path or an inline spec like 8x80GB.")
    var topology: String?

    @Option(help: "Placement policy: reference or topology (needs --topology).")
    var policy: PlacementPolicy = .reference

    @Flag(help: "Use the scalar reference twin instead of the SIMD allocator.")
    var scalar = false

    func validate() throws {
        if (trace == nil) == (generate == nil) {
            throw ValidationError("give exactly one of --trace FILE and --generate GPUS")
        }
        if let generate {
            guard (0...65_536).contains(generate) else { throw ValidationError("--generate expects 0...65536 GPUs") }
            guard (0...10_000_000).contains(ops ?? 1000) else { throw ValidationError("--ops expects 0...10000000") }
        } else if ops != nil || seed != nil {
            throw ValidationError("--ops and --seed apply only with --generate")
        }
        if scalar && policy == .topology {
            throw ValidationError("--scalar is the reference twin; it has no topology policy (drop --scalar or use --policy reference)")
        }
        if policy == .topology && topology == nil {
            throw ValidationError("--policy topology needs --topology REF (a shipped name, a file or an inline spec like 8x80GB)")
        }
    }

    /// The generated trace's generator, when `--generate` was given.
    var generator: AllocationTraceGenerator? {
        generate.map { AllocationTraceGenerator(gpus: $0, operations: ops ?? 1000, seed: seed ?? 1) }
    }

    /// The trace to replay with its topology.
    func source() throws(InputError) -> AllocateTraceSource {
        if let generator {
            let topology = try topology.map { reference throws(InputError) in try CommandTopology.load(reference) }
            return AllocateTraceSource(trace: generator.generate(), topology: topology)
        }
        return try AllocateTraceSource.load(path: trace ?? "-", topologyReference: topology)
    }
}

/// A trace ready to replay: read from a file (or standard input) or generated, with its topology.
struct AllocateTraceSource {
    var trace: AllocationTrace
    var topology: Topology?

    /// Reads `path` (`-` = standard input); `topologyReference` supplies the GPU list when the
    /// trace has no header, and the links for the topology policy.
    static func load(path: String, topologyReference: String?) throws(InputError) -> AllocateTraceSource {
        let topology = try topologyReference.map { reference throws(InputError) in try CommandTopology.load(reference) }
        let text: String
        if path == "-" {
            guard let stdin = String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8) else {
                throw InputError("standard input is not UTF-8 text", file: "<stdin>")
            }
            text = stdin
        } else {
            text = try AtomicFile.readText(path)
        }
        let trace = try AllocationTraceParser.parse(text, file: path == "-" ? "<stdin>" : path,
                                                    defaultGPUs: topology.map(GPUInfo.list(from:)))
        return AllocateTraceSource(trace: trace, topology: topology)
    }

    /// Replays the trace once on a fresh allocator; returns the output lines.
    func outputLines(policy: PlacementPolicy, scalar: Bool) -> [String] {
        var lines: [String] = []
        lines.reserveCapacity(trace.steps.count)
        if scalar {
            var allocator = ScalarGPUAllocator(gpus: trace.gpus)
            trace.replay(on: &allocator) { _, outcome in lines.append(outcome.jsonLine) }
        } else {
            var allocator = GPUAllocator(gpus: trace.gpus, topology: topology, policy: policy)
            trace.replay(on: &allocator) { _, outcome in lines.append(outcome.jsonLine) }
        }
        return lines
    }
}
