import HeapModule

/// The idle workers in recency order, for MRU and LRU eviction without a pass over the pool.
///
/// A min-max heap of (last use, event order, key) entries: MRU takes the maximum, LRU the
/// minimum. Entries are added when a worker becomes idle with a new last use (launch, a `get`
/// hit while idle, the release that ends its last use) and never removed in place: an entry is
/// stale once its worker is gone, in use or used again (its event order differs), and is dropped
/// when it surfaces. The heap is rebuilt from the pool when stale entries outnumber live ones.
/// An eviction therefore costs O(k log n) for k entries looked at, not O(n).
struct IdleIndex: Sendable {
    struct Entry: Comparable, Sendable {
        var lastUsed: Double
        var order: Int
        var key: String

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.lastUsed != rhs.lastUsed ? lhs.lastUsed < rhs.lastUsed : lhs.order < rhs.order
        }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.order == rhs.order && lhs.lastUsed == rhs.lastUsed }
    }

    private var heap = Heap<Entry>()

    /// Records that `instance` is idle as of its last use.
    mutating func add(_ instance: ModelInstance) {
        heap.insert(Entry(lastUsed: instance.lastUsed, order: instance.lastUseOrder, key: instance.key))
    }

    /// Whether `entry` still describes an idle worker of `store`.
    static func isLive(_ entry: Entry, in store: InstanceStore) -> Bool {
        guard let instance = store[entry.key] else { return false }
        return instance.refCount == 0 && instance.lastUseOrder == entry.order
    }

    /// Takes the next live entry in eviction order (most recent first for MRU, least for LRU).
    mutating func popFirst(mostRecent: Bool, store: InstanceStore) -> Entry? {
        while let entry = mostRecent ? heap.popMax() : heap.popMin() {
            if Self.isLive(entry, in: store) { return entry }
        }
        return nil
    }

    /// Puts back entries taken but not evicted.
    mutating func restore(_ entries: [Entry]) {
        for entry in entries { heap.insert(entry) }
    }

    /// Rebuilds the heap from `store` when stale entries outnumber live ones.
    mutating func compact(store: InstanceStore) {
        guard heap.count > 2 * store.count + 64 else { return }
        heap = Heap(store.entries.filter { $0.refCount == 0 }.map { Entry(lastUsed: $0.lastUsed, order: $0.lastUseOrder, key: $0.key) })
    }
}
