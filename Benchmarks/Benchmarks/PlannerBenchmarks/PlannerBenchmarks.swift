import Benchmark
import Foundation
import GPUCIPlanner

/// The bundled sglang registry (2,191 registrations), read from the checkout.
private let registrations: [Registration] = {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("Scenarios/ci/sglang-registry.csv").path
    return (try? RegistryCSV.read(path: path)) ?? []
}()

/// Seeded synthetic suites of the ci-splitting note's §2.4 (uniform, lognormal, GPU mix).
private func synthetic(_ distribution: String, count: Int, seed: UInt64) -> [Double] {
    var state = seed
    func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    func lognormal(median: Double, sigma: Double) -> Double {
        let normal = (-2 * log(max(uniform(), 1e-12))).squareRoot() * cos(2 * .pi * uniform())
        return median * exp(sigma * normal)
    }
    return (0..<count).map { _ in
        switch distribution {
        case "uniform": return (1 + uniform() * 99).rounded()
        case "lognormal": return lognormal(median: 5, sigma: 1.2).rounded(.up)
        default: return uniform() < 0.85 ? lognormal(median: 10, sigma: 0.8).rounded(.up) : lognormal(median: 300, sigma: 0.5).rounded()
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 200)

    // Every suite of the registry, planned as CI would (per-commit and nightly, 8 partitions).
    Benchmark("Planner.registry.allSuites.optimal.m8", configuration: configuration) { benchmark in
        let keys = SuiteKey.all(in: registrations)
        for _ in benchmark.scaledIterations {
            for key in keys {
                blackHole(SuitePlanner.plan(registrations, key: key, partitions: 8, algorithm: .optimal))
            }
        }
    }
    Benchmark("Planner.registry.allSuites.sglang.m8", configuration: configuration) { benchmark in
        let keys = SuiteKey.all(in: registrations)
        for _ in benchmark.scaledIterations {
            for key in keys {
                blackHole(SuitePlanner.plan(registrations, key: key, partitions: 8, algorithm: .sglang))
            }
        }
    }

    // Each real suite with at least 10 enabled files, alone, at 8 and 16 partitions.
    for key in SuiteKey.all(in: registrations)
    where SuitePlanner.select(registrations, key: key).enabled.count >= 10 {
        let suite = SuitePlanner.select(registrations, key: key).enabled
        let weights = suite.map(\.estTime)
        for partitions in [8, 16] {
            let name = "Planner.suite.\(key.backend).\(key.suite)\(key.nightly ? ".nightly" : "").optimal.m\(partitions)"
            Benchmark(name, configuration: configuration) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(Partitioner.partition(weights, partitions: partitions, algorithm: .optimal))
                }
            }
        }
    }

    // Synthetic suites: n = 500, m = 16 (the note's G2 target is ≤ 50 ms; ours ≤ 100 ms), and
    // 8,000 and 100,000 files (no super-linear path: 100 k files ≤ 1 s).
    for count in [500, 8000, 100_000] {
    for distribution in ["uniform", "lognormal", "gpumix"] {
        let weights = synthetic(distribution, count: count, seed: 42)
        for algorithm in PartitionAlgorithm.allCases {
            Benchmark("Planner.synthetic.\(distribution).n\(count).m16.\(algorithm.rawValue)", configuration: configuration) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(Partitioner.partition(weights, partitions: 16, algorithm: algorithm))
                }
            }
        }
    }
    }
}
