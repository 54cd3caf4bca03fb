import GPUCIAllocation

/// One worker the pool launched: the reference's `ModelInstance`, minus the process.
public struct ModelInstance: Sendable, Hashable {
    /// The key the pool stores it under (``WorkerIdentity/key``).
    public var key: String
    /// Which worker it is (with its index, unlike the reference's index-less `identity`).
    public var identity: WorkerIdentity
    /// The GPUs it owns; `nil` only for a pool without GPUs.
    public var slot: GPUSlot?
    /// The port the server listens on: the slot's.
    public var port: Int?
    /// The disaggregation bootstrap port (prefill workers only).
    public var bootstrapPort: Int?
    /// The RDMA device passed as `--disaggregation-ib-device` (PD workers only, when one exists).
    public var rdmaDevice: String?
    /// Virtual time of the launch.
    public var launchedAt: Double
    /// Virtual time of the last launch, `get` hit or acquire.
    public var lastUsed: Double
    /// Pool-wide sequence number of that last event: breaks ties between equal `lastUsed` values.
    public var lastUseOrder: Int
    /// Pool-wide sequence number of the launch: orders ``ModelPool/instances``.
    public var launchOrder: Int
    /// How many users hold it; an instance with refCount > 0 is never evicted.
    public var refCount: Int
    /// Whether the caller reported it healthy (``ModelPool/markHealthy(_:)``).
    public var healthy: Bool

    /// The slot's GPU ids in slot order, or `[]`.
    public var gpus: [Int] { slot?.gpuIDs ?? [] }

    /// An instance with every field given (the pool builds these; tests and simulators may too).
    public init(key: String, identity: WorkerIdentity, slot: GPUSlot?, port: Int?, bootstrapPort: Int?,
                rdmaDevice: String?, launchedAt: Double, lastUsed: Double, lastUseOrder: Int,
                launchOrder: Int, refCount: Int = 0, healthy: Bool = false) {
        self.key = key
        self.identity = identity
        self.slot = slot
        self.port = port
        self.bootstrapPort = bootstrapPort
        self.rdmaDevice = rdmaDevice
        self.launchedAt = launchedAt
        self.lastUsed = lastUsed
        self.lastUseOrder = lastUseOrder
        self.launchOrder = launchOrder
        self.refCount = refCount
        self.healthy = healthy
    }

    /// Records a use at virtual time `now`, pool event number `order`.
    mutating func touch(now: Double, order: Int) {
        lastUsed = now
        lastUseOrder = order
    }
}
