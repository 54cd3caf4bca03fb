import GPUCISupport
import GPUCIAllocation
import GPUCIPool
@testable import GPUCISimulation
import GPUCITopology
import Testing

@Suite struct PolicyTests {
    static func launches(_ scenario: Scenario, _ topology: Topology, _ eviction: EvictionPolicy,
                         _ allocation: AllocationPolicy = .ordered) throws -> SessionResult {
        try SessionSimulator.run(scenario, topology: topology, catalog: ReferenceModels.catalog, eviction: eviction, allocation: allocation)
    }

    /// Belady (told each key's next use) launches no more workers than MRU, summed over seeded scenarios.
    @Test func beladyLaunchesNoMoreThanMRUInAggregate() throws {
        let topology = try TopologyLoader.load("4x23028MiB")
        var mru = 0, belady = 0, lru = 0
        for seed in UInt64(1)...12 {
            var options = ScenarioGenerator.Options(tests: 120, models: 6, seed: seed)
            options.pdShare = 0.25
            let scenario = try ScenarioGenerator.generate(options)
            mru += try Self.launches(scenario, topology, .mru).launches
            belady += try Self.launches(scenario, topology, .belady).launches
            lru += try Self.launches(scenario, topology, .lru).launches
        }
        #expect(belady <= mru, "belady \(belady) > mru \(mru)")
        #expect(lru > 0)
    }

    /// With one-GPU workers on a uniform node, Belady never launches more than MRU on any scenario.
    @Test(arguments: Array(UInt64(1)...16))
    func beladyNeverWorseOnOneGPUWorkers(seed: UInt64) throws {
        let topology = try TopologyLoader.load("4x23028MiB")
        var options = ScenarioGenerator.Options(tests: 80, models: 7, seed: seed)
        options.singleGPUWorkers = true
        let scenario = try ScenarioGenerator.generate(options)
        let mru = try Self.launches(scenario, topology, .mru).launches
        let belady = try Self.launches(scenario, topology, .belady).launches
        #expect(belady <= mru, "seed \(seed): belady \(belady) > mru \(mru)")
    }

    @Test func ffdPreLaunchesLargestFirst() throws {
        let scenario = try ScenarioParser.parse("""
        topology: 4x24GB
        tests:
          - id: a.py::TestA::test_a[http]
            markers: {model: llama-1b, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: http}
          - id: b.py::TestB::test_b[http]
            markers: {model: gpt-oss, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: http}
          - id: c.py::TestC::test_c[http]
            markers: {model: qwen-7b, parametrize: [{argnames: setup_backend, values: [http]}]}
            params: {setup_backend: http}
        """, file: "ffd.yaml")
        let topology = try TopologyLoader.load("4x24GB")
        let ordered = try Self.launches(scenario, topology, .mru, .ordered)
        let ffd = try Self.launches(scenario, topology, .mru, .ffd)
        #expect(Array(ordered.launchedKeys.prefix(3)) == ["llama-1b:http", "gpt-oss:http", "qwen-7b:http"])
        #expect(Array(ffd.launchedKeys.prefix(3)) == ["gpt-oss:http", "qwen-7b:http", "llama-1b:http"])
        #expect(ffd.events.first { $0.kind == .launch }?.gpus == [0, 1])
    }

    @Test func generatorIsSeededAndWritesBack() throws {
        let options = ScenarioGenerator.Options(tests: 150, models: 9, seed: 99)
        let a = try ScenarioGenerator.generate(options), b = try ScenarioGenerator.generate(options)
        #expect(a == b)
        #expect(a.tests.count == 150)
        #expect(try ScenarioGenerator.generate(ScenarioGenerator.Options(tests: 150, models: 9, seed: 100)) != a)
        let parsed = try ScenarioParser.parse(ScenarioWriter.yaml(a), file: "g.yaml")
        #expect(parsed.tests.map(\.id) == a.tests.map(\.id))
        #expect(parsed.tests.map(\.markers) == a.tests.map(\.markers))
        #expect(throws: (any Error).self) { try ScenarioGenerator.generate(ScenarioGenerator.Options(tests: 0, models: 1, seed: 1)) }
    }

    @Test func eventQueueOrdersByTimeThenSequence() {
        var queue = EventQueue<String>()
        queue.schedule("c", at: 5)
        queue.schedule("a", at: 1)
        queue.schedule("d", at: 5)
        queue.schedule("b", at: 1)
        var random = SplitMix64(seed: 3)
        var expected: [(SimTime, Int)] = []
        for index in 0..<200 {
            let time = SimTime(Int.random(in: 1..<20, using: &random))
            expected.append((time, queue.schedule("x\(index)", at: time)))
        }
        var popped: [String] = []
        var keys: [(SimTime, Int)] = []
        while let entry = queue.pop() {
            popped.append(entry.payload)
            keys.append((entry.time, entry.seq))
        }
        #expect(Array(popped.prefix(2)) == ["a", "b"])
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) })
        #expect(keys.count == 204)
    }
}
