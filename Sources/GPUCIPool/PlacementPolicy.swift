// Interim copy: the allocation branch adds `GPUCIAllocation.PlacementPolicy` (same cases); when it
// lands this file is deleted and the pool passes the policy through to `GPUAllocator`.

/// How the allocator places a worker's GPUs.
public enum PlacementPolicy: String, Sendable, CaseIterable {
    /// The reference's first-fit rules.
    case reference
    /// Topology-aware placement (needs the allocation module's `GPUAllocator`).
    case topology
}
