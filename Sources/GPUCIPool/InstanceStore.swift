/// The pool's instances in a dense array with a key index, so eviction scans fields in place.
///
/// Removal swaps the last entry into the hole, so array order means nothing; callers order by
/// ``ModelInstance/launchOrder`` where order matters.
struct InstanceStore: Sendable {
    /// The instances, in no particular order.
    private(set) var entries: [ModelInstance] = []
    private var position: [String: Int] = [:]

    var count: Int { entries.count }

    subscript(key: String) -> ModelInstance? {
        position[key].map { entries[$0] }
    }

    func contains(_ key: String) -> Bool { position[key] != nil }

    /// Adds `instance`; its key must not be stored yet.
    mutating func insert(_ instance: ModelInstance) {
        position[instance.key] = entries.count
        entries.append(instance)
    }

    /// Changes the instance under `key` in place; false when there is none.
    @discardableResult
    mutating func update(_ key: String, _ change: (inout ModelInstance) -> Void) -> Bool {
        guard let index = position[key] else { return false }
        change(&entries[index])
        return true
    }

    /// Removes and returns the instance under `key`.
    mutating func remove(_ key: String) -> ModelInstance? {
        guard let index = position.removeValue(forKey: key) else { return nil }
        let last = entries.count - 1
        if index != last {
            entries.swapAt(index, last)
            position[entries[index].key] = index
        }
        return entries.removeLast()
    }
}
