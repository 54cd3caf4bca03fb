import Foundation
import GPUCISupport

/// The figures people compare sessions by.
public struct SessionSummary: Sendable, Hashable, Codable {
    /// The scenario name.
    public var scenario: String
    /// The topology name.
    public var topology: String
    /// The eviction policy word.
    public var eviction: String
    /// The allocation policy word.
    public var allocation: String
    /// GPUs on the runner.
    public var gpus: Int
    /// Items run.
    public var tests: Int
    /// Simulated session length in seconds.
    public var wallSeconds: Double
    /// Workers launched.
    public var launches: Int
    /// Workers evicted.
    public var evictions: Int
    /// Seconds the session waited on workers (spawn, terminate, health polling).
    public var workerWaitSeconds: Double
    /// Seconds the session waited for gateways to answer.
    public var gatewayWaitSeconds: Double
    /// GPU-seconds a running test was using a GPU, over wall × GPUs, in percent.
    public var gpuBusyPercent: Double
    /// GPU-seconds no running test used (free, booting or parked workers).
    public var idleGPUSeconds: Double
    /// GPU-seconds held by a booting worker.
    public var bootingGPUSeconds: Double
    /// Ids of failed tests in run order.
    public var failed: [String]
    /// Ids of skipped tests in run order.
    public var skipped: [String]
    /// The collection error when a test can never fit; nothing ran then.
    public var collectionError: String?

    public init(_ result: SessionResult) {
        scenario = result.scenario
        topology = result.topology
        eviction = result.eviction
        allocation = result.allocation
        gpus = result.gpuNames.count
        tests = result.tests.count
        wallSeconds = result.wall.seconds
        launches = result.launches
        evictions = result.evictions
        workerWaitSeconds = result.workerWait.seconds
        gatewayWaitSeconds = result.gatewayWait.seconds
        let capacity = Double(result.wall) * Double(gpus)
        let busy = result.tests.filter { $0.status == .passed }
            .reduce(0.0) { $0 + Double($1.end - $1.start) * Double(Set($1.gpus).count) }
        let booting = Self.bootingMicroseconds(result)
        gpuBusyPercent = capacity > 0 ? Self.round(busy / capacity * 100) : 0
        idleGPUSeconds = Self.round((capacity - busy) / 1_000_000)
        bootingGPUSeconds = Self.round(booting / 1_000_000)
        failed = result.failedTests.map(\.id)
        skipped = result.skippedTests.map(\.id)
        collectionError = result.collectionError
    }

    private static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    /// GPU-µs workers spent from launch to healthy (or to their end when never healthy): the
    /// ``Timeline``'s worker spans summed, without building them (the sums are of integers, exact
    /// in any order).
    static func bootingMicroseconds(_ result: SessionResult) -> Double {
        var open: [String: (launch: SimTime, gpus: Int, healthy: SimTime?)] = [:]
        var booting = 0.0
        func close(_ worker: (launch: SimTime, gpus: Int, healthy: SimTime?), at end: SimTime) {
            booting += Double((worker.healthy ?? end) - worker.launch) * Double(worker.gpus)
        }
        for event in result.events {
            switch event.kind {
            case .launch:
                if let replaced = open.updateValue((event.time, event.gpus.count, nil), forKey: event.key) {
                    close(replaced, at: result.wall)
                }
            case .healthy: open[event.key]?.healthy = event.time
            case .evict, .timeout:
                if let worker = open.removeValue(forKey: event.key) { close(worker, at: event.time) }
            default: break
            }
        }
        for worker in open.values { close(worker, at: result.wall) }
        return booting
    }

