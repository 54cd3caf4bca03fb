import Foundation
import GPUCIPlanner
import GPUCISupport
import Testing
@testable import GPUCIHistory

@Suite struct EstimatorTests {
    @Test func estimatorsReadSamplesOldestFirst() {
        let samples: [Double] = [100, 10, 20, 30, 40]
        #expect(DurationEstimator.ewma(alpha: 0.5).estimate(samples) == 36.875)
        #expect(DurationEstimator.ewma(alpha: 1).estimate(samples) == 40)
        #expect(DurationEstimator.quantile(0.5, newest: nil, minimum: 1).estimate(samples) == 30)
        #expect(DurationEstimator.quantile(0.5, newest: 2, minimum: 1).estimate(samples) == 35)
        // sglang's rule: p90 of the newest ≤ 16, at least 3 samples.
        #expect(DurationEstimator.sglang.estimate([10, 20]) == nil)
        #expect(DurationEstimator.sglang.estimate([10, 20, 30]) == 28)
        #expect(DurationEstimator.sglang.estimate(Array(repeating: 1000, count: 4) + Array(repeating: 10.0, count: 16)) == 10)
        // Decayed median: the newest sample weighs 1, one half-life older 0.5.
        #expect(DurationEstimator.decayedQuantile(0.5, halfLife: 1).estimate([5, 5, 5, 100]) == 100)
        #expect(DurationEstimator.decayedQuantile(0.5, halfLife: 100).estimate([5, 5, 5, 100]) == 5)
        #expect(DurationEstimator.standard.estimate([]) == nil)
    }

    @Test(arguments: ["ewma", "ewma:0.3", "sglang", "median", "last", "quantile:0.8:10:2", "quantile:0.9:all:1", "decayed:0.5:2"])
    func namesRoundTrip(name: String) throws {
        #expect(try DurationEstimator(parsing: name).description == name)
    }

    @Test(arguments: ["", "ewma:0", "ewma:2", "ewma:x", "quantile", "quantile:1.5", "quantile:0.5:0", "decayed:0.5", "p99", "sglang:1",
                      "quantile:nan", "decayed:0.5:inf"])
    func badNamesAreErrors(name: String) {
        #expect(throws: InputError.self) { _ = try DurationEstimator(parsing: name) }
    }
}

@Suite struct OverheadFitTests {
    @Test func biasIsTheMedianOfRecentRunsAndOLSIsReportedBeside() throws {
        // Overhead 600 s in the two oldest runs, 100 s in the five newest (a runner change),
        // one job that waited 2000 s on a broken runner.
        var observations: [OverheadFit.Observation] = []
        for run in 0..<7 {
            for work in [100.0, 400, 900] {
                observations.append(.init(workSeconds: work, wallSeconds: work + (run < 2 ? 600 : 100), runOrder: run))
            }
        }
        observations.append(.init(workSeconds: 300, wallSeconds: 2300, runOrder: 6))
        let fit = try #require(OverheadFit.fit(observations))
        #expect(fit.coeff == 1 && fit.bias == 100)
        #expect(fit.samples == 22)
        #expect(fit.residuals.count == 16 && fit.residuals.max() == 1900)
        #expect(fit.olsBias > 100)
        #expect(fit.wall(work: 50) == 150)
        #expect(OverheadFit.fit([]) == nil)
    }

    @Test func aPerfectLineHasRSquaredOne() throws {
        let line: [OverheadFit.Observation] = (0..<10).map { run in
            let work = Double(run) * 100
            return OverheadFit.Observation(workSeconds: work, wallSeconds: work + 60, runOrder: run)
        }
        let fit = try #require(OverheadFit.fit(line))
        #expect(fit.bias == 60 && fit.rSquared == 1)
        #expect(abs(fit.olsCoeff - 1) < 1e-9 && abs(fit.olsBias - 60) < 1e-6 && abs(fit.olsRSquared - 1) < 1e-9)
    }
}

@Suite struct DurationModelTests {
    static func attempts(_ file: String, _ seconds: [Double], suite: String = "s") -> [Attempt] {
        seconds.enumerated().map { index, value in
            Attempt(file: file, backend: "cuda", suite: suite, startedAt: "2026-06-0\(index + 1)T00:00:00Z", seconds: value, outcome: .passed)
        }
    }

