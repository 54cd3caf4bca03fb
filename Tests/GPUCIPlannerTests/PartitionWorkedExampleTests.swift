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
