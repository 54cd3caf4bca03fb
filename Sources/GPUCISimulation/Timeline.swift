/// The session's spans, rebuilt from its event log: what each GPU held when, and when each test ran.
public struct Timeline: Sendable, Hashable {
    /// One worker's life on its GPUs.
    public struct WorkerSpan: Sendable, Hashable {
        public var key: String
        public var model: String
        public var gpus: [Int]
        public var launch: SimTime
        /// When a health poll first saw it healthy; `nil` if it never was.
        public var healthy: SimTime?
        public var end: SimTime
        /// `evict`, `timeout` or `sessionEnd`.
        public var endKind: EventKind
    }

    /// A span on the test track (setup wait, then the body).
    public struct TestSpan: Sendable, Hashable {
        public var id: String
        public var setupStart: SimTime
        public var start: SimTime
        public var end: SimTime
        public var status: TestStatus
        public var gpus: [Int]
    }

    public var workers: [WorkerSpan] = []
    public var tests: [TestSpan] = []
    /// A gateway's lifetime.
    public struct GatewaySpan: Sendable, Hashable {
        /// The test or class the gateway belongs to.
        public var owner: String
        public var mode: String
        public var start: SimTime
        public var end: SimTime
    }

    public var gateways: [GatewaySpan] = []
    public var end: SimTime = 0

    public init(_ result: SessionResult) {
        end = result.wall
        var open: [String: Int] = [:]
        var openGateways: [String: (String, SimTime)] = [:]
        for event in result.events {
            switch event.kind {
            case .launch:
                open[event.key] = workers.count
                workers.append(WorkerSpan(key: event.key, model: event.model, gpus: event.gpus, launch: event.time,
                                          healthy: nil, end: result.wall, endKind: .sessionEnd))
            case .healthy:
                if let index = open[event.key] { workers[index].healthy = event.time }
            case .evict, .timeout:
                if let index = open.removeValue(forKey: event.key) {
                    workers[index].end = event.time
                    workers[index].endKind = event.kind
                }
            case .gatewayStart:
                openGateways[event.key] = (event.detail ?? "", event.time)
            case .gatewayStop:
                if let (mode, start) = openGateways.removeValue(forKey: event.key) {
                    gateways.append(GatewaySpan(owner: event.key, mode: mode, start: start, end: event.time))
                }
            default: break
            }
        }
        for (owner, value) in openGateways.sorted(by: { $0.value.1 < $1.value.1 }) {
            gateways.append(GatewaySpan(owner: owner, mode: value.0, start: value.1, end: result.wall))
        }
        tests = result.tests.map {
            TestSpan(id: $0.id, setupStart: $0.setupStart, start: $0.start, end: $0.end, status: $0.status, gpus: $0.gpus)
        }
    }

    /// Models in order of first launch (the legend and colour order).
    public var models: [String] {
        var seen: Set<String> = []
        return workers.map(\.model).filter { seen.insert($0).inserted }
    }
}
