import ArgumentParser
import Foundation
import GPUCIPool
import GPUCISimulation
import GPUCISupport
import GPUCITopology

/// `gpuci bench simulator`: times reading a scenario and simulating its session N times.
struct BenchSimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Read a scenario, simulate its session N times and print events per second.",
        discussion: """
            Reading and preparing (model overrides, validation, the collection scan) are timed once, as \
            gpuci simulate does them once per scenario; each session run starts from the prepared scenario \
            (the engine, and a new scan only where the later rules skip items on this runner). Events are \
            the engine's processed queue events. Build with \
            `swift build -c release` for meaningful figures.
            Example: gpuci scenario generate --tests 10000 --models 24 --seed 1 --pd-share 0.2 > big.yaml && gpuci bench simulator big.yaml --topology 4x23028MiB
            """
    )

    @Argument(help: "A scenario file, or the name of a bundled scenario.")
    var scenario: String

    @Option(help: "Topology reference (default: the scenario's).")
    var topology: String?

    @Option(help: "Eviction policy: mru, lru, belady, slots[:N].")
    var eviction: EvictionPolicy = .mru

    @Option(name: .customLong("repeat"), parsing: .unconditional, help: "Sessions to time.")
    var repetitions = 10

    @Option(help: "Output format: table or json.")
    var format: ReportFormat = .table

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repeat expects at least 1") }
    }

    func run() throws {
        let clock = ContinuousClock()
        var parsed: Scenario?
        let reading = try clock.measure { parsed = try SimulateRun.loadScenario(scenario) }
        guard let parsed else { return }
        let loaded = try SessionSimulator.loadTopology(topology ?? parsed.topology, for: parsed)
        var prepared: PreparedScenario?
        let preparing = try clock.measure { prepared = try PreparedScenario(parsed, catalog: ModelCatalog.bundled()) }
        guard let prepared else { return }
        var processed = 0
        let sessions = clock.measure {
            for _ in 0..<repetitions {
                processed = SessionSimulator.run(prepared, topology: loaded, eviction: eviction).processedEvents
            }
        }
        let report = BenchSimulatorReport(tests: parsed.tests.count, sessions: repetitions, eventsPerSession: processed,
                                          readSeconds: reading.seconds, prepareSeconds: preparing.seconds, sessionSeconds: sessions.seconds / Double(repetitions))
        switch format {
        case .json: print(try JSONOutput.string(report, pretty: false))
        case .table: print(report.table)
        }
    }
}

/// The figures `gpuci bench simulator` prints.
struct BenchSimulatorReport: Encodable {
    var tests: Int
    var sessions: Int
    var eventsPerSession: Int
    var readSeconds: Double
    /// Applying the model overrides, validating and scanning, once per scenario.
    var prepareSeconds: Double
    /// Mean seconds of one session run.
    var sessionSeconds: Double
    var eventsPerSecond: Double { sessionSeconds > 0 ? (Double(eventsPerSession) / sessionSeconds).rounded() : 0 }

    enum CodingKeys: String, CodingKey { case tests, sessions, eventsPerSession, readSeconds, prepareSeconds, sessionSeconds, eventsPerSecond }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tests, forKey: .tests)
        try container.encode(sessions, forKey: .sessions)
        try container.encode(eventsPerSession, forKey: .eventsPerSession)
        try container.encode(readSeconds, forKey: .readSeconds)
        try container.encode(prepareSeconds, forKey: .prepareSeconds)
        try container.encode(sessionSeconds, forKey: .sessionSeconds)
        try container.encode(eventsPerSecond, forKey: .eventsPerSecond)
    }

    var table: String {
        [("tests", "\(tests)"), ("sessions", "\(sessions)"), ("events", "\(eventsPerSession) per session"),
         ("reading", String(format: "%.6f s", readSeconds)),
         ("preparing", String(format: "%.6f s", prepareSeconds)), ("session", String(format: "%.6f s", sessionSeconds)),
         ("events/s", "\(Int(eventsPerSecond))")]
            .map { $0.0.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.1 }
            .joined(separator: "\n")
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
