/// Multiway Karmarkar–Karp differencing (largest differencing method).
enum KarmarkarKarp {
    private struct Partial {
        /// Loads, largest first, with the items of each slot.
        var slots: [(load: Int64, items: [Int])]
        var created: Int
        var spread: Int64 { slots[0].load - slots[slots.count - 1].load }
    }

    /// Bins of item indices.
    static func partition(_ weights: [Int64], partitions m: Int) -> [[Int]] {
        guard m > 0 else { return [] }
        var partials: [Partial] = weights.indices.map { index in
            var slots = Array(repeating: (load: Int64(0), items: [Int]()), count: m)
            slots[0] = (weights[index], [index])
            return Partial(slots: slots, created: index)
        }
        guard !partials.isEmpty else { return Array(repeating: [], count: m) }
        var counter = partials.count
        while partials.count > 1 {
            let first = takeWidest(&partials)
            let second = takeWidest(&partials)
            var slots: [(load: Int64, items: [Int])] = []
            slots.reserveCapacity(m)
            for j in 0..<m {
                let other = second.slots[m - 1 - j]
                slots.append((first.slots[j].load + other.load, first.slots[j].items + other.items))
            }
            slots.sort { $0.load > $1.load }
            partials.append(Partial(slots: slots, created: counter))
            counter += 1
        }
        return partials[0].slots.map(\.items)
    }

    /// Removes and returns the partial with the largest spread (the oldest on ties).
    private static func takeWidest(_ partials: inout [Partial]) -> Partial {
        var best = 0
        for index in 1..<partials.count {
            let candidate = partials[index], current = partials[best]
            if candidate.spread > current.spread || (candidate.spread == current.spread && candidate.created < current.created) {
                best = index
            }
        }
        return partials.remove(at: best)
    }
}
