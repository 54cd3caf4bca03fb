import GPUCIPool

/// For Belady eviction: which worker keys each item needs, and for any position the index of the
/// next item that needs each key.
struct NextUseIndex {
    private var needs: [[String]]
    /// `after[i][j]` = index of the next item after `i` needing `needs[i][j]`, or nil.
    private var after: [[Int?]]
    private(set) var current: [String: Int] = [:]
    private var position = 0

    /// The keys an item's fixtures will ask the pool for (static estimate: indices from 0).
    static func keys(of item: TestItem, fixtureModel: String) -> [String] {
        var keys: [String] = []
        if let backend = item.setupBackend {
            let workers = item.markers.workers
            if backend == "pd" {
                for index in 0..<max(workers?.prefill ?? 1, 1) {
                    keys.append(WorkerIdentity(model: fixtureModel, mode: .http, type: .prefill, index: index).key)
                }
                for index in 0..<max(workers?.decode ?? 1, 1) {
                    keys.append(WorkerIdentity(model: fixtureModel, mode: .http, type: .decode, index: index).key)
                }
            } else if let mode = ConnectionMode(rawValue: backend) {
                for index in 0..<max(workers?.count ?? 1, 1) {
                    keys.append(WorkerIdentity(model: fixtureModel, mode: mode, index: index).key)
                }
            }
        }
        keys += item.uses.map { WorkerIdentity(model: $0.model, mode: $0.mode).key }
        return keys
    }

    init(items: [TestItem], fixtureModel: (TestItem) -> String) {
        needs = items.map { $0.skip != nil ? [] : Self.keys(of: $0, fixtureModel: fixtureModel($0)) }
        after = needs.map { Array(repeating: nil, count: $0.count) }
        var next: [String: Int] = [:]
        for index in stride(from: needs.count - 1, through: 0, by: -1) {
            for (j, key) in needs[index].enumerated() { after[index][j] = next[key] }
            for key in needs[index] { next[key] = index }
        }
        current = next
    }

    /// Moves to item `index` (non-decreasing); `current` then maps each key to its next use at or after it.
    mutating func advance(to index: Int) {
        while position < index {
            for (j, key) in needs[position].enumerated() {
                if current[key] == position { current[key] = after[position][j] }
            }
            position += 1
        }
    }
}
