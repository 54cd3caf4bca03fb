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

    @Option(help: "Eviction policy: mru, lru, belady, slots[:N] (default: the scenario's, else mru).")
    var eviction: EvictionPolicy?

    @OptionGroup var timing: BenchTimingOptions

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
            for _ in 0..<timing.repetitions {
                processed = SessionSimulator.run(prepared, topology: loaded, eviction: eviction ?? parsed.eviction ?? .mru).processedEvents
            }
        }
        let report = BenchSimulatorReport(tests: parsed.tests.count, sessions: timing.repetitions, eventsPerSession: processed,
                                          readSeconds: reading.seconds, prepareSeconds: preparing.seconds, sessionSeconds: sessions.seconds / Double(timing.repetitions))
        switch timing.format {
        case .json: print(try JSONOutput.string(report, pretty: false))
        case .table: print(report.table)
        }
    }
}

/// The figures `gpuci bench simulator` prints.
struct BenchSimulatorReport: Encodable {
    let tests: Int
    let sessions: Int
    let eventsPerSession: Int
    let readSeconds: Double
    /// Applying the model overrides, validating and scanning, once per scenario.
    let prepareSeconds: Double
    /// Mean seconds of one session run.
    let sessionSeconds: Double
    let eventsPerSecond: Double

    init(tests: Int, sessions: Int, eventsPerSession: Int, readSeconds: Double, prepareSeconds: Double, sessionSeconds: Double) {
        self.tests = tests
        self.sessions = sessions
        self.eventsPerSession = eventsPerSession
        self.readSeconds = readSeconds
        self.prepareSeconds = prepareSeconds
        self.sessionSeconds = sessionSeconds
        self.eventsPerSecond = BenchOutput.rate(eventsPerSession, sessionSeconds)
    }

    var table: String {
        BenchOutput.table([
            ("tests", "\(tests)"), ("sessions", "\(sessions)"), ("events", "\(eventsPerSession) per session"),
            ("reading", String(format: "%.6f s", readSeconds)), ("preparing", String(format: "%.6f s", prepareSeconds)),
            ("session", String(format: "%.6f s", sessionSeconds)), ("events/s", "\(Int(eventsPerSecond))"),
        ])
    }
}