    @Test func historyIsPerSuiteWithTheFileAcrossSuitesAsFallback() {
        var attempts = Self.attempts("a.py", [30, 10, 20])
        attempts[0].startedAt = "2026-06-09T00:00:00Z"
        attempts.append(Attempt(file: "a.py", backend: "cuda", suite: "s", seconds: 99, outcome: .failed))
        let history = DurationHistory(attempts: attempts + Self.attempts("b.py", [5], suite: "other"))
        #expect(history.samples(.init(file: "a.py", suite: "s", backend: "cuda")) == [10, 20, 30])
        #expect(history.samples(.init(file: "b.py", suite: "s", backend: "cuda")) == [5])
        #expect(history.samples(.init(file: "b.py", suite: "s", backend: "amd")).isEmpty)
    }

    @Test func estimatesCarryCountSpreadAndBasis() {
        let model = DurationModel(history: DurationHistory(attempts: Self.attempts("a.py", [100, 110, 90, 100])),
                                  estimator: .quantile(0.5, newest: nil, minimum: 1)) { _ in 50 }
        let known = model.estimate(.init(file: "a.py", suite: "s", backend: "cuda"), estTime: 50)
        #expect(known.seconds == 100 && known.samples == 4 && known.basis == .history)
        #expect(abs(known.spreadSeconds - 1.4826 * 5) < 1e-9)
        let unknown = model.estimate(.init(file: "new.py", suite: "s", backend: "cuda"), estTime: 42)
        #expect(unknown == FileEstimate(seconds: 42, samples: 0, spreadSeconds: 0, basis: .estTime))
    }

    @Test func forecastsAreDeterministicOrderedAndWidenWithNoise() {
        let steady = Self.attempts("a.py", Array(repeating: 100, count: 8))
        let noisy = Self.attempts("b.py", [50, 150, 60, 140, 70, 130, 80, 120])
        let model = DurationModel(history: DurationHistory(attempts: steady + noisy), estimator: .standard) { _ in nil }
        let a = model.estimate(.init(file: "a.py", suite: "s", backend: "cuda"), estTime: 1)
        let b = model.estimate(.init(file: "b.py", suite: "s", backend: "cuda"), estTime: 1)
        let first = model.simulate([[a], [b], [a, b]], backend: "cuda", suite: "s")
        #expect(first == model.simulate([[a], [b], [a, b]], backend: "cuda", suite: "s"))
        for distribution in first {
            #expect(distribution.quantile(0.5) <= distribution.quantile(0.9))
            #expect(distribution.draws.count == DurationModel.standardDraws)
        }
        #expect(first[0].quantile(0.9) - first[0].quantile(0.1) < first[1].quantile(0.9) - first[1].quantile(0.1))
        #expect(first[2].quantile(0.5) > first[0].quantile(0.5))
        #expect(first[0].exceedance(1e9) == 0 && first[0].exceedance(-1) == 1)
        let overhead = OverheadFit.fit([.init(workSeconds: 100, wallSeconds: 160, runOrder: 0)])
        let withOverhead = model.simulate([[a]], backend: "cuda", suite: "s", overhead: overhead)
        #expect(abs(withOverhead[0].quantile(0.5) - first[0].quantile(0.5) - 60) < 1e-6)
    }

    @Test func spreadAwarePartitioningSeparatesNoisyFiles() {
        // Equal means; two files with large variance must not share a partition.
        let bins = SpreadAwarePartitioner.partition(means: [10, 10, 10, 10], variances: [100, 100, 0, 0], partitions: 2)
        #expect(bins.count == 2)
        #expect(bins.allSatisfy { Set($0).intersection([0, 1]).count == 1 })
    }
}

@Suite struct BacktestTests {
    static func fixtureHistory() throws -> (runs: [CIRun], jobs: [CIJob], attempts: [Attempt]) {
        let files = try CIStatsFixtures.parsed()
        let runs = files.flatMap(\.records.runs)
        let jobs = files.flatMap(\.records.jobs)
        return (runs, jobs.map(\.job), jobs.flatMap(\.attempts))
    }

    static func options(warmup: Int, draws: Int, suite: String) -> Backtest.Options {
        var options = Backtest.Options()
        options.warmup = warmup
        options.draws = draws
        options.suite = suite
        return options
    }

