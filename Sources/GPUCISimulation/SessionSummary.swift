import Foundation
import GPUCISupport

/// The figures people compare sessions by.
public struct SessionSummary: Sendable, Hashable, Codable {
    public var scenario: String
    public var topology: String
    public var eviction: String
    public var allocation: String
    public var gpus: Int
    public var tests: Int
    public var wallSeconds: Double
    public var launches: Int
    public var evictions: Int
    /// Seconds the session waited on workers (spawn, terminate, health polling).
    public var workerWaitSeconds: Double
    public var gatewayWaitSeconds: Double
    /// GPU-seconds a running test was using a GPU, over wall × GPUs, in percent.
    public var gpuBusyPercent: Double
    /// GPU-seconds no running test used (free, booting or parked workers).
    public var idleGPUSeconds: Double
    /// GPU-seconds held by a booting worker.
    public var bootingGPUSeconds: Double
    public var failed: [String]
    public var skipped: [String]
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
        let timeline = Timeline(result)
        let capacity = Double(result.wall) * Double(gpus)
        let busy = timeline.tests.filter { $0.status == .passed }
            .reduce(0.0) { $0 + Double($1.end - $1.start) * Double(Set($1.gpus).count) }
        let booting = timeline.workers.reduce(0.0) { sum, span in
            sum + Double((span.healthy ?? span.end) - span.launch) * Double(span.gpus.count)
        }
        gpuBusyPercent = capacity > 0 ? Self.round(busy / capacity * 100) : 0
        idleGPUSeconds = Self.round((capacity - busy) / 1_000_000)
        bootingGPUSeconds = Self.round(booting / 1_000_000)
        failed = result.failedTests.map(\.id)
        skipped = result.skippedTests.map(\.id)
        collectionError = result.collectionError
    }

    private static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    /// Human-readable lines.
    public func table(setupWaits: [TestOutcome]) -> String {
        var lines: [String] = []
        lines.append("scenario \(scenario) on \(topology) (\(gpus) GPUs), eviction \(eviction), allocation \(allocation)")
        if let collectionError {
            lines.append("collection failed: \(collectionError)")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("tests            \(tests) (\(tests - failed.count - skipped.count) passed, \(failed.count) failed, \(skipped.count) skipped)")
        lines.append("wall time        \(Self.clock(wallSeconds))")
        lines.append("launches         \(launches)")
        lines.append("evictions        \(evictions)")
        lines.append("waiting on workers \(Self.clock(workerWaitSeconds)); on gateways \(Self.clock(gatewayWaitSeconds))")
        lines.append("GPU busy         \(String(format: "%.1f", gpuBusyPercent))%  (idle \(String(format: "%.0f", idleGPUSeconds)) GPU-s, booting \(String(format: "%.0f", bootingGPUSeconds)) GPU-s)")
        let waits = setupWaits.filter { $0.setupWait > 0 }.sorted { $0.setupWait != $1.setupWait ? $0.setupWait > $1.setupWait : $0.id < $1.id }
        if !waits.isEmpty {
            lines.append("setup wait per test (longest first):")
            for outcome in waits.prefix(15) {
                lines.append("  \(Self.clock(outcome.setupWait.seconds))  \(outcome.id)")
            }
            if waits.count > 15 { lines.append("  … \(waits.count - 15) more") }
        }
        for outcome in setupWaits where outcome.status != .passed {
            lines.append("\(outcome.status.rawValue.uppercased()) \(outcome.id): \(outcome.reason ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `1h02m03.5s`-style text.
    static func clock(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        let h = tenths / 36000, m = (tenths / 600) % 60, s = Double(tenths % 600) / 10
        let sText = s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
        if h > 0 { return "\(h)h\(String(format: "%02d", m))m\(sText)s" }
        if m > 0 { return "\(m)m\(sText)s" }
        return "\(sText)s"
    }
}

/// The `--format json` document of one session.
public struct SessionReport: Sendable, Hashable, Codable {
    public struct MaxTest: Sendable, Hashable, Codable {
        public var gpus: Int
        public var test: String?
    }

    public struct Event: Sendable, Hashable, Codable {
        public var t: Double
        public var seq: Int
        public var kind: String
        public var key: String
        public var gpus: [Int]
        public var test: String?
        public var detail: String?
    }

    public struct Test: Sendable, Hashable, Codable {
        public var id: String
        public var status: String
        public var reason: String?
        public var setupWaitSeconds: Double
        public var start: Double
        public var end: Double
        public var gpus: [Int]
    }

    public var requirements: [String]
    public var maxTestGPUs: MaxTest
    public var launches: Int
    public var evictions: Int
    public var wallSeconds: Double
    public var summary: SessionSummary
    public var events: [Event]
    public var tests: [Test]

    public init(_ result: SessionResult) {
        requirements = result.requirements
        maxTestGPUs = MaxTest(gpus: result.maxTestGPUs, test: result.maxTestName)
        launches = result.launches
        evictions = result.evictions
        wallSeconds = result.wall.seconds
        summary = SessionSummary(result)
        events = result.events.map {
            Event(t: $0.time.seconds, seq: $0.seq, kind: $0.kind.rawValue, key: $0.key, gpus: $0.gpus, test: $0.test, detail: $0.detail)
        }
        tests = result.tests.map {
            Test(id: $0.id, status: $0.status.rawValue, reason: $0.reason, setupWaitSeconds: $0.setupWait.seconds,
                 start: $0.start.seconds, end: $0.end.seconds, gpus: $0.gpus)
        }
    }

    /// Sorted-key JSON.
    public func json() throws(InputError) -> String {
        do { return try JSONOutput.string(self) + "\n" } catch { throw InputError("cannot encode the report: \(error)") }
    }
}
