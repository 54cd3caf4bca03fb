import HeapModule

/// Multiway Karmarkar–Karp differencing (largest differencing method).
///
/// O(n·m log m + n log n): partials live in flat arrays (`m` loads and item-list ends each), the
/// widest is taken from a heap, and slots' items are linked lists joined in O(1).
enum KarmarkarKarp {
    /// A partial's place in the heap: the widest spread first, the oldest on ties.
    private struct Entry: Comparable {
        var spread: Int64
        var created: Int

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.spread != rhs.spread ? lhs.spread < rhs.spread : lhs.created > rhs.created
        }
    }

    /// Bins of item indices.
    static func partition(_ weights: [Int64], partitions m: Int) -> [[Int]] {
        guard m > 0 else { return [] }
        let n = weights.count
        guard n > 0 else { return Array(repeating: [], count: m) }
        // Partial p's slot j is at p·m + j: its load and the first and last item of its list (-1: none).
        let capacity = (2 * n - 1) * m
        var load = [Int64](repeating: 0, count: capacity)
        var head = [Int](repeating: -1, count: capacity)
        var tail = [Int](repeating: -1, count: capacity)
        var next = [Int](repeating: -1, count: n)
        var heap = Heap<Entry>()
        heap.reserveCapacity(n)
        for index in 0..<n {
            load[index * m] = weights[index]
            head[index * m] = index
            tail[index * m] = index
            heap.insert(Entry(spread: m > 1 ? weights[index] : 0, created: index))
        }
        var counter = n
        var merged: [(load: Int64, head: Int, tail: Int)] = []
        merged.reserveCapacity(m)
        while heap.count > 1 {
            let first = heap.removeMax().created * m, second = heap.removeMax().created * m
            merged.removeAll(keepingCapacity: true)
            for j in 0..<m {
                let a = first + j, b = second + m - 1 - j
                if tail[a] >= 0, head[b] >= 0 { next[tail[a]] = head[b] }
                merged.append((load[a] + load[b], head[a] >= 0 ? head[a] : head[b], tail[b] >= 0 ? tail[b] : tail[a]))
            }
            merged.sort { $0.load > $1.load }
            let base = counter * m
            for (j, slot) in merged.enumerated() {
                load[base + j] = slot.load
                head[base + j] = slot.head
                tail[base + j] = slot.tail
            }
            heap.insert(Entry(spread: merged[0].load - merged[m - 1].load, created: counter))
            counter += 1
        }
        let last = heap.removeMax().created * m
        return (0..<m).map { j in
            var items: [Int] = []
            var item = head[last + j]
            while item >= 0 {
                items.append(item)
                item = item == tail[last + j] ? -1 : next[item]
            }
            return items
        }
    }
}