    @Test func scoresEveryLaterRunAgainstWhatRan() throws {
        let (runs, jobs, attempts) = try Self.fixtureHistory()
        let options = Self.options(warmup: 2, draws: 200, suite: "base-b-test-1-gpu-small")
        let records = Backtest.run(runs: runs, jobs: jobs, attempts: attempts, registry: [], options: options)
        #expect(Set(records.map(\.run)) == ["27173541425", "27204764446"])
        #expect(records.map(\.method) == ["gpuci", "sglang-actual", "est_time+LPT", "p90+LPT", "gpuci", "sglang-actual", "est_time+LPT", "p90+LPT"])
        for run in ["27173541425", "27204764446"] {
            let ran = attempts.filter { $0.runID == run && $0.suite == "base-b-test-1-gpu-small" }
            let actual = Dictionary(uniqueKeysWithValues: ran.map { ($0.file, $0.seconds) })
            let shards = Set(jobs.filter { $0.runID == run && $0.suite == "base-b-test-1-gpu-small" }.compactMap(\.partition))
            for record in records where record.run == run {
                // Every method plans exactly the files the run executed, into the run's own shard count.
                #expect(record.partitionFiles.flatMap { $0 }.sorted() == actual.keys.sorted())
                #expect(record.partitions == (record.method == "sglang-actual" ? shards.count : shards.max()! + 1))
                let realized = record.partitionFiles.map { $0.reduce(0) { $0 + actual[$1]! } }
                #expect(record.realizedSeconds == realized)
                #expect(record.realizedMaxSeconds == realized.max())
                #expect(record.realizedMaxSeconds >= record.lowerBoundSeconds)
                #expect(record.predictedP90Seconds.count == record.partitions)
                #expect(record.overheadSeconds != nil)
            }
        }
        // The same inputs give the same records, byte for byte.
        let again = Backtest.run(runs: runs, jobs: jobs, attempts: attempts, registry: [], options: options)
        #expect(try JSONOutput.string(again) == JSONOutput.string(records))
    }

    @Test func onlyEarlierRunsInformAPlan() throws {
        let (runs, jobs, attempts) = try Self.fixtureHistory()
        var options = Self.options(warmup: 2, draws: 100, suite: "base-a-test-cpu")
        options.methods = [.gpuci(.standard, .optimal)]
        let base = Backtest.run(runs: runs, jobs: jobs, attempts: attempts, registry: [], options: options)
        // Inflating the last run's durations changes its realized times, never the plan made for it.
        let last = "27204764446"
        let inflated = attempts.map { attempt -> Attempt in
            var copy = attempt
            if copy.runID == last { copy.seconds *= 3 }
            return copy
        }
        let changed = Backtest.run(runs: runs, jobs: jobs, attempts: inflated, registry: [], options: options)
        let before = try #require(base.first { $0.run == last }), after = try #require(changed.first { $0.run == last })
        #expect(before.partitionFiles == after.partitionFiles)
        #expect(before.predictedP90Seconds == after.predictedP90Seconds)
        #expect(abs(after.realizedMaxSeconds - 3 * before.realizedMaxSeconds) < 1e-6)
    }

    @Test func sinceAndUntilChooseTheScoredRuns() throws {
        let (runs, jobs, attempts) = try Self.fixtureHistory()
        var options = Self.options(warmup: 0, draws: 50, suite: "base-a-test-cpu")
        options.since = "2026-06-08T00:00:00Z"
        options.until = "2026-06-09T12:00:00Z"
        let records = Backtest.run(runs: runs, jobs: jobs, attempts: attempts, registry: [], options: options)
        #expect(Set(records.map(\.run)) == ["27137824660", "27173541425"])
    }

    static let sharedRuns = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data/sglang-ci-stats/runs").standardized

