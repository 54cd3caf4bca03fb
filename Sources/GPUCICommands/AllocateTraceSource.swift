import ArgumentParser
import Foundation
import GPUCIAllocation
import GPUCISupport
import GPUCITopology

/// `--policy` words of `gpuci allocate` and `gpuci bench allocator`.
enum AllocatePolicyOption: String, ExpressibleByArgument, CaseIterable {
    /// The reference's placement.
    case reference
    /// Topology-aware placement (needs `--topology`).
    case topology

    var policy: PlacementPolicy { self == .reference ? .reference : .topology }
}

/// A trace ready to replay: read from a file (or standard input) or generated, with its topology.
struct AllocateTraceSource {
    var trace: AllocationTrace
    var topology: Topology?

    /// Reads `path` (`-` = standard input); `topologyReference` supplies the GPU list when the
    /// trace has no header, and the links for the topology policy.
    static func load(path: String, topologyReference: String?) throws(InputError) -> AllocateTraceSource {
        let topology = try topologyReference.map { reference throws(InputError) in try TopologyLoader.load(reference) }
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

    /// A seeded random trace; `topologyReference`, when given, only supplies links.
    static func generated(gpus: Int, operations: Int, seed: UInt64, topologyReference: String?) throws(InputError) -> AllocateTraceSource {
        let topology = try topologyReference.map { reference throws(InputError) in try TopologyLoader.load(reference) }
        return AllocateTraceSource(trace: AllocationTraceGenerator(gpus: gpus, operations: operations, seed: seed).generate(),
                                   topology: topology)
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

    /// Checks the policy/allocator combination the flags ask for.
    static func validate(policy: AllocatePolicyOption, scalar: Bool, topology: String?) throws {
        if scalar && policy == .topology {
            throw ValidationError("--scalar is the reference twin; it has no topology policy (drop --scalar or use --policy reference)")
        }
        if policy == .topology && topology == nil {
            throw ValidationError("--policy topology needs --topology REF (a shipped name, a file or an inline spec like 8x80GB)")
        }
    }
}
