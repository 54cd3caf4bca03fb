import GPUCIAllocation

/// A worker identity interned by a ``ModelPool``: the pool's integer name for it.
///
/// Handles are dense (`0 ..< n`), never reused and valid for the pool that made them (and its
/// copies). Identities are interned on first sight, with their key built once.
public struct WorkerHandle: Hashable, Sendable {
    /// Position in the pool's identity table.
    public let index: Int32
}

/// A model of a ``ModelPool``'s catalog, by its position in the catalog's table.
public struct ModelHandle: Hashable, Sendable {
    /// Position in ``ModelCatalog/models``.
    public let index: Int32
}

/// The state of one interned identity: static facts and, while it runs, its instance.
struct WorkerRecord {
    /// Catalog position of the model, -1 when the catalog has none.
    var model: Int32
    var isRegular: Bool
    var live = false
    /// The allocator's slot while live.
    var slot: SlotHandle?
    var width = 0
    var port = -1
    var bootstrapPort = -1
    var refCount = 0
    var healthy = false
    var lastUsed = 0.0
    var lastUseOrder = 0
    var launchOrder = 0
    var launchedAt = 0.0
    /// Idle list links (MRU, LRU, slots): towards the least and the most recent.
    var older: Int32 = -1
    var newer: Int32 = -1
    var inIdleList = false
    /// Position in the Belady heap, -1 when not in it.
    var heapPosition: Int32 = -1
    /// Position in the live list.
    var livePosition: Int32 = -1
    /// Cache slot of the slots policy, -1 when uncached.
    var cacheSlot: Int32 = -1
    /// Line of the next use (Belady); `Int.max` = never.
    var nextUse = Int.max

    init(model: Int32, isRegular: Bool) {
        self.model = model
        self.isRegular = isRegular
    }

    /// Whether this record's last use is more recent than `other`'s (the MRU order).
    @inline(__always)
    func isMoreRecent(than other: WorkerRecord) -> Bool {
        lastUsed != other.lastUsed ? lastUsed > other.lastUsed : lastUseOrder > other.lastUseOrder
    }
}

/// Interned identities: handle ↔ identity, key and model, with the regular index-0 identity of
/// each (model, mode) found without building its key.
struct WorkerTable: Sendable {
    private(set) var identities: [WorkerIdentity] = []
    private(set) var keys: [String] = []
    private var handleByKey: [String: Int32] = [:]
    /// `model × 2 + mode` → handle of `<model>:<mode>`, -1 until interned.
    private var regularByModel: [Int32]

    init(modelCount: Int) {
        regularByModel = Array(repeating: -1, count: 2 * modelCount)
    }

    var count: Int { keys.count }

    func handle(forKey key: String) -> Int32? { handleByKey[key] }

    @inline(__always)
    static func modeIndex(_ mode: ConnectionMode) -> Int { mode == .http ? 0 : 1 }

    /// The handle of `<model>:<mode>` if interned.
    @inline(__always)
    func regular(model: Int32, mode: ConnectionMode) -> Int32 {
        regularByModel[2 * Int(model) + Self.modeIndex(mode)]
    }

    /// Interns `identity` (model catalog position `model`, -1 if unknown); returns its handle and
    /// whether it is new.
    mutating func intern(_ identity: WorkerIdentity, model: Int32) -> (handle: Int32, isNew: Bool) {
        let key = identity.key
        if let handle = handleByKey[key] { return (handle, false) }
        let handle = Int32(keys.count)
        keys.append(key)
        identities.append(identity)
        handleByKey[key] = handle
        if model >= 0, identity.type == .regular, identity.index == 0 {
            regularByModel[2 * Int(model) + Self.modeIndex(identity.mode)] = handle
        }
        return (handle, true)
    }
}
