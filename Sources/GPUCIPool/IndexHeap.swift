/// A binary heap of array indices under a caller's "comes first" order: heapify in O(n), then
/// each ``popFirst()`` in O(log n), so taking the first k of n costs O(n + k log n).
struct IndexHeap {
    private var items: [Int]
    private let comesFirst: (Int, Int) -> Bool

    init(_ items: [Int], comesFirst: @escaping (Int, Int) -> Bool) {
        self.items = items
        self.comesFirst = comesFirst
        var parent = items.count / 2 - 1
        while parent >= 0 {
            siftDown(parent)
            parent -= 1
        }
    }

    /// Removes and returns the index that comes first, or nil when empty.
    mutating func popFirst() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return first
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { return }
            var best = left
            let right = left + 1
            if right < items.count, comesFirst(items[right], items[left]) { best = right }
            guard comesFirst(items[best], items[parent]) else { return }
            items.swapAt(parent, best)
            parent = best
        }
    }
}
