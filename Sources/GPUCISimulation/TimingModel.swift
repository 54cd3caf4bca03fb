import GPUCIPool

/// How long things take in the simulated session, in seconds.
///
/// Defaults follow the reference at the anchor: health checks every 5 s, no launch stagger, no
/// initial grace (#16745 later set 2 s, 10 s and 30 s), a 300 s startup timeout.
public struct TimingModel: Sendable, Hashable {
    /// Startup seconds per model id; wins over the formula and the catalog.
    public var workerStartup: [String: Double]
    /// Startup estimate from memory and tp, used for models not in `workerStartup`.
    public var startupFormula: StartupFormula?
    /// Seconds between health polls (`HEALTH_CHECK_INTERVAL`).
    public var healthCheckInterval: Double
    /// Pause between two launches of one startup call (`LAUNCH_STAGGER_DELAY`).
    public var launchStagger: Double
    /// Pause before the first health poll of a wait for all workers (`INITIAL_GRACE_PERIOD`).
    public var initialGrace: Double
    /// Cost of spawning one worker process (serial, per launch).
    public var spawnSeconds: Double
    /// Cost of terminating one evicted worker.
    public var terminateSeconds: Double
    /// Seconds from gateway launch until it answers.
    public var gatewayStartup: Double
    /// Seconds for a test whose item gives none.
    public var testSeconds: Double
    /// A worker not healthy this long after the wait began is given up (`DEFAULT_STARTUP_TIMEOUT`).
    public var startupTimeout: Double

    public init(workerStartup: [String: Double] = [:], startupFormula: StartupFormula? = nil,
                healthCheckInterval: Double = 5, launchStagger: Double = 0, initialGrace: Double = 0,
                spawnSeconds: Double = 0.1, terminateSeconds: Double = 1, gatewayStartup: Double = 4,
                testSeconds: Double = 30, startupTimeout: Double = 300) {
        self.workerStartup = workerStartup
        self.startupFormula = startupFormula
        self.healthCheckInterval = healthCheckInterval
        self.launchStagger = launchStagger
        self.initialGrace = initialGrace
        self.spawnSeconds = spawnSeconds
        self.terminateSeconds = terminateSeconds
        self.gatewayStartup = gatewayStartup
        self.testSeconds = testSeconds
        self.startupTimeout = startupTimeout
    }

    /// Seconds from launch until the worker answers its health check.
    public func startupSeconds(for spec: ModelSpec) -> Double {
        if let seconds = workerStartup[spec.id] { return seconds }
        if let formula = startupFormula { return formula.seconds(memoryGB: spec.memoryGB ?? 16, tp: spec.tp) }
        return spec.startupSeconds
    }
}

/// `base + perGB × memoryGB + perTP × (tp − 1)` seconds.
public struct StartupFormula: Sendable, Hashable {
    /// Fixed seconds per worker.
    public var base: Double
    /// Seconds per GB of weights.
    public var perGB: Double
    /// Seconds per tensor-parallel rank beyond the first.
    public var perTP: Double

    public init(base: Double, perGB: Double = 0, perTP: Double = 0) {
        self.base = base
        self.perGB = perGB
        self.perTP = perTP
    }

    /// The estimate for one worker.
    public func seconds(memoryGB: Double, tp: Int) -> Double {
        base + perGB * memoryGB + perTP * Double(max(tp - 1, 0))
    }
}
