import Testing
@testable import GPUCIPlanner

/// `optimal` against the reference LPT on every suite of the shared CSV.
struct OptimalVersusSglangTests {
    @Test(arguments: [2, 4, 8, 11, 16])
    func optimalIsNeverWorseAndNeverBelowTheBound(partitions: Int) throws {
        let registrations = try RegistryCSV.parse(SharedData.registryCSV(), file: "sglang-registry.csv")
        for key in SuiteKey.all(in: registrations) {
            let reference = SuitePlanner.plan(registrations, key: key, partitions: partitions, algorithm: .sglang)
            let optimal = SuitePlanner.plan(registrations, key: key, partitions: partitions, algorithm: .optimal)
            #expect(optimal.makespanSeconds <= reference.makespanSeconds, "\(key)")
            #expect(optimal.makespanSeconds >= optimal.lowerBoundSeconds, "\(key)")
            #expect(optimal.lowerBoundSeconds >= reference.lowerBoundSeconds, "\(key)")
            if optimal.makespanSeconds == optimal.lowerBoundSeconds { #expect(optimal.optimal, "\(key)") }
            if !optimal.optimal { #expect(optimal.gapPercent > 0, "\(key)") }
            #expect(optimal.partitions.count == partitions)
            // The same files, each once.
            let planned = optimal.partitions.flatMap(\.files).sorted()
            #expect(planned == reference.partitions.flatMap(\.files).sorted(), "\(key)")
            let sums = optimal.partitions.map(\.estSeconds)
            #expect(abs(sums.reduce(0, +) - reference.totalSeconds) < 1e-6)
        }
    }

    @Test func plansAreDeterministic() throws {
        let registrations = try RegistryCSV.parse(SharedData.registryCSV(), file: "sglang-registry.csv")
        let key = SuiteKey(backend: "cuda", suite: "base-b-test-1-gpu-small")
        let first = SuitePlanner.plan(registrations, key: key, partitions: 11, algorithm: .optimal)
        let second = SuitePlanner.plan(registrations, key: key, partitions: 11, algorithm: .optimal)
        #expect(first == second)
    }
}
