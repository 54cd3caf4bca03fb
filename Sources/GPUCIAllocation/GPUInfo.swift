import GPUCITopology

/// One GPU as the allocator sees it: the reference's `GPUInfo`.
public struct GPUInfo: Sendable, Hashable, Codable {
    /// Device id (the topology's device index, or the physical index for captured lists).
    public var id: Int
    /// Model name as the driver reports it (no decision weight).
    public var name: String
    /// Memory in MiB (the reference's `memory_mb`).
    public var memoryMiB: Int

    /// Creates a GPU entry.
    public init(id: Int, name: String, memoryMiB: Int) {
        self.id = id
        self.name = name
        self.memoryMiB = memoryMiB
    }

    /// The devices of `topology` in index order; a device of unknown memory counts as 0 MiB
    /// (it never fits a request) rather than a guess.
    public static func list(from topology: Topology) -> [GPUInfo] {
        topology.devices.map { GPUInfo(id: $0.index, name: $0.model, memoryMiB: $0.memoryMiB ?? 0) }
    }
}

/// A request for one slot: the reference's spec mapping entry `key → {memory_gb, tp}`.
public struct SlotRequest: Sendable, Hashable, Codable {
    /// The allocation key, e.g. `llama-8b:http:prefill_0`.
    public var key: String
    /// GB needed (1 GB = 1024 MiB); `nil` sorts as 0 under first-fit decreasing but is fitted as 16.
    public var memoryGB: Double?
    /// Tensor-parallel size; `nil` means 1.
    public var tp: Int?

    /// Creates a request; absent memory and tp take the reference's defaults when fitted.
    public init(key: String, memoryGB: Double? = nil, tp: Int? = nil) {
        self.key = key
        self.memoryGB = memoryGB
        self.tp = tp
    }

    /// The GB the fit test uses: the request's, or 16 when absent.
    public var fitGB: Double { memoryGB ?? 16 }
    /// The tensor-parallel size the fit uses.
    public var width: Int { tp ?? 1 }
}

/// GPUs given to one worker: the reference's `GPUSlot`.
public struct GPUSlot: Sendable, Hashable, Codable {
    /// GPU ids in allocation order.
    public var gpuIDs: [Int]
    /// Sum of the slot GPUs' memory.
    public var totalMemoryMiB: Int
    /// The allocation key the slot was made for.
    public var assignedModel: String
    /// The port the worker will listen on (numbered, not drawn from the OS).
    public var port: Int

    /// Creates a slot record.
    public init(gpuIDs: [Int], totalMemoryMiB: Int, assignedModel: String, port: Int) {
        self.gpuIDs = gpuIDs
        self.totalMemoryMiB = totalMemoryMiB
        self.assignedModel = assignedModel
        self.port = port
    }

    /// The `CUDA_VISIBLE_DEVICES` value: ids joined by commas in slot order.
    public var cudaVisibleDevices: String { gpuIDs.map(String.init).joined(separator: ",") }
}
