import GPUCISupport
import Testing
@testable import GPUCIPlanner

/// Partition-count recommendation and plan hashing.
struct RecommendAndHashTests {
    private func registrations(_ weights: [Double]) -> [Registration] {
        weights.enumerated().map { Registration(file: "test/registered/t\($0.offset).py", backend: "cuda", suite: "s", estTime: $0.element) }
    }

    @Test func recommendsTheSmallestFittingCountWithAProof() {
        // Σ = 1000 s; capacity 300 s → at least 4 partitions; 4 × 250 fits.
        let recommendation = PartitionRecommender.recommend(
            registrations(Array(repeating: 50, count: 20)), key: SuiteKey(backend: "cuda", suite: "s"),
            timeoutSeconds: 360, overheadSeconds: 60, gpusPerJob: 2)
        #expect(recommendation.partitions == 4)
        #expect(recommendation.provedMinimal)
        #expect(recommendation.rows.map(\.partitions) == [1, 2, 3, 4, 5, 6])
        #expect(recommendation.rows[2].provedInfeasible && !recommendation.rows[2].fits)
        // GPU-minutes at 4 partitions: (1000 s + 4 × 60 s) × 2 GPUs = 41.33 min.
        #expect(abs(recommendation.rows[3].gpuMinutes - 1240.0 * 2 / 60) < 1e-9)
    }

    @Test func statesTheGapWhenOnlyTheSearchCouldExcludeTheSmallerCount() {
        // Σ = 32, m = 2: the bound says 16, but the best split is 17 ({11, 6}, {9, 3, 3}).
        let weights: [Double] = [11, 3, 6, 3, 9]
        let key = SuiteKey(backend: "cuda", suite: "s")
        let unsearched = PartitionRecommender.recommend(
            registrations(weights), key: key, timeoutSeconds: 16, overheadSeconds: 0, gpusPerJob: 1,
            options: PartitionOptions(searchNodeBudget: 0))
        #expect(unsearched.partitions == 3)
        #expect(!unsearched.provedMinimal)
        #expect(unsearched.reason.contains("might fit"))
        let searched = PartitionRecommender.recommend(
            registrations(weights), key: key, timeoutSeconds: 16, overheadSeconds: 0, gpusPerJob: 1)
        #expect(searched.partitions == 3)
        #expect(searched.provedMinimal)
        #expect(searched.rows[1].lowerBoundSeconds == 17)
    }

    @Test func aFileLongerThanTheCapacityMeansNoCountFits() {
        let recommendation = PartitionRecommender.recommend(
            registrations([10, 500]), key: SuiteKey(backend: "cuda", suite: "s"),
            timeoutSeconds: 400, overheadSeconds: 0, gpusPerJob: 1)
        #expect(recommendation.partitions == nil)
        #expect(recommendation.oversizedFile == "test/registered/t1.py")
    }

    @Test func gpusPerJobComesFromTheSuiteName() {
        #expect(PartitionRecommender.gpusPerJob(suite: "base-c-test-4-gpu-h100") == 4)
        #expect(PartitionRecommender.gpusPerJob(suite: "nightly-16-npu-a3") == 16)
        #expect(PartitionRecommender.gpusPerJob(suite: "base-a-test-cpu") == 1)
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(ContentHash.sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentHash.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentHash.sha256(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func thePlanHashFollowsThePlan() {
        let regs = registrations([30, 20, 10])
        let key = SuiteKey(backend: "cuda", suite: "s")
        let two = PlanDocument(suites: [PlanDocument.Suite(SuitePlanner.plan(regs, key: key, partitions: 2, algorithm: .optimal), config: nil)])
        let again = PlanDocument(suites: [PlanDocument.Suite(SuitePlanner.plan(regs, key: key, partitions: 2, algorithm: .optimal), config: nil)])
        let three = PlanDocument(suites: [PlanDocument.Suite(SuitePlanner.plan(regs, key: key, partitions: 3, algorithm: .optimal), config: nil)])
        #expect(two.hash == again.hash)
        #expect(two.hash != three.hash)
        #expect(two.hash.count == 64)
    }
}
