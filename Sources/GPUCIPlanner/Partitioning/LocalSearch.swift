/// Move and swap improvement of a partition: repeatedly lowers the most loaded bin by moving
/// one of its items to another bin, or swapping it for a lighter one, while that lowers the
/// larger of the two bins involved below the current makespan.
enum LocalSearch {
    static func improve(_ bins: [[Int]], weights: [Int64], iterationLimit: Int = 100_000) -> [[Int]] {
        var bins = bins
        var loads = bins.map { $0.reduce(Int64(0)) { $0 + weights[$1] } }
        guard bins.count > 1 else { return bins }
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
                    let moved = max(makespan - weight, loads[target] + weight)
                    if moved < makespan, best.map({ moved < $0.peak }) ?? true {
                        best = (moved, position, target, nil)
                    }
                    for (swapPosition, other) in bins[target].enumerated() {
                        let delta = weight - weights[other]
                        guard delta > 0 else { continue }
                        let swapped = max(makespan - delta, loads[target] + delta)
                        if swapped < makespan, best.map({ swapped < $0.peak }) ?? true {
                            best = (swapped, position, target, swapPosition)
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
            } else {
                bins[heaviest].remove(at: best.position)
                bins[best.target].append(item)
                loads[heaviest] -= weights[item]
                loads[best.target] += weights[item]
            }
        }
        return bins
    }
}
