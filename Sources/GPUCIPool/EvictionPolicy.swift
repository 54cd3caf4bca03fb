/// Which idle worker the pool stops first when it needs GPUs.
///
/// Every policy counts GPUs only (not memory or adjacency), skips in-use workers (refCount > 0)
/// and stops as soon as enough GPUs are free. Ties in virtual time are broken by event order
/// (the later launch/use counts as more recent), as the reference's wall clock would break them.
public enum EvictionPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Most recently used first: the reference. A model just used is probably finished; a
    /// pre-launched, never-used worker waits for a later test (but the last-launched one goes first).
    case mru
    /// Least recently used first.
    case lru
    /// Needed furthest in the future first (never needed again before anything else), ties by
    /// ``mru`` order; the future comes from ``ModelPool/setNextUse(_:)``.
    case belady
}
