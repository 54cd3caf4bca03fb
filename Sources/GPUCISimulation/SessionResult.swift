/// How one test came out.
public enum TestStatus: String, Sendable, Hashable, Codable {
    case passed
    case failed
    case skipped
}

/// One test's timing and outcome.
public struct TestOutcome: Sendable, Hashable {
    /// The pytest node id.
    public var id: String
    /// Passed, failed or skipped.
    public var status: TestStatus
    /// Why it failed or was skipped.
    public var reason: String?
    /// When pytest began setting the item up.
    public var setupStart: SimTime
    /// When the body began (or the failure/skip was reported).
    public var start: SimTime
    /// When the body ended (= start for failures and skips).
    public var end: SimTime
    /// GPUs of the workers the test used.
    public var gpus: [Int]

    public init(id: String, status: TestStatus, reason: String? = nil, setupStart: SimTime, start: SimTime, end: SimTime, gpus: [Int] = []) {
        self.id = id
        self.status = status
        self.reason = reason
        self.setupStart = setupStart
        self.start = start
        self.end = end
        self.gpus = gpus
    }

    /// Seconds spent between the start of setup and the start of the body.
    public var setupWait: SimTime { start - setupStart }
}

/// Everything one simulated session produced.
public struct SessionResult: Sendable, Hashable {
    /// The scenario name.
    public var scenario: String
    /// The topology name the session ran on.
    public var topology: String
    /// GPU labels by id, e.g. `GPU 22GB`.
    public var gpuNames: [String]
    /// The eviction policy word (`mru`, `lru`, `belady`).
    public var eviction: String
    /// The allocation policy word (`ordered`, `ffd`, `topology`).
    public var allocation: String
    /// Pre-launch requirements (worker keys) in order.
    public var requirements: [String]
    /// GPUs the most demanding single test needs.
    public var maxTestGPUs: Int
    /// The first test needing `maxTestGPUs`.
    public var maxTestName: String?
    /// Set when collection aborted (a test needs more GPUs than the runner has); nothing ran.
    public var collectionError: String?
    /// The log, ordered by (time, seq).
    public var events: [SimulationEvent]
    /// Outcomes in run order.
    public var tests: [TestOutcome]
    /// Queue events the engine processed (the benchmark's unit of work).
    public var processedEvents: Int
    /// Time the session spent waiting for workers: spawning, terminating evicted ones, health polling.
    public var workerWait: SimTime = 0
    /// Time the session spent waiting for gateways to answer.
    public var gatewayWait: SimTime = 0
    /// The topology's accelerators that are not scheduled (`Topology.unscheduledNotes`).
    public var topologyNotes: [String] = []
    /// The era whose rules the session followed.
    public var profile: SessionProfile = .anchor

    public init(scenario: String, topology: String, gpuNames: [String], eviction: String, allocation: String,
                requirements: [String], maxTestGPUs: Int, maxTestName: String?, collectionError: String? = nil,
                events: [SimulationEvent], tests: [TestOutcome], processedEvents: Int) {
        self.scenario = scenario
        self.topology = topology
        self.gpuNames = gpuNames
        self.eviction = eviction
        self.allocation = allocation
        self.requirements = requirements
        self.maxTestGPUs = maxTestGPUs
        self.maxTestName = maxTestName
        self.collectionError = collectionError
        self.events = events
        self.tests = tests
        self.processedEvents = processedEvents
    }

    /// Session length: the time of the last event.
    public var wall: SimTime { events.last?.time ?? 0 }
    /// Workers launched (startup and on demand).
    public var launches: Int { events.lazy.filter { $0.kind == .launch }.count }
    /// Workers evicted to make room.
    public var evictions: Int { events.lazy.filter { $0.kind == .evict }.count }
    /// Tests that failed, in run order.
    public var failedTests: [TestOutcome] { tests.filter { $0.status == .failed } }
    /// Tests that were skipped, in run order.
    public var skippedTests: [TestOutcome] { tests.filter { $0.status == .skipped } }
    /// Evicted worker keys in order.
    public var evictedKeys: [String] { events.filter { $0.kind == .evict }.map(\.key) }
    /// Launched worker keys in order.
    public var launchedKeys: [String] { events.filter { $0.kind == .launch }.map(\.key) }
}
