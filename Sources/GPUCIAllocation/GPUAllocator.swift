import GPUCITopology

/// The GPU slot allocator: the reference's decisions over structure-of-arrays state.
///
/// Under ``PlacementPolicy/reference`` every decision equals ``ScalarGPUAllocator``'s:
/// first-fit decreasing by memory (stable; no memory sorts as 0 and is fitted as 16 GB) or
/// request order; tp = 1 takes the first free GPU in list order with enough memory; tp > 1 the
/// first window of `tp` GPUs adjacent among the free GPUs in id order whose memory sum fits; a
/// request that does not fit is skipped; `releaseGPUs` frees the ids and drops every slot
/// holding any of them. Memory is compared in MiB (GB × 1024), so an 80 GB request does not fit
/// an 81,559 MiB H100.
///
/// The decisions are made by ``GPUAllocatorCore`` over integer handles. State: free masks as bits (`[UInt64]`) in list order and in id order, and per-GPU memory in
/// `Int32` lanes with used GPUs closed, so a tp = 1 fit is one 8-lane compare per 8 GPUs over
/// the non-empty mask bytes, and a tp window is a sliding sum over the set bits of the id-order
/// mask. Memory beyond ±(2³¹ − 1) MiB is clamped to it.
///
/// Under ``PlacementPolicy/topology`` (with a topology), among the requests that fit:
/// - tp = 1 takes the fitting GPU whose cell (its closest-link group: a SIO die pair, an NVLink
///   island, a PIX pair), then NUMA node, has the fewest other free GPUs, then list order —
///   single-GPU workers fill groups that are already split (k8s-device-plugin#1193, MindCluster);
/// - tp > 1 ranks the reference's fitting windows plus the fitting windows over the free GPUs
///   of each cell and of each NUMA node by (worst link rank, cells left split, NUMA nodes spanned,
///   sum of link ranks), ties to the earlier candidate. All-fabric sets therefore come first,
///   an A3 tp = 2 request gets a whole SIO pair, and the worst link is never worse than the
///   reference's window when that one fits. RDMA NIC affinity is not considered.
public struct GPUAllocator: SlotAllocator {
    /// GPUs in list order.
    public let gpus: [GPUInfo]
    /// How fitting requests are placed.
    public let policy: PlacementPolicy
    /// The decisions over integer handles; this type interns keys and builds ``GPUSlot`` values.
    public private(set) var core: GPUAllocatorCore
    /// The keys seen so far, by handle.
    public private(set) var keys = KeyInterner()

    /// Creates an allocator over `gpus` (ids are `topology` device indices when one is given);
    /// ports are numbered from `firstPort`.
    public init(gpus: [GPUInfo], firstPort: Int = 30000, topology: Topology? = nil, policy: PlacementPolicy = .reference) {
        self.gpus = gpus
        self.policy = policy
        core = GPUAllocatorCore(gpus: gpus, firstPort: firstPort, topology: topology, policy: policy)
    }

    /// Creates an allocator over the devices of `topology`.
    public init(topology: Topology, firstPort: Int = 30000, policy: PlacementPolicy = .reference) {
        self.init(gpus: GPUInfo.list(from: topology), firstPort: firstPort, topology: topology, policy: policy)
    }

    /// Live slots in creation order.
    public var slots: [GPUSlot] { core.liveSlots.map(slot(of:)) }

    /// Ids of the free GPUs in list order.
    public var available: [Int] { core.available }

    /// Allocates a slot per request, skipping those that do not fit; returns the new slots in processing order.
    ///
    /// - Complexity: O(r × n / 8) vector steps for r requests over n GPUs under the reference policy.
    public mutating func allocate(_ requests: [SlotRequest], preserveOrder: Bool) -> [GPUSlot] {
        guard !gpus.isEmpty else { return [] }
        let ordered = preserveOrder || requests.count < 2 ? requests : ScalarGPUAllocator.firstFitDecreasingOrder(requests)
        var created: [GPUSlot] = []
        for request in ordered {
            let key = keys.handle(for: request.key)
            if let handle = core.allocate(CoreRequest(request, key: key)) { created.append(slot(of: handle)) }
        }
        return created
    }

    /// Frees `ids` and drops every slot that holds any of them (the slot's other GPUs stay used).
    public mutating func releaseGPUs(_ ids: [Int]) {
        ids.withUnsafeBufferPointer { core.releaseGPUs($0) }
    }

    /// Frees a whole slot.
    public mutating func release(_ slot: GPUSlot) { releaseGPUs(slot.gpuIDs) }

    /// The first live slot made for `key`.
    public func slot(for key: String) -> GPUSlot? {
        keys.existingHandle(for: key).flatMap(core.firstSlot(for:)).map(slot(of:))
    }

    private func slot(of handle: SlotHandle) -> GPUSlot {
        GPUSlot(gpuIDs: core.gpuIDs(of: handle), totalMemoryMiB: core.totalMemoryMiB(of: handle),
                assignedModel: keys[core.key(of: handle)], port: core.port(of: handle))
    }
}
