/// Exact search for P||Cmax by bin completion, with a node budget.
///
/// `decide(capacity)` asks whether the items fit in `m` bins of that capacity. Bins are filled
/// one at a time: each takes the largest remaining item (symmetry breaking) plus a subset of
/// the others whose sum lies in [remaining − (bins left − 1)·capacity, capacity] — when the
/// capacity is near the lower bound every bin must be almost full, so the windows are narrow.
/// Equal weights are never tried in two orders. `solve` binary-searches the capacity between
/// the lower bound and the incumbent: an infeasible capacity raises the proven bound, a
/// feasible one improves the plan.
struct BinCompletion {
    private let weights: [Int64]
    /// Item indices, heaviest first (input order on ties).
    private let order: [Int]
    private let partitions: Int
    private let unit: Int64
    private let budget: Int
    private(set) var nodes = 0

    init(weights: [Int64], partitions: Int, budget: Int) {
        self.weights = weights
        self.partitions = partitions
        self.budget = budget
        order = weights.indices.sorted { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
        unit = MakespanBound.granularity(weights)
    }

    /// The outcome of a search.
    struct Outcome {
        /// The best plan found (bins of item indices) and its makespan.
        var bins: [[Int]]
        var makespan: Int64
        /// The best proven lower bound.
        var lowerBound: Int64
        /// Whether the budget ran out before the bound met the makespan.
        var exhausted: Bool
    }

    /// Improves `incumbent` and the lower bound until they meet or the budget runs out.
    mutating func solve(incumbent: [[Int]], lowerBound: Int64) -> Outcome {
        var best = incumbent
        var makespan = load(of: incumbent)
        var bound = lowerBound
        while bound < makespan {
            // The largest multiple of the unit in the middle, so that both halves shrink.
            let middle = bound + ((makespan - unit - bound) / unit / 2) * unit
            switch decide(capacity: middle) {
            case .feasible(let bins):
                best = bins
                makespan = load(of: bins)
            case .infeasible:
                bound = middle + unit
            case .unknown:
                return Outcome(bins: best, makespan: makespan, lowerBound: bound, exhausted: true)
            }
        }
        return Outcome(bins: best, makespan: makespan, lowerBound: min(bound, makespan), exhausted: false)
    }

    private enum Decision {
        case feasible([[Int]])
        case infeasible
        case unknown
    }

    private func load(of bins: [[Int]]) -> Int64 {
        bins.map { $0.reduce(Int64(0)) { $0 + weights[$1] } }.max() ?? 0
    }

    private mutating func decide(capacity: Int64) -> Decision {
        var used = Array(repeating: false, count: order.count)
        var bins: [[Int]] = []
        let total = weights.reduce(0, +)
        switch fill(binsLeft: partitions, remaining: total, capacity: capacity, used: &used, bins: &bins) {
        case .some(true):
            while bins.count < partitions { bins.append([]) }
            // Weightless items left over when every weighted one is placed.
            var placed = Array(repeating: false, count: weights.count)
            for bin in bins { for item in bin { placed[item] = true } }
            bins[0] += weights.indices.filter { !placed[$0] }
            return .feasible(bins)
        case .some(false): return .infeasible
        case .none: return .unknown
        }
    }

    /// Fills the next bin; `nil` when the budget ran out.
    private mutating func fill(binsLeft: Int, remaining: Int64, capacity: Int64, used: inout [Bool],
                               bins: inout [[Int]]) -> Bool? {
        guard remaining > 0 else { return true }
        guard binsLeft > 0 else { return false }
        guard let first = order.indices.first(where: { !used[$0] }) else { return true }
        if binsLeft == 1 {
            guard remaining <= capacity else { return false }
            bins.append(order.indices.filter { !used[$0] }.map { order[$0] })
            return true
        }
        let minimum = remaining - Int64(binsLeft - 1) * capacity
        guard weights[order[first]] <= capacity, minimum <= capacity else { return false }
        let free = order.indices.filter { !used[$0] && $0 != first }
        var suffix = Array(repeating: Int64(0), count: free.count + 1)
        for position in stride(from: free.count - 1, through: 0, by: -1) {
            suffix[position] = suffix[position + 1] + weights[order[free[position]]]
        }
        used[first] = true
        var chosen = [first]
        let result = subsets(free: free, suffix: suffix, position: 0, sum: weights[order[first]], minimum: minimum,
                             capacity: capacity, chosen: &chosen, used: &used, binsLeft: binsLeft,
                             remaining: remaining, bins: &bins)
        used[first] = false
        return result
    }

    /// Enumerates the bin's completions (include before exclude), recursing into the next bin.
    private mutating func subsets(free: [Int], suffix: [Int64], position: Int, sum: Int64, minimum: Int64,
                                  capacity: Int64, chosen: inout [Int], used: inout [Bool], binsLeft: Int,
                                  remaining: Int64, bins: inout [[Int]]) -> Bool? {
        nodes += 1
        if nodes > budget { return nil }
        if sum + suffix[position] < minimum { return false }
        if position == free.count || sum == capacity {
            guard sum >= minimum else { return false }
            bins.append(chosen.map { order[$0] })
            let result = fill(binsLeft: binsLeft - 1, remaining: remaining - sum, capacity: capacity, used: &used, bins: &bins)
            if result != true { bins.removeLast() }
            return result
        }
        let item = free[position]
        let weight = weights[order[item]]
        if sum + weight <= capacity {
            used[item] = true
            chosen.append(item)
            let included = subsets(free: free, suffix: suffix, position: position + 1, sum: sum + weight, minimum: minimum,
                                   capacity: capacity, chosen: &chosen, used: &used, binsLeft: binsLeft,
                                   remaining: remaining, bins: &bins)
            chosen.removeLast()
            used[item] = false
            if included != false { return included }
        }
        // Excluding this weight excludes every later copy of it too (no duplicate subsets).
        var next = position + 1
        while next < free.count, weights[order[free[next]]] == weight { next += 1 }
        return subsets(free: free, suffix: suffix, position: next, sum: sum, minimum: minimum, capacity: capacity,
                       chosen: &chosen, used: &used, binsLeft: binsLeft, remaining: remaining, bins: &bins)
    }
}
