import Benchmark
import Foundation
import GPUCIHistory
import GPUCIPlanner

/// The checkout's root.
private let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// sglang's 16 real CI runs in `../shared` (the four shipped fixtures when it is absent).
private let runFiles: [String] = {
    for folder in [root.appendingPathComponent("../shared/data/sglang-ci-stats/runs").standardized,
                   root.appendingPathComponent("Tests/GPUCIHistoryTests/Fixtures/ci-stats")] {
        if let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path), !names.isEmpty {
            return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0).path }
        }
    }
    return []
}()

private let registry: [Registration] =
    (try? RegistryCSV.read(path: root.appendingPathComponent("Scenarios/ci/sglang-registry.csv").path)) ?? []

private let parsed: [IngestFile] = runFiles.compactMap { try? IngestFile.read(path: $0, backend: nil) }

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
                                                maxDuration: .seconds(3), maxIterations: 20)

    // Reading every run file (JSON → runs, jobs, attempts).
    Benchmark("History.parse.runFiles", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for path in runFiles { blackHole(try IngestFile.read(path: path, backend: nil)) }
        }
    }

    // `gpuci history ingest` of every run into a new database: parse, one transaction, fsync.
    Benchmark("History.ingest.runFiles", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            benchmark.startMeasurement()
            let database = try HistoryDatabase(path: folder.appendingPathComponent("h.sqlite").path)
            let files = try runFiles.map { try IngestFile.read(path: $0, backend: nil) }
            blackHole(try database.ingest(files))
            benchmark.stopMeasurement()
        }
    }

    // The walk-forward backtest of every run with the four standard methods (records in memory).
    Benchmark("History.backtest.standardMethods", configuration: configuration) { benchmark in
        let runs = parsed.flatMap(\.records.runs), jobs = parsed.flatMap(\.records.jobs)
        let attempts = jobs.flatMap(\.attempts), jobRows = jobs.map(\.job)
        for _ in benchmark.scaledIterations {
            blackHole(Backtest.run(runs: runs, jobs: jobRows, attempts: attempts, registry: registry))
        }
    }
}
