/// The session's spans, rebuilt from its event log: what each GPU held when, and when each test ran.
public struct Timeline: Sendable, Hashable {
    /// One worker's life on its GPUs.
    public struct WorkerSpan: Sendable, Hashable {
        /// The worker key.
        public var key: String
        /// Its model (the colour in pictures).
        public var model: String
        /// The GPUs it held.
        public var gpus: [Int]
        /// When it was launched.
        public var launch: SimTime
        /// When a health poll first saw it healthy; `nil` if it never was.
        public var healthy: SimTime?
        /// When it was evicted or timed out, else the end of the session.
        public var end: SimTime
        /// `evict`, `timeout` or `sessionEnd`.
        public var endKind: EventKind
    }

    /// A span on the test track (setup wait, then the body).
    public struct TestSpan: Sendable, Hashable {
        /// The pytest node id.
        public var id: String
        /// When its setup began.
        public var setupStart: SimTime
        /// When its body began.
        public var start: SimTime
        /// When it ended.
        public var end: SimTime
        /// How it came out.
        public var status: TestStatus
        /// GPUs of the workers it used.
        public var gpus: [Int]
        /// Models of the workers it used, or failing that, of the workers launched or deferred for it; sorted.
        public var models: [String] = []
    }

    /// Worker lives in launch order.
    public var workers: [WorkerSpan] = []
    /// Tests in run order.
    public var tests: [TestSpan] = []
    /// A gateway's lifetime.
    public struct GatewaySpan: Sendable, Hashable {
        /// The test or class the gateway belongs to.
        public var owner: String
        /// Regular, pd, igw or cloud.
        public var mode: String
        /// When it was launched.
        public var start: SimTime
        /// When it was stopped (or the session ended).
        public var end: SimTime
    }

    /// Gateway lifetimes in stop order.
    public var gateways: [GatewaySpan] = []
    /// The end of the session.
    public var end: SimTime = 0

    public init(_ result: SessionResult) {
        end = result.wall
        var open: [String: Int] = [:]
        var openGateways: [String: (String, SimTime)] = [:]
        var testModels: [String: Set<String>] = [:]
        for event in result.events {
            if let test = event.test, [.launch, .deferred, .timeout].contains(event.kind) {
                testModels[test, default: []].insert(event.model)
            }
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
            case .testStart:
                let gpus = Set(event.gpus)
                let used = open.values.map { workers[$0] }.filter { !$0.gpus.isEmpty && gpus.isSuperset(of: $0.gpus) }
                if !used.isEmpty { testModels[event.key] = Set(used.map(\.model)) }
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
            TestSpan(id: $0.id, setupStart: $0.setupStart, start: $0.start, end: $0.end, status: $0.status, gpus: $0.gpus,
                     models: testModels[$0.id, default: []].sorted())
        }
    }

    /// Models in order of first launch (the legend and colour order).
    public var models: [String] {
        var seen: Set<String> = []
        return workers.map(\.model).filter { seen.insert($0).inserted }
    }
}
