/// Complete-greedy branch and bound for P||Cmax with a node budget.
///
/// Items go largest first; each tries the bins in order of load, skipping bins whose load
/// equals one already tried (symmetry), and any bin it would push to the incumbent makespan
/// or above. A node is cut when the remaining items cannot fit in the usable slack.
struct BranchAndBound {
    private let weights: [Int64]
    private let order: [Int]
    private let suffix: [Int64]
    private let partitions: Int
    private let lowerBound: Int64
    private let budget: Int
    private let unit: Int64
    private var loads: [Int64]
    private var assignment: [Int]
    private(set) var bestMakespan: Int64
    private(set) var bestAssignment: [Int]
    private(set) var nodes = 0
    private var stopped = false

    /// Whether the search ended because it ran out of nodes (the result is then not proved).
    var exhausted: Bool { stopped && bestMakespan > lowerBound }

    init(weights: [Int64], partitions: Int, incumbent: [[Int]], lowerBound: Int64, budget: Int) {
        self.weights = weights
        self.partitions = partitions
        self.lowerBound = lowerBound
        self.budget = budget
        unit = MakespanBound.granularity(weights)
        order = weights.indices.sorted { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
        var suffix = Array(repeating: Int64(0), count: weights.count + 1)
        for index in stride(from: weights.count - 1, through: 0, by: -1) {
            suffix[index] = suffix[index + 1] + weights[order[index]]
        }
        self.suffix = suffix
        loads = Array(repeating: 0, count: partitions)
        assignment = Array(repeating: 0, count: weights.count)
        var best = Array(repeating: 0, count: weights.count)
        for (bin, items) in incumbent.enumerated() { for item in items { best[item] = bin } }
        bestAssignment = best
        bestMakespan = incumbent.map { $0.reduce(Int64(0)) { $0 + weights[$1] } }.max() ?? 0
    }

    /// Searches for a better plan; afterwards `bestAssignment` maps each item to its bin.
    mutating func run() {
        guard bestMakespan > lowerBound, partitions > 1 else { return }
        search(depth: 0)
    }

    private mutating func search(depth: Int) {
        if depth == order.count {
            let makespan = loads.max() ?? 0
            if makespan < bestMakespan {
                bestMakespan = makespan
                bestAssignment = assignment
            }
            return
        }
        nodes += 1
        if nodes > budget { stopped = true; return }
        let target = bestMakespan - unit
        let weight = weights[order[depth]]
        let smallest = weights[order[order.count - 1]]
        var usable: Int64 = 0
        for load in loads where target - load >= smallest { usable += target - load }
        if usable < suffix[depth] { return }
        var candidates = Array(loads.indices)
        candidates.sort { loads[$0] < loads[$1] || (loads[$0] == loads[$1] && $0 < $1) }
        var previous: Int64 = -1
        for bin in candidates {
            let load = loads[bin]
            if load == previous { continue }
            previous = load
            if load + weight > bestMakespan - unit { break }
            loads[bin] += weight
            assignment[order[depth]] = bin
            search(depth: depth + 1)
            loads[bin] -= weight
            if stopped || bestMakespan <= lowerBound { return }
        }
    }
}
