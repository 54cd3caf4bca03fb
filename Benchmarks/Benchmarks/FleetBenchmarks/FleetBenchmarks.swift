import Benchmark
import Foundation
import GPUCIFleet
import GPUCIHistory
import GPUCIPlanner

/// The checkout's root.
private let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// sglang's real CI runs in `../shared` (the four shipped fixtures when it is absent), as the
/// fleet model reads them.
private let recorded: [RecordedRun] = {
    for folder in [root.appendingPathComponent("../shared/data/sglang-ci-stats/runs").standardized,
                   root.appendingPathComponent("Tests/GPUCIHistoryTests/Fixtures/ci-stats")] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path), !names.isEmpty else { continue }
        let files = names.filter { $0.hasSuffix(".json") }.sorted()
            .compactMap { try? IngestFile.read(path: folder.appendingPathComponent($0).path, backend: nil) }
        let runs = files.flatMap(\.records.runs)
        let jobs = files.flatMap { $0.records.jobs.map(\.job) }
        return RecordedRun.all(runs: runs, jobs: jobs)
    }
    return []
}()

private let fleet = FleetFit.fit(recorded, name: "bench")!.fleet

/// The newest run's first attempt with its recorded wall times (~55 jobs on 9 labels).
private let spec = CIRunSpec(jobs: recorded.last!.firstAttempt.map {
    CIRunJob(name: $0.name, group: $0.group, label: $0.label, durationSeconds: $0.durationSeconds, timeoutSeconds: 3600)
})

/// The same run's suites as planner choices with 1,000 draws of every partition.
private let suites: [FleetPlanner.Suite] = {
    let groups = Dictionary(grouping: recorded.last!.firstAttempt, by: \.group)
    return groups.keys.sorted().map { group in
        let jobs = groups[group]!
        var partitions: [PartitionDistribution] = []
        for (offset, job) in jobs.enumerated() {
            var draws: [Double] = []
            for draw in 0..<1000 {
                let spread = Double((draw * 7919 + offset * 104_729) % 1000) / 1000
                draws.append(job.durationSeconds * (0.8 + 0.4 * spread))
            }
            partitions.append(PartitionDistribution(draws: draws))
        }
        let parts = group.split(separator: "/").map(String.init)
        return FleetPlanner.Suite(key: SuiteKey(backend: parts[0], suite: parts[1]), label: jobs[0].label, timeoutSeconds: 3600,
                                  currentPartitions: jobs.count, candidates: [jobs.count: partitions])
    }
}()

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
                                                maxDuration: .seconds(3), maxIterations: 1000)

    // One whole CI run (~55 jobs) on the fitted fleet.
    Benchmark("Fleet.simulate.run", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try CIRunSimulator.simulate(spec, on: fleet)) }
    }

    // A 1,000-draw time-to-green distribution of that run.
    Benchmark("Fleet.evaluate.1000draws", configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(3), maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try FleetPlanner.evaluate(suites, counts: suites.map(\.currentPartitions), fleet: fleet, maxParallel: nil, maxRisk: 0.01))
        }
    }

    // Fitting a fleet to every run and replaying them walk-forward.
    Benchmark("Fleet.fit", configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(3), maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(FleetFit.fit(recorded, name: "bench")) }
    }
    Benchmark("Fleet.replay", configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(3), maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(FleetReplay.replay(recorded)) }
    }
}
