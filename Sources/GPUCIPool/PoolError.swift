/// A pool request that cannot be met. Thrown before any side effect, except that workers evicted
/// before an allocation failed stay evicted (as in the reference); ``evicted`` lists them.
public struct PoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Fewer free GPUs than needed after evicting every idle candidate.
        case notEnoughGPUs
        /// Enough GPUs by count, but no slot fitted (memory or tp window).
        case slotAllocationFailed
        /// The model is not in the catalog.
        case unknownModel
        /// No instance has the key.
        case unknownKey
        /// A PD worker was requested, RDMA is required and the topology has no active RDMA NIC.
        case rdmaRequired
        /// The key is already running, or listed twice in one request.
        case alreadyRunning
        /// `release` on an instance nobody holds.
        case notAcquired
        /// `get` was asked for a prefill/decode worker (only regular workers are offered).
        case workerTypeNotOffered
    }

    /// What went wrong.
    public var kind: Kind
    /// One line for people.
    public var message: String
    /// Keys evicted by the failed call before it gave up, in eviction order.
    public var evicted: [String]

    /// An error of `kind` with a message for people and the keys already evicted.
    public init(_ kind: Kind, _ message: String, evicted: [String] = []) {
        self.kind = kind
        self.message = message
        self.evicted = evicted
    }

    /// The message.
    public var description: String { message }
}
