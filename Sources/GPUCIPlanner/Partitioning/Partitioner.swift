/// Splits weighted items into a fixed number of partitions and certifies the result.
public enum Partitioner {
    /// Partitions `seconds` (one weight per item, in discovery order) into `partitions` bins.
    ///
    /// Both algorithms report the makespan, the lower bound and whether it is proved optimal;
    /// `optimal` is never worse than `sglang` on the same input.
    public static func partition(_ seconds: [Double], partitions: Int, algorithm: PartitionAlgorithm,
                                 options: PartitionOptions = PartitionOptions()) -> PartitionResult {
        let m = max(partitions, 1)
        let weights = seconds.map(Millis.from(seconds:))
        let bound = MakespanBound.lowerBound(weights, partitions: m)
        let reference = LongestProcessingTime.partition(seconds, partitions: m)
        switch algorithm {
        case .sglang:
            return certify(reference, weights: weights, staticBound: bound, provenBound: bound, nodes: 0)
        case .optimal:
            let referenceBins = reference
            let differenced = KarmarkarKarp.partition(weights, partitions: m)
            var best = referenceBins
            for candidate in [referenceBins, LocalSearch.improve(referenceBins, weights: weights),
                              differenced, LocalSearch.improve(differenced, weights: weights)]
            where makespan(candidate, weights) < makespan(best, weights) {
                best = candidate
            }
            // Bin completion first (strong near the bound), then complete greedy, each with the budget.
            var completion = BinCompletion(weights: weights, partitions: m, budget: options.searchNodeBudget)
            let outcome = completion.solve(incumbent: best, lowerBound: bound)
            if outcome.makespan < makespan(best, weights) { best = outcome.bins }
            var proven = outcome.lowerBound
            var nodes = completion.nodes
            if outcome.exhausted {
                var greedy = BranchAndBound(weights: weights, partitions: m, incumbent: best, lowerBound: proven,
                                            budget: options.searchNodeBudget)
                greedy.run()
                nodes += greedy.nodes
                if greedy.bestMakespan < makespan(best, weights) {
                    var bins = Array(repeating: [Int](), count: m)
                    for (item, bin) in greedy.bestAssignment.enumerated() { bins[bin].append(item) }
                    best = bins
                }
                if !greedy.exhausted { proven = max(proven, greedy.bestMakespan) }
            }
            return certify(canonical(best, weights: weights), weights: weights, staticBound: bound,
                           provenBound: proven, nodes: nodes)
        }
    }

    /// Orders a plan canonically: items heaviest first (input order on ties) inside each bin,
    /// bins by load descending (then by their first item).
    static func canonical(_ bins: [[Int]], weights: [Int64]) -> [[Int]] {
        let sortedBins = bins.map { items in
            items.sorted { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
        }
        let loads = sortedBins.map { $0.reduce(Int64(0)) { $0 + weights[$1] } }
        let order = sortedBins.indices.sorted { left, right in
            if loads[left] != loads[right] { return loads[left] > loads[right] }
            let a = sortedBins[left].first ?? Int.max, b = sortedBins[right].first ?? Int.max
            return a != b ? a < b : left < right
        }
        return order.map { sortedBins[$0] }
    }

    private static func makespan(_ bins: [[Int]], _ weights: [Int64]) -> Int64 {
        bins.map { $0.reduce(Int64(0)) { $0 + weights[$1] } }.max() ?? 0
    }

    private static func certify(_ bins: [[Int]], weights: [Int64], staticBound: Int64, provenBound: Int64,
                                nodes: Int) -> PartitionResult {
        let loads = bins.map { $0.reduce(Int64(0)) { $0 + weights[$1] } }
        let span = loads.max() ?? 0
        let bound = min(max(staticBound, provenBound), span)
        let proof: OptimalityProof = span <= staticBound ? .lowerBound : span <= bound ? .exhaustiveSearch : .none
        let total = weights.reduce(0, +)
        var binding: Int? = nil
        if let heaviest = weights.indices.max(by: { weights[$0] < weights[$1] || (weights[$0] == weights[$1] && $0 > $1) }),
           weights[heaviest] > 0, weights[heaviest] * Int64(max(bins.count, 1)) >= total, bins.count > 1 {
            binding = heaviest
        }
        return PartitionResult(bins: bins, loads: loads, makespan: span, lowerBound: bound, proof: proof,
                               bindingItem: binding, searchNodes: nodes)
    }
}