    /// The acceptance check on the 16 shared real runs (`../shared`, beside the checkout here and in CI).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedRuns.path)))
    func onTheSharedRunsGpuciBeatsSglangActualAndIsCalibrated() throws {
        let folder = Self.sharedRuns
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        try #require(names.count == 16)
        let files = try names.map { try IngestFile.read(path: folder.appendingPathComponent($0).path, backend: nil) }
        let jobs = files.flatMap(\.records.jobs)
        let registry = try RegistryCSV.read(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Scenarios/ci/sglang-registry.csv").standardized.path)
        var options = Backtest.Options()
        options.draws = 500
        let records = Backtest.run(runs: files.flatMap(\.records.runs), jobs: jobs.map(\.job), attempts: jobs.flatMap(\.attempts),
                                   registry: registry, options: options)
        let summary = BacktestSummary(records, methods: Backtest.Method.standard.map(\.description))
        let gpuci = try #require(summary.total("gpuci")), actual = try #require(summary.total("sglang-actual"))
        #expect(gpuci.cases == 263)
        #expect(gpuci.realizedMaxSeconds < actual.realizedMaxSeconds)
        #expect((0.05...0.15).contains(gpuci.p90Exceeded))
    }
}

@Suite struct TimestampTests {
    @Test func theFastPathAgreesWithTheFormatter() throws {
        for text in ["1970-01-01T00:00:00Z", "2026-06-07T23:25:51Z", "2024-02-29T12:00:00Z", "2000-03-01T00:00:59Z", "1999-12-31T23:59:59Z"] {
            let formatter = ISO8601DateFormatter()
            #expect(Timestamp.date(text) == formatter.date(from: text))
        }
        #expect(Timestamp.date("2026-13-07T23:25:51Z") == nil)
        #expect(Timestamp.date("2026-06-07T23:25:51.250Z")?.timeIntervalSince1970 == 1_780_874_751.25)
    }
}

@Suite struct RiskRecommenderTests {
    /// Ten files of 600 s ± 10 %, history of eight runs; 100 s of overhead per job.
    static func setting() -> (registrations: [Registration], estimated: EstimatedRegistry, overhead: OverheadFit) {
        let registrations = (0..<10).map { Registration(file: "f\($0).py", backend: "cuda", suite: "s", estTime: 600) }
        var attempts: [Attempt] = []
        for run in 0..<8 {
            for file in 0..<10 {
                attempts.append(Attempt(file: "f\(file).py", backend: "cuda", suite: "s", startedAt: "2026-06-0\(run + 1)T00:00:00Z",
                                        seconds: 600 * (run % 2 == 0 ? 0.9 : 1.1), outcome: .passed))
            }
        }
        let estimated = EstimateSource.history(.quantile(0.5, newest: nil, minimum: 1)).estimate(registrations, attempts: attempts).model!
        let overhead = OverheadFit.fit((0..<8).map { OverheadFit.Observation(workSeconds: 1000, wallSeconds: 1100, runOrder: $0) })!
        return (registrations, estimated, overhead)
    }

    @Test func picksTheFewestPartitionsWithinTheRisk() {
        let (registrations, estimated, overhead) = Self.setting()
        let key = SuiteKey(backend: "cuda", suite: "s", nightly: false)
        // 30 min: 2 files (1200 s median, at most 1320 s) + 100 s fit; 3 files (1800 s median) never do.
        let recommendation = RiskRecommender.recommend(
            registrations, key: key, estimated: estimated, sglangEstimates: registrations, overhead: overhead,
            fixedOverheadSeconds: 0, timeoutSeconds: 1800, maxRisk: 0.01, maxPartitions: 20, algorithm: .optimal, options: .init())
        #expect(recommendation.partitions == 5)
        #expect(recommendation.rows.map(\.acceptable).prefix(5) == [false, false, false, false, true])
        for row in recommendation.rows where row.acceptable { #expect(row.worstP90Seconds <= 1800 && row.worstRisk <= 0.01) }
        // sglang: ceil(1 · 6000 / (0.75 · 1800 − 100)) = ceil(4.8) = 5.
        #expect(recommendation.sglangRule == 5)
        #expect(recommendation.overheadSeconds == 100 && recommendation.overheadSource == "history")
        #expect(recommendation.blockingFile == nil)
    }

    @Test func aFileTooLongAloneIsNamed() {
        let (registrations, estimated, overhead) = Self.setting()
        let recommendation = RiskRecommender.recommend(
            registrations, key: SuiteKey(backend: "cuda", suite: "s", nightly: false), estimated: estimated,
            sglangEstimates: registrations, overhead: overhead, fixedOverheadSeconds: 0, timeoutSeconds: 650, maxRisk: 0.01,
            maxPartitions: 20, algorithm: .optimal, options: .init())
        #expect(recommendation.partitions == nil)
        #expect(recommendation.blockingFile?.hasPrefix("f") == true && (recommendation.blockingRisk ?? 0) > 0.5)
    }

    @Test func forecastsCarryRiskPerPartition() {
        let (registrations, estimated, overhead) = Self.setting()
        let plan = SuitePlanner.plan(registrations, key: SuiteKey(backend: "cuda", suite: "s", nightly: false), partitions: 5, algorithm: .optimal)
        let forecast = RiskRecommender.forecast(plan, estimated: estimated, overhead: overhead, timeoutSeconds: 1800, estimates: "median")
        #expect(forecast.partitions.count == 5 && forecast.overheadSeconds == 100 && forecast.overheadSource == "history")
        #expect(forecast.partitions.allSatisfy { $0.p50Seconds >= 1280 && $0.p50Seconds <= 1320 && $0.timeoutRisk == 0 })
        let tight = RiskRecommender.forecast(plan, estimated: estimated, overhead: overhead, timeoutSeconds: 1300, estimates: "median")
        #expect(tight.worstRisk! > 0.1)
    }
}