    /// Human-readable lines.
    public func table(setupWaits: [TestOutcome]) -> String {
        var lines: [String] = []
        lines.append("scenario \(scenario) on \(topology) (\(gpus) GPUs), eviction \(eviction), allocation \(allocation)")
        if let collectionError {
            lines.append("collection failed: \(collectionError)")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("tests               \(tests) (\(tests - failed.count - skipped.count) passed, \(failed.count) failed, \(skipped.count) skipped)")
        lines.append("wall time           \(Self.clock(wallSeconds))")
        lines.append("launches            \(launches)")
        lines.append("evictions           \(evictions)")
        lines.append("waiting on workers  \(Self.clock(workerWaitSeconds))")
        lines.append("waiting on gateways \(Self.clock(gatewayWaitSeconds))")
        lines.append("GPU busy            \(String(format: "%.1f", gpuBusyPercent))%  (idle \(String(format: "%.0f", idleGPUSeconds)) GPU-s, booting \(String(format: "%.0f", bootingGPUSeconds)) GPU-s)")
        let waits = setupWaits.filter { $0.setupWait > 0 }.sorted { $0.setupWait != $1.setupWait ? $0.setupWait > $1.setupWait : $0.id < $1.id }
        if !waits.isEmpty {
            lines.append("setup wait per test (longest first):")
            for outcome in waits.prefix(15) {
                let wait = Self.clock(outcome.setupWait.seconds)
                lines.append(String(repeating: " ", count: max(0, 10 - wait.count)) + wait + "  " + outcome.id)
            }
            if waits.count > 15 { lines.append("  … \(waits.count - 15) more") }
        }
        for outcome in setupWaits where outcome.status != .passed {
            lines.append("\(outcome.status.rawValue.uppercased()) \(outcome.id): \(outcome.reason ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A duration as gpuci writes one (``DurationText/clock(_:)``).
    static func clock(_ seconds: Double) -> String { DurationText.clock(seconds) }
}

/// The `--format json` document of one session.
public struct SessionReport: Sendable, Hashable, Codable {
    /// The most demanding single test.
    public struct MaxTest: Sendable, Hashable, Codable {
        /// GPUs it needs.
        public var gpus: Int
        /// Its node id.
        public var test: String?
    }

    /// One log entry.
    public struct Event: Sendable, Hashable, Codable {
        /// Seconds since the session began.
        public var t: Double
        /// Order among entries at the same time.
        public var seq: Int
        /// An ``EventKind`` raw value.
        public var kind: String
        /// Worker key, test id or gateway owner.
        public var key: String
        /// GPUs involved.
        public var gpus: [Int]
        /// The test on whose behalf it happened.
        public var test: String?
        /// Reason or mode.
        public var detail: String?
    }

    /// One test outcome.
    public struct Test: Sendable, Hashable, Codable {
        /// The pytest node id.
        public var id: String
        /// `passed`, `failed` or `skipped`.
        public var status: String
        /// Why it failed or was skipped.
        public var reason: String?
        /// Seconds from the start of setup to the body.
        public var setupWaitSeconds: Double
        /// Seconds at which the body began.
        public var start: Double
        /// Seconds at which it ended.
        public var end: Double
        /// GPUs of the workers it used.
        public var gpus: [Int]
    }

    /// Pre-launch worker keys in order.
    public var requirements: [String]
    /// The most demanding single test.
    public var maxTestGPUs: MaxTest
    /// Workers launched.
    public var launches: Int
    /// Workers evicted.
    public var evictions: Int
    /// Simulated session length in seconds.
    public var wallSeconds: Double
    /// The headline figures.
    public var summary: SessionSummary
    /// The same figures as the one row of `runs` (a comparison writes `{"runs": [...]}`: every
    /// `simulate --format json` has `runs`).
    public var runs: [SessionSummary]
    /// The era whose rules the session followed.
    public var profile: String
    /// The whole log.
    public var events: [Event]
    /// Every test in run order.
    public var tests: [Test]

    public init(_ result: SessionResult) {
        requirements = result.requirements
        maxTestGPUs = MaxTest(gpus: result.maxTestGPUs, test: result.maxTestName)
        launches = result.launches
        evictions = result.evictions
        wallSeconds = result.wall.seconds
        summary = SessionSummary(result)
        runs = [summary]
        profile = result.profile.rawValue
        events = result.events.map {
            Event(t: $0.time.seconds, seq: $0.seq, kind: $0.kind.rawValue, key: $0.key, gpus: $0.gpus, test: $0.test, detail: $0.detail)
        }
        tests = result.tests.map {
            Test(id: $0.id, status: $0.status.rawValue, reason: $0.reason, setupWaitSeconds: $0.setupWait.seconds,
                 start: $0.start.seconds, end: $0.end.seconds, gpus: $0.gpus)
        }
    }

    /// Pretty, sorted-key JSON, byte for byte what `JSONOutput.string(self)` gives (``encodedJSON()``),
    /// written in one pass: through `JSONEncoder` a 10,000-test report took 0.3 s.
    public func json() -> String {
        var out = JSONStreamWriter(pretty: true, capacity: 300 * (events.count + tests.count) + 4096)
        out.beginObject()
        out.key("events")
        out.beginArray()
        for event in events {
            out.beginObject()
            out.key("detail", ifPresent: event.detail)
            out.key("gpus"); out.integers(event.gpus)
            out.key("key"); out.string(event.key)
            out.key("kind"); out.string(event.kind)
            out.key("seq"); out.integer(event.seq)
            out.key("t"); out.number(event.t)
            out.key("test", ifPresent: event.test)
            out.endObject()
        }
        out.endArray()
        out.key("evictions"); out.integer(evictions)
        out.key("launches"); out.integer(launches)
        out.key("maxTestGPUs")
        out.beginObject()
        out.key("gpus"); out.integer(maxTestGPUs.gpus)
        out.key("test", ifPresent: maxTestGPUs.test)
        out.endObject()
        out.key("profile"); out.string(profile)
        out.key("requirements"); out.strings(requirements)
        out.key("runs")
        out.beginArray()
        for run in runs { run.write(to: &out) }
        out.endArray()
        out.key("summary"); summary.write(to: &out)
        out.key("tests")
        out.beginArray()
        for test in tests {
            out.beginObject()
            out.key("end"); out.number(test.end)
            out.key("gpus"); out.integers(test.gpus)
            out.key("id"); out.string(test.id)
            out.key("reason", ifPresent: test.reason)
            out.key("setupWaitSeconds"); out.number(test.setupWaitSeconds)
            out.key("start"); out.number(test.start)
            out.key("status"); out.string(test.status)
            out.endObject()
        }
        out.endArray()
        out.key("wallSeconds"); out.number(wallSeconds)
        out.endObject()
        return out.text + "\n"
    }

    /// The same document through `JSONEncoder`: the twin ``json()`` is checked against.
    func encodedJSON() throws -> String { try JSONOutput.string(self) + "\n" }
}

extension SessionSummary {
    /// Writes the summary as `JSONEncoder` would encode it (sorted keys, absent optionals left out).
    public func write(to out: inout JSONStreamWriter) {
        out.beginObject()
        out.key("allocation"); out.string(allocation)
        out.key("bootingGPUSeconds"); out.number(bootingGPUSeconds)
        out.key("collectionError", ifPresent: collectionError)
        out.key("eviction"); out.string(eviction)
        out.key("evictions"); out.integer(evictions)
        out.key("failed"); out.strings(failed)
        out.key("gatewayWaitSeconds"); out.number(gatewayWaitSeconds)
        out.key("gpuBusyPercent"); out.number(gpuBusyPercent)
        out.key("gpus"); out.integer(gpus)
        out.key("idleGPUSeconds"); out.number(idleGPUSeconds)
        out.key("launches"); out.integer(launches)
        out.key("scenario"); out.string(scenario)
        out.key("skipped"); out.strings(skipped)
        out.key("tests"); out.integer(tests)
        out.key("topology"); out.string(topology)
        out.key("wallSeconds"); out.number(wallSeconds)
        out.key("workerWaitSeconds"); out.number(workerWaitSeconds)
        out.endObject()
    }
}
