import Testing
@testable import GPUCIPlanner

/// sglang-reference §8.18: the toy example of the anchor runner.
struct PartitionWorkedExampleTests {
    let names = ["a", "b", "c", "d", "e", "f", "g"]
    let weights: [Double] = [100, 90, 60, 60, 50, 30, 10]

    @Test func toyExampleWithThreePartitions() {
        let bins = LongestProcessingTime.partition(weights, partitions: 3)
        #expect(bins.map { $0.map { names[$0] } } == [["a", "f"], ["b", "e"], ["c", "d", "g"]])
        let result = Partitioner.partition(weights, partitions: 3, algorithm: .sglang)
        #expect(result.loads == [130_000, 140_000, 130_000])
        // ⌈400/3⌉ = 134 s, and every load is a multiple of 10 s: no plan beats 140 s.
        #expect(result.lowerBound == 140_000)
        #expect(result.proof == .lowerBound)
    }

    @Test func toyExampleWithTenPartitions() {
        let bins = LongestProcessingTime.partition(weights, partitions: 10)
        #expect(bins.prefix(7).map { $0.map { names[$0] } } == names.map { [$0] })
        #expect(bins.suffix(3).allSatisfy { $0.isEmpty })
    }

    @Test func optimalImprovesTheToyExample() {
        let result = Partitioner.partition(weights, partitions: 3, algorithm: .optimal)
        #expect(result.makespan == 140_000)
        #expect(result.makespan >= result.lowerBound)
        #expect(result.isOptimal)
        #expect(result.bins.flatMap { $0 }.sorted() == Array(0..<7))
    }
}

/// The reference LPT on float est_times: bins computed by the Python reference
/// (`sorted(..., reverse=True)` then `min(range(size), key=sums.__getitem__)`), float sums included.
struct SglangFloatReferenceTests {
    @Test func floatWeightsMatchThePythonReference() {
        let weights: [Double] = [
            2.5, 8.9, 3.3, 0.1, 0.2, 3.3, 0.05, 0.2, 0.7, 0.7, 1.1, 0.05, 0.2, 3.3, 0.3, 0.1, 0.7, 0.3, 2.5, 2.6,
            0.7, 0.7, 1.1, 2.5, 0.3, 1.1, 2.5, 0.1, 2.5, 1.1, 1.1, 2.5, 3.3, 0.3, 1.1, 2.5, 0.1, 0.05, 0.05, 0.1,
        ]
        #expect(LongestProcessingTime.partition(weights, partitions: 5) == [
            [1, 30, 20, 7, 39], [2, 19, 35, 29, 16, 17, 33, 27, 37], [5, 0, 26, 10, 34, 4, 12, 6],
            [13, 18, 28, 22, 8, 21, 15, 11], [32, 23, 31, 25, 9, 14, 24, 3, 36, 38],
        ])
    }
}
