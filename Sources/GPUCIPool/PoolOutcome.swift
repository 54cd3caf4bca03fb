/// What one pool call did.
public struct PoolOutcome: Sendable, Hashable {
    /// Workers launched, in launch order.
    public var launched: [ModelInstance]
    /// Keys of the workers stopped to free GPUs, in eviction order.
    public var evicted: [String]
    /// Startup identities not launched for lack of GPUs (too few free, or no slot fitted); nothing
    /// remembers them: they come back through `get` or `launchWorkers`.
    public var deferred: [WorkerIdentity]
    /// Startup identities ignored: unknown model, or a key already running (the reference would
    /// start a second process under the same key and leak the first one's GPUs).
    public var dropped: [WorkerIdentity]
    /// PD identities not launched because RDMA is required and the topology has no active RDMA NIC.
    public var refused: [WorkerIdentity]

    /// An outcome; every list defaults to empty.
    public init(launched: [ModelInstance] = [], evicted: [String] = [], deferred: [WorkerIdentity] = [],
                dropped: [WorkerIdentity] = [], refused: [WorkerIdentity] = []) {
        self.launched = launched
        self.evicted = evicted
        self.deferred = deferred
        self.dropped = dropped
        self.refused = refused
    }
}
