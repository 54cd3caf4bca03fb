import GPUCISupport
import Testing
@testable import GPUCIPlanner

@Suite struct KarmarkarKarpTests {
    @Test func theHeapVersionDecidesAsTheLinearScanDid() {
        var random = SplitMix64(seed: 13)
        for round in 0..<600 {
            let count = Int(random.next() % 60)
            // Few distinct weights: ties in spread and load are the interesting cases.
            let alphabet = round % 2 == 0 ? 5 : 100_000
            let weights = (0..<count).map { _ in Int64(random.next() % UInt64(alphabet)) }
            let m = 1 + Int(random.next() % 9)
            #expect(KarmarkarKarp.partition(weights, partitions: m) == ReferenceKarmarkarKarp.partition(weights, partitions: m),
                    "weights \(weights), m \(m)")
        }
    }

    @Test func theSortedLocalSearchStepsAsTheFullScanDid() {
        var random = SplitMix64(seed: 31)
        for round in 0..<600 {
            let count = Int(random.next() % 80)
            let alphabet = [4, 50, 1_000_000][round % 3]
            let weights = (0..<count).map { _ in Int64(random.next() % UInt64(alphabet)) }
            let m = 2 + Int(random.next() % 7)
            // Start from a poor plan (round robin) so that many steps are taken.
            var bins = Array(repeating: [Int](), count: m)
            for item in weights.indices { bins[(item * 7 + Int(random.next() % 2)) % m].append(item) }
            #expect(LocalSearch.improve(bins, weights: weights) == ReferenceLocalSearch.improve(bins, weights: weights),
                    "weights \(weights), bins \(bins)")
        }
    }

    @Test func everyItemLandsInExactlyOneBin() {
        let weights = (0..<5000).map { Int64(($0 * 7919) % 1013) }
        let bins = KarmarkarKarp.partition(weights, partitions: 16)
        #expect(bins.count == 16)
        #expect(bins.flatMap { $0 }.sorted() == Array(0..<5000))
        #expect(KarmarkarKarp.partition([], partitions: 3) == [[], [], []])
        #expect(KarmarkarKarp.partition([5], partitions: 0) == [])
    }
}

/// The earlier Karmarkar–Karp (linear scan for the widest partial, item arrays concatenated):
/// the heap version must decide exactly as it did.
enum ReferenceKarmarkarKarp {
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

/// The earlier local search (every swap scanned), which the sorted version must match step for step.
/// Move and swap improvement of a partition: repeatedly lowers the most loaded bin by moving
/// one of its items to another bin, or swapping it for a lighter one, while that lowers the
/// larger of the two bins involved below the current makespan.
enum ReferenceLocalSearch {
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
