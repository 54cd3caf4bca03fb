import GPUCISupport
import GPUCIPlanner
import Testing
@testable import GPUCIHistory

@Suite struct StatisticsTests {
    @Test func medianPercentileAndMADOfKnownValues() throws {
        #expect(RobustStatistics.median([]) == nil)
        #expect(RobustStatistics.median([3, 1, 2]) == 2)
        #expect(RobustStatistics.median([4, 1, 2, 3]) == 2.5)
        // numpy.percentile([1..10], 90) = 9.1
        let p90 = try #require(RobustStatistics.percentile((1...10).map(Double.init), 0.9))
        #expect(abs(p90 - 9.1) < 1e-9)
        // |x - 3| for [1,2,3,4,100] = [2,1,0,1,97] → median 1
        #expect(RobustStatistics.medianAbsoluteDeviation([1, 2, 3, 4, 100]) == 1)
    }

    @Test func percentilesAreMonotoneAndBoundedOnRandomSamples() throws {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let values = (0..<Int.random(in: 1...30, using: &random)).map { _ in Double.random(in: 0...500, using: &random) }
            let median = try #require(RobustStatistics.median(values))
            let p90 = try #require(RobustStatistics.percentile(values, 0.9))
            #expect(median <= p90)
            #expect(values.min()! <= median && p90 <= values.max()!)
            #expect(try #require(RobustStatistics.medianAbsoluteDeviation(values)) >= 0)
        }
    }

    @Test func driftPolicyFlagsOnlyLargeRobustDifferencesInBothDirections() {
        let policy = DriftPolicy()
        #expect(policy.isDrifted(runs: 3, median: 400, mad: 5, estTime: 100))      // 4× slower
        #expect(policy.isDrifted(runs: 3, median: 100, mad: 5, estTime: 400))      // 4× faster
        #expect(!policy.isDrifted(runs: 2, median: 400, mad: 5, estTime: 100))     // too few runs
        #expect(!policy.isDrifted(runs: 5, median: 20, mad: 1, estTime: 5))        // 4× but only 15 s
        #expect(!policy.isDrifted(runs: 5, median: 130, mad: 5, estTime: 100))     // ratio 1.3
        #expect(!policy.isDrifted(runs: 5, median: 400, mad: 200, estTime: 100))   // within its own noise
    }

    @Test func suggestedEstTimeIsP90RoundedUpToFiveSeconds() {
        #expect(EstimateRule.proposedEstTime(p90: 0.2) == 5)
        #expect(EstimateRule.proposedEstTime(p90: 100) == 100)
        #expect(EstimateRule.proposedEstTime(p90: 100.01) == 105)
    }

    @Test func driftReportJoinsHistoryWithRegistrations() throws {
        let registrations = [
            Registration(file: "a.py", backend: "cuda", suite: "s", estTime: 100),
            Registration(file: "b.py", backend: "cuda", suite: "s", estTime: 600),
            Registration(file: "c.py", backend: "cuda", suite: "s", estTime: 60),
            Registration(file: "d.py", backend: "amd", suite: "s", estTime: 60),
            Registration(file: "e.py", backend: "cuda", suite: "s", estTime: 60, disabled: "flaky"),
        ]
        var attempts: [Attempt] = []
        for seconds in [390.0, 400, 410] { attempts.append(Attempt(file: "a.py", backend: "cuda", seconds: seconds, outcome: .passed)) }
        for seconds in [590.0, 600, 610] { attempts.append(Attempt(file: "b.py", backend: "cuda", seconds: seconds, outcome: .passed)) }
        attempts.append(Attempt(file: "b.py", backend: "cuda", seconds: 1200, outcome: .timeout))
        attempts.append(Attempt(file: "x.py", backend: "cuda", seconds: 5, outcome: .passed))
        let report = DriftReport(attempts: attempts, registrations: registrations)
        #expect(report.files.map(\.file) == ["b.py", "a.py"])  // b cost 3000 s, a 1200 s
        let a = try #require(report.files.first { $0.file == "a.py" })
        #expect(a.runs == 3 && a.medianSeconds == 400 && a.madSeconds == 10 && a.ratio == 4 && a.flagged)
        #expect(a.suggestedEstTime == 410)
        let b = try #require(report.files.first { $0.file == "b.py" })
        #expect(b.runs == 3 && !b.flagged && b.totalSeconds == 3000)
        #expect(report.unregistered.map(\.file) == ["x.py"])
        // d.py is on a backend with no history; e.py is disabled.
        #expect(report.neverRun.map(\.file) == ["c.py"])
    }
}

@Suite struct EstimateSourceTests {
    @Test func historyAndP90ReplaceEstTimeAndNameFallbacks() {
        let registrations = [
            Registration(file: "a.py", backend: "cuda", suite: "s", estTime: 100, estTimeLiteral: "100"),
            Registration(file: "b.py", backend: "cuda", suite: "s", estTime: 50),
            Registration(file: "a.py", backend: "amd", suite: "s", estTime: 70),
        ]
        var attempts = (1...10).map { Attempt(file: "a.py", backend: "cuda", seconds: Double($0), outcome: .passed) }
        attempts.append(Attempt(file: "a.py", backend: "cuda", seconds: 500, outcome: .timeout))
        attempts.append(Attempt(file: "b.py", backend: "cuda", seconds: 5, outcome: .failed))
        let history = EstimateSource.history(.quantile(0.5, newest: nil, minimum: 1)).apply(to: registrations, attempts: attempts)
        #expect(history.registrations.map(\.estTime) == [5.5, 50, 70])
        #expect(history.registrations[0].estTimeLiteral == nil)
        #expect(history.fallbacks.map(\.file) == ["b.py", "a.py"])
        let p90 = try! EstimateSource(parsing: "p90").apply(to: registrations, attempts: attempts)
        #expect(abs(p90.registrations[0].estTime - 9.1) < 1e-9)
        let registry = EstimateSource.registry.apply(to: registrations, attempts: attempts)
        #expect(registry.registrations == registrations && registry.fallbacks.isEmpty)
        // The default: EWMA over the samples in time order.
        #expect(try! EstimateSource(parsing: "history").apply(to: registrations, attempts: attempts).registrations[0].estTime
                == DurationEstimator.standard.estimate((1...10).map(Double.init)))
        #expect(try! EstimateSource(parsing: "sglang") == .history(.sglang))
        #expect(throws: InputError.self) { try EstimateSource(parsing: "p99") }
    }
}
