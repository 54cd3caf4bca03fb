/// Which GPUs a fitting request gets.
public enum PlacementPolicy: String, Sendable, CaseIterable {
    /// The reference's choice: first fitting GPU in list order (tp = 1), first fitting window of
    /// GPUs adjacent among the free GPUs in id order (tp > 1).
    case reference
    /// Topology-aware: among the fitting candidates, the best-connected, least fragmenting set
    /// (see ``GPUAllocator`` for the ranking). Without a topology it is ``reference``.
    case topology
}
