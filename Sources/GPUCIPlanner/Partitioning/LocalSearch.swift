/// Move and swap improvement of a partition: repeatedly lowers the most loaded bin by moving
/// one of its items to another bin, or swapping it for a lighter one, while that lowers the
/// larger of the two bins involved below the current makespan.
///
/// Each step takes the best move or swap, the first in (item position, target bin, move before
/// swap, swap position) order among equals. The swaps with a bin are not scanned one by one:
/// each bin keeps its weights sorted, the best swap's peak is found by binary search, and the
/// bin is scanned only when that peak beats the best so far (to find the first position with
/// it) — the same steps as the full scan in O(k·m·log k) per step instead of O(k²·m).
enum LocalSearch {
    static func improve(_ bins: [[Int]], weights: [Int64], iterationLimit: Int = 100_000) -> [[Int]] {
        var bins = bins
        var loads = bins.map { $0.reduce(Int64(0)) { $0 + weights[$1] } }
        guard bins.count > 1 else { return bins }
        var sorted = bins.map { $0.map { weights[$0] }.sorted() }
        for _ in 0..<iterationLimit {
            var heaviest = 0
            for bin in loads.indices where loads[bin] > loads[heaviest] { heaviest = bin }
            let makespan = loads[heaviest]
            // Best move: (resulting max of the two bins, item position, target bin, swap position or nil).
            var best: (peak: Int64, position: Int, target: Int, swap: Int?)? = nil
            for (position, item) in bins[heaviest].enumerated() {
                let weight = weights[item]
                guard weight > 0 else { continue }
                for target in loads.indices where target != heaviest {
                    // No move or swap with this bin can go below the balance of the two loads.
                    if let best, 2 * best.peak <= makespan + loads[target] { continue }
                    let moved = max(makespan - weight, loads[target] + weight)
                    if moved < makespan, best.map({ moved < $0.peak }) ?? true {
                        best = (moved, position, target, nil)
                    }
                    guard let peak = bestSwapPeak(weight: weight, makespan: makespan, load: loads[target], sorted: sorted[target]),
                          peak < makespan, best.map({ peak < $0.peak }) ?? true else { continue }
                    for (swapPosition, other) in bins[target].enumerated() {
                        let delta = weight - weights[other]
                        if delta > 0, max(makespan - delta, loads[target] + delta) == peak {
                            best = (peak, position, target, swapPosition)
                            break
                        }
                    }
                }
            }
            guard let best else { break }
            let item = bins[heaviest][best.position]
            if let swapPosition = best.swap {
                let other = bins[best.target][swapPosition]
                bins[heaviest][best.position] = other
                bins[best.target][swapPosition] = item
                loads[heaviest] += weights[other] - weights[item]
                loads[best.target] += weights[item] - weights[other]
                replace(weights[item], with: weights[other], in: &sorted[heaviest])
                replace(weights[other], with: weights[item], in: &sorted[best.target])
            } else {
                bins[heaviest].remove(at: best.position)
                bins[best.target].append(item)
                loads[heaviest] -= weights[item]
                loads[best.target] += weights[item]
                sorted[heaviest].remove(at: lowerBound(weights[item], in: sorted[heaviest]))
                sorted[best.target].insert(weights[item], at: lowerBound(weights[item], in: sorted[best.target]))
            }
        }
        return bins
    }

    /// The least `max(makespan − δ, load + δ)` over the bin's weights `v < weight` (δ = weight − v),
    /// or `nil` when the bin has no lighter item. The peak is convex in `v`, so the best is next to
    /// `weight − (makespan − load) / 2`.
    static func bestSwapPeak(weight: Int64, makespan: Int64, load: Int64, sorted: [Int64]) -> Int64? {
        let lighter = lowerBound(weight, in: sorted)
        guard lighter > 0 else { return nil }
        let ideal = weight - (makespan - load) / 2
        let around = min(lowerBound(ideal, in: sorted), lighter - 1)
        var best: Int64?
        for index in max(around - 1, 0)...min(around + 1, lighter - 1) {
            let delta = weight - sorted[index]
            let peak = max(makespan - delta, load + delta)
            if best.map({ peak < $0 }) ?? true { best = peak }
        }
        return best
    }

    /// The first index whose value is not below `value`.
    static func lowerBound(_ value: Int64, in sorted: [Int64]) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func replace(_ old: Int64, with new: Int64, in sorted: inout [Int64]) {
        sorted.remove(at: lowerBound(old, in: sorted))
        sorted.insert(new, at: lowerBound(new, in: sorted))
    }
}
