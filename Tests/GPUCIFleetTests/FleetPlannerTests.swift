import GPUCIHistory
import GPUCIPlanner
import Testing
@testable import GPUCIFleet

@Suite struct FleetPlannerTests {
    /// A suite of `work` seconds split evenly into 1…`maxCount` partitions, each job with
    /// `overhead` seconds on top, drawn ×0.8 … ×1.2 in five worlds.
    static func suite(_ name: String, label: String, work: Double, overhead: Double, current: Int, maxCount: Int,
                      timeout: Double = 1800) -> FleetPlanner.Suite {
        let factors = [0.8, 0.9, 1.0, 1.1, 1.2]
        var candidates: [Int: [PartitionDistribution]] = [:]
        for count in 1...maxCount {
            candidates[count] = (0..<count).map { _ in PartitionDistribution(draws: factors.map { work / Double(count) * $0 + overhead }) }
        }
        return FleetPlanner.Suite(key: SuiteKey(backend: "cuda", suite: name), label: label, timeoutSeconds: timeout,
                                  overheadSeconds: overhead, currentPartitions: current, candidates: candidates)
    }

    static let fleet = Fleet(name: "t", pools: [RunnerPool(label: "a", runners: 4), RunnerPool(label: "b", runners: 2)])

    @Test func neverWorseThanAnAllowedCurrentPlan() throws {
        let suites = [Self.suite("big", label: "a", work: 9000, overhead: 300, current: 6, maxCount: 8),
                      Self.suite("small", label: "a", work: 1200, overhead: 300, current: 3, maxCount: 4),
                      Self.suite("other", label: "b", work: 3000, overhead: 200, current: 2, maxCount: 4)]
        let recommendation = try FleetPlanner.recommend(suites, fleet: Self.fleet, maxRisk: 0.01)
        #expect(recommendation.current.withinRisk)
        #expect(recommendation.recommended.withinRisk)
        #expect(recommendation.recommended.p50TimeToGreenSeconds <= recommendation.current.p50TimeToGreenSeconds)
        // Four runners: the small suite in fewer jobs frees runners for the big one.
        #expect(recommendation.recommended.p50TimeToGreenSeconds < recommendation.current.p50TimeToGreenSeconds)
        #expect(try FleetPlanner.recommend(suites, fleet: Self.fleet, maxRisk: 0.01) == recommendation)
    }

    @Test func aSuiteNoCountCanSaveIsReported() throws {
        let suites = [Self.suite("hopeless", label: "a", work: 9000, overhead: 0, current: 1, maxCount: 3, timeout: 600)]
        let recommendation = try FleetPlanner.recommend(suites, fleet: Self.fleet, maxRisk: 0.01)
        let choice = try #require(recommendation.recommended.suites.first)
        #expect(choice.cannotMeetRisk && choice.partitions == 3 && !recommendation.recommended.withinRisk)
        #expect(recommendation.recommended.expectedTimeouts > 0)
    }

    @Test func moreRunnersNeverLengthenThePrediction() throws {
        let suites = [Self.suite("big", label: "a", work: 9000, overhead: 300, current: 6, maxCount: 8),
                      Self.suite("other", label: "b", work: 3000, overhead: 200, current: 3, maxCount: 4)]
        var previous = Double.infinity
        for runners in 1...8 {
            let evaluation = try FleetPlanner.evaluate(suites, counts: [6, 3], fleet: Self.fleet.with(runners: runners, for: "a"),
                                                       maxParallel: nil, maxRisk: 0.01)
            #expect(evaluation.p50TimeToGreenSeconds <= previous)
            previous = evaluation.p50TimeToGreenSeconds
        }
    }

    @Test func aTargetTradesTimeForRunnerMinutes() throws {
        let suites = [Self.suite("big", label: "a", work: 6000, overhead: 600, current: 4, maxCount: 6, timeout: 7200)]
        let fastest = try FleetPlanner.recommend(suites, fleet: Self.fleet, maxRisk: 0.01)
        let target = fastest.recommended.p50TimeToGreenSeconds * 2
        let cheap = try FleetPlanner.recommend(suites, fleet: Self.fleet, maxRisk: 0.01, objective: .runnerMinutes(targetSeconds: target))
        #expect(!cheap.targetUnreachable)
        #expect(cheap.recommended.p50TimeToGreenSeconds <= target)
        #expect(cheap.recommended.runnerMinutes < fastest.recommended.runnerMinutes)
        let impossible = try FleetPlanner.recommend(suites, fleet: Self.fleet, maxRisk: 0.01, objective: .runnerMinutes(targetSeconds: 60))
        #expect(impossible.targetUnreachable)
    }

    /// A review's counterexample: descent under a target stalled on a plan worse than the current one.
    @Test func aTargetNeverEndsWorseThanAnAllowedCurrentPlan() throws {
        func suite(_ name: String, _ one: [Double], _ two: [Double]) -> FleetPlanner.Suite {
            FleetPlanner.Suite(key: SuiteKey(backend: "cuda", suite: name), label: "a", timeoutSeconds: 1000, currentPartitions: 1,
                               candidates: [1: one.map { PartitionDistribution(draws: [$0]) }, 2: two.map { PartitionDistribution(draws: [$0]) }])
        }
        let suites = [suite("A", [20], [10, 20]), suite("B", [50], [10, 30]), suite("C", [60], [50, 30])]
        let fleet = Fleet(name: "t", pools: [RunnerPool(label: "a", runners: 3)])
        let result = try FleetPlanner.recommend(suites, fleet: fleet, maxRisk: 0.01, objective: .runnerMinutes(targetSeconds: 60))
        #expect(result.recommended.p50TimeToGreenSeconds <= 60)
        #expect(result.recommended.runnerMinutes <= result.current.runnerMinutes)
    }
}
