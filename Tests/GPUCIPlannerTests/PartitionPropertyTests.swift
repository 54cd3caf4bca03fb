import Testing
@testable import GPUCIPlanner

/// Properties over seeded random suites.
struct PartitionPropertyTests {
    private func randomWeights(_ random: inout SeededRandom, count: Int, values: Int) -> [Double] {
        (0..<count).map { _ in Double(1 + random.next() % UInt64(values)) }
    }

    /// §5.2 / §8.21: with equal est_times, the per-bin sums do not depend on the input order.
    @Test func sglangSumsAreIndependentOfTheOrderOfEqualWeights() {
        var random = SeededRandom(seed: 11)
        for _ in 0..<50 {
            let weights = randomWeights(&random, count: 40, values: 6).map { $0 * 30 }
            let partitions = 2 + Int(random.next() % 10)
            let sums = { (weights: [Double]) in
                LongestProcessingTime.partition(weights, partitions: partitions).map { $0.reduce(0) { $0 + weights[$1] } }
            }
            let expected = sums(weights)
            for _ in 0..<5 {
                #expect(sums(weights.shuffled(using: &random)) == expected)
            }
        }
    }

    @Test func sglangPutsEachFileAloneWhenThereAreEnoughPartitions() {
        let bins = LongestProcessingTime.partition([5, 9, 5], partitions: 4)
        #expect(bins == [[1], [0], [2], []])
        #expect(LongestProcessingTime.partition([], partitions: 3) == [[], [], []])
        #expect(LongestProcessingTime.partition([1, 2], partitions: 0) == [])
    }

    /// Exhaustive enumeration of small instances: `optimal` finds the true optimum and proves it.
    @Test func optimalMatchesBruteForceOnSmallInstances() {
        var random = SeededRandom(seed: 12)
        for _ in 0..<150 {
            let count = 1 + Int(random.next() % 8)
            let partitions = 2 + Int(random.next() % 3)
            let weights = randomWeights(&random, count: count, values: 60)
            let result = Partitioner.partition(weights, partitions: partitions, algorithm: .optimal)
            #expect(result.makespan == bruteForce(weights.map(Millis.from(seconds:)), partitions: partitions))
            #expect(result.isOptimal)
            let reference = Partitioner.partition(weights, partitions: partitions, algorithm: .sglang)
            #expect(result.makespan <= reference.makespan)
            #expect(result.lowerBound <= result.makespan)
        }
    }

    @Test func theBoundIsValidAndTheGapHonest() {
        var random = SeededRandom(seed: 13)
        for _ in 0..<100 {
            let weights = (0..<(20 + Int(random.next() % 60))).map { _ in Double(random.next() % 100_000) / 100 }
            let partitions = 2 + Int(random.next() % 15)
            let result = Partitioner.partition(weights, partitions: partitions, algorithm: .optimal,
                                               options: PartitionOptions(searchNodeBudget: 5_000))
            #expect(result.lowerBound <= result.makespan)
            #expect(result.loads.max() == result.makespan)
            #expect(result.bins.flatMap { $0 }.sorted() == Array(weights.indices))
            #expect(result.isOptimal == (result.proof != .none))
            if result.proof == .none { #expect(result.gapPercent > 0) }
        }
    }

    @Test func aFileLongerThanTheAverageLoadIsNamed() {
        let result = Partitioner.partition([1000, 100, 100, 100], partitions: 2, algorithm: .optimal)
        #expect(result.bindingItem == 0)
        #expect(result.makespan == 1_000_000 && result.proof == .lowerBound)
        let balanced = Partitioner.partition([100, 100, 100, 100], partitions: 2, algorithm: .optimal)
        #expect(balanced.bindingItem == nil)
    }

    @Test func theExactSearchIsBudgetedByNodes() {
        var random = SeededRandom(seed: 14)
        let weights = (0..<40).map { _ in Double(random.next() % 1_000_000) / 1000 }
        let small = Partitioner.partition(weights, partitions: 8, algorithm: .optimal, options: PartitionOptions(searchNodeBudget: 100))
        #expect(small.searchNodes <= 2 * 101)
        let again = Partitioner.partition(weights, partitions: 8, algorithm: .optimal, options: PartitionOptions(searchNodeBudget: 100))
        #expect(small == again)
    }

    private func bruteForce(_ weights: [Int64], partitions: Int) -> Int64 {
        var best = Int64.max
        var loads = Array(repeating: Int64(0), count: partitions)
        func place(_ index: Int) {
            if index == weights.count { best = min(best, loads.max() ?? 0); return }
            for bin in 0..<partitions {
                loads[bin] += weights[index]
                place(index + 1)
                loads[bin] -= weights[index]
            }
        }
        place(0)
        return best
    }

    @Test func plansDoNotDependOnTheOrderOfTheRegistry() throws {
        let registrations = try RegistryCSV.parse(SharedData.registryCSV(), file: "sglang-registry.csv")
        var random = SeededRandom(seed: 15)
        let shuffled = registrations.shuffled(using: &random)
        for suite in ["base-b-test-1-gpu-small", "base-b-kernel-unit-test-1-gpu-large"] {
            let key = SuiteKey(backend: "cuda", suite: suite)
            for algorithm in PartitionAlgorithm.allCases {
                #expect(SuitePlanner.plan(registrations, key: key, partitions: 8, algorithm: algorithm)
                    == SuitePlanner.plan(shuffled, key: key, partitions: 8, algorithm: algorithm))
            }
        }
    }
}
