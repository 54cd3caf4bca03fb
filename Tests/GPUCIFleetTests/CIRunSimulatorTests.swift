import GPUCISupport
import Testing
@testable import GPUCIFleet

@Suite struct CIRunSimulatorTests {
    static func job(_ name: String, group: String = "s", label: String = "gpu", _ seconds: Double,
                    timeout: Double? = nil, release: Double = 0) -> CIRunJob {
        CIRunJob(name: name, group: group, label: label, durationSeconds: seconds, timeoutSeconds: timeout, releaseSeconds: release)
    }

    static func fleet(_ runners: Int, dispatch: Double = 0, load: Double = 0, cost: Double? = nil) -> Fleet {
        Fleet(name: "t", pools: [RunnerPool(label: "gpu", runners: runners, hourlyCost: cost, dispatchSeconds: dispatch, backgroundLoad: load)])
    }

    @Test func jobsQueueFirstComeFirstServed() throws {
        let spec = CIRunSpec(jobs: [Self.job("a", 100), Self.job("b", 50), Self.job("c", 30)])
        let result = try CIRunSimulator.simulate(spec, on: Self.fleet(2))
        #expect(result.jobs.map(\.startSeconds) == [0, 0, 50])
        #expect(result.jobs.map(\.runner) == [0, 1, 1])
        #expect(result.jobs[2].waitSeconds == 50)
        #expect(result.timeToGreenSeconds == 100)
        #expect(result.runnerSeconds == 180)
    }

    @Test func dispatchLatencyAndBackgroundLoad() throws {
        let spec = CIRunSpec(jobs: [Self.job("a", 100), Self.job("b", 100)])
        // 4 runners at 75 % background load leave 1.
        let result = try CIRunSimulator.simulate(spec, on: Self.fleet(4, dispatch: 20, load: 0.75))
        #expect(result.jobs.map(\.startSeconds) == [20, 120])
        #expect(result.timeToGreenSeconds == 220)
    }

    @Test func maxParallelQueuesTheNextSiblingWhenOneEnds() throws {
        let spec = CIRunSpec(jobs: [Self.job("s0", 100), Self.job("s1", 40), Self.job("s2", 10), Self.job("t0", group: "t", 10)],
                             maxParallel: ["s": 2])
        let result = try CIRunSimulator.simulate(spec, on: Self.fleet(10, dispatch: 5))
        #expect(result.jobs.map(\.queuedSeconds) == [0, 0, 45, 0])
        #expect(result.jobs.map(\.startSeconds) == [5, 5, 50, 5])
        #expect(result.timeToGreenSeconds == 105)
    }

    @Test func timeoutsStopAJobAndAreCounted() throws {
        let spec = CIRunSpec(jobs: [Self.job("long", 4000, timeout: 1800), Self.job("ok", 100, timeout: 1800)])
        let result = try CIRunSimulator.simulate(spec, on: Self.fleet(2, cost: 3.6))
        #expect(result.jobs.map(\.timedOut) == [true, false])
        #expect(result.jobs[0].endSeconds == 1800)
        #expect(result.timedOut == 1)
        #expect(abs(result.cost! - 1.9) < 1e-9)
    }

    @Test func releasesDelayJobs() throws {
        let spec = CIRunSpec(jobs: [Self.job("a", 10), Self.job("rerun", 10, release: 500)])
        let result = try CIRunSimulator.simulate(spec, on: Self.fleet(1))
        #expect(result.jobs[1].queuedSeconds == 500 && result.jobs[1].startSeconds == 500)
    }

    @Test func unknownLabelsAndEmptyPoolsAreErrors() {
        #expect(throws: FleetError.self) {
            try CIRunSimulator.simulate(CIRunSpec(jobs: [Self.job("a", label: "8-gpu", 1)]), on: Self.fleet(1))
        }
        #expect(throws: FleetError.self) { try CIRunSimulator.simulate(CIRunSpec(jobs: [Self.job("a", 1)]), on: Self.fleet(0)) }
        #expect(throws: FleetError.self) { try CIRunSimulator.simulate(CIRunSpec(jobs: [Self.job("a", -1)]), on: Self.fleet(1)) }
        #expect(throws: FleetError.self) {
            try CIRunSimulator.simulate(CIRunSpec(jobs: [Self.job("a", 1)], maxParallel: ["s": 0]), on: Self.fleet(1))
        }
    }

    /// Random runs on two labels: a runner more under a label never ends the run later, and
    /// every job starts at or after its queueing plus dispatch, on a runner nobody else holds.
    @Test func moreRunnersNeverGiveALongerTimeToGreen() throws {
        var random = SplitMix64(seed: 2026)
        for _ in 0..<300 {
            let count = 1 + Int(random.next() % 30)
            let jobs = (0..<count).map { index in
                CIRunJob(name: "j\(index)", group: "g\(random.next() % 4)", label: random.next() % 3 == 0 ? "b" : "a",
                         durationSeconds: Double(1 + random.next() % 600), releaseSeconds: random.next() % 5 == 0 ? Double(random.next() % 300) : 0)
            }
            let limit = ["g0": 1 + Int(random.next() % 3)]
            let runnersA = 1 + Int(random.next() % 4), runnersB = 1 + Int(random.next() % 3)
            func fleet(_ a: Int, _ b: Int) -> Fleet {
                Fleet(name: "r", pools: [RunnerPool(label: "a", runners: a, dispatchSeconds: 7), RunnerPool(label: "b", runners: b)])
            }
            let spec = CIRunSpec(jobs: jobs, maxParallel: limit)
            let base = try CIRunSimulator.simulate(spec, on: fleet(runnersA, runnersB))
            let more = try CIRunSimulator.simulate(spec, on: fleet(runnersA + 1, runnersB))
            #expect(more.timeToGreenSeconds <= base.timeToGreenSeconds)
            for (job, outcome) in zip(jobs, base.jobs) {
                #expect(outcome.startSeconds >= outcome.queuedSeconds + (job.label == "a" ? 7 : 0))
                #expect(outcome.endSeconds == outcome.startSeconds + job.durationSeconds)
            }
            for (i, x) in base.jobs.enumerated() {
                for y in base.jobs[(i + 1)...] where x.label == y.label && x.runner == y.runner {
                    #expect(x.endSeconds <= y.startSeconds || y.endSeconds <= x.startSeconds)
                }
            }
            #expect(try CIRunSimulator.simulate(spec, on: fleet(runnersA, runnersB)) == base)
        }
    }

    @Test func rendersDeterministicTraceAndGantt() throws {
        let spec = CIRunSpec(jobs: [Self.job("a <1>", 100), Self.job("b", 50), Self.job("c", 30, timeout: 20)])
        let result = try CIRunSimulator.simulate(spec, on: Self.fleet(2))
        let trace = CIRunRendering.chromeTrace(result)
        #expect(trace == CIRunRendering.chromeTrace(result))
        #expect(trace.contains(#""cat":"queued""#) && trace.contains(#""cat":"timed-out""#) && trace.contains(#""name":"runner 1""#))
        let svg = CIRunRendering.svg(result, title: "t & u")
        #expect(svg.hasPrefix("<svg") && svg.contains("a &lt;1&gt;") && svg.contains("t &amp; u") && svg.contains("stroke-dasharray"))
        let table = CIRunRendering.table(result, title: "t")
        #expect(table.contains("TIMED OUT") && table.contains("time-to-green 1m40s"))
    }
}
