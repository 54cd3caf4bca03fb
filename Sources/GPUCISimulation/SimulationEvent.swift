/// Virtual time in whole microseconds, so ordering and output never depend on float rounding.
public typealias SimTime = Int64

extension SimTime {
    /// Whole microseconds from seconds, rounded to the nearest.
    public static func seconds(_ seconds: Double) -> SimTime { SimTime((seconds * 1_000_000).rounded()) }
    /// The time in seconds.
    public var seconds: Double { Double(self) / 1_000_000 }
}

/// What happened at one instant of the simulated session.
public enum EventKind: String, Sendable, Hashable, Codable, CaseIterable {
    case poolStartup
    case launch
    case deferred = "defer"
    case ready
    case healthy
    case evict
    case timeout
    case gatewayStart
    case gatewayReady
    case gatewayStop
    case setupStart
    case testStart
    case testEnd
    case testFailed
    case testSkipped
    case sessionEnd
}

/// One recorded event; the log is ordered by (`time`, `seq`).
public struct SimulationEvent: Sendable, Hashable {
    /// When it happened (µs since the session began).
    public var time: SimTime
    /// Order among events at the same time.
    public var seq: Int
    /// What happened.
    public var kind: EventKind
    /// The worker key (`llama-8b:http:prefill_0`), the test id, or the gateway's owner.
    public var key: String
    /// GPUs the worker holds (launch, evict) or the test uses (testStart).
    public var gpus: [Int]
    /// The test on whose behalf it happened, when that is not `key`.
    public var test: String?
    /// Why (failure reason, eviction cause, gateway mode).
    public var detail: String?

    public init(time: SimTime, seq: Int, kind: EventKind, key: String, gpus: [Int] = [], test: String? = nil, detail: String? = nil) {
        self.time = time
        self.seq = seq
        self.kind = kind
        self.key = key
        self.gpus = gpus
        self.test = test
        self.detail = detail
    }

    /// The model of a worker key (the part before the first `:`).
    public var model: String { String(key.split(separator: ":", maxSplits: 1).first ?? Substring(key)) }
}
