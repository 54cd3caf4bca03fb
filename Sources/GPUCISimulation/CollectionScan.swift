import GPUCIPool

/// One requirement line of the scan: which model, mode and worker type (the count is kept apart).
public struct WorkerTriple: Sendable, Hashable, CustomStringConvertible {
    /// The model id.
    public var model: String
    /// HTTP or gRPC (PD workers are always HTTP).
    public var mode: ConnectionMode
    /// Regular, prefill or decode.
    public var type: WorkerType

    public init(model: String, mode: ConnectionMode, type: WorkerType) {
        self.model = model
        self.mode = mode
        self.type = type
    }

    public var description: String {
        type == .regular ? "\(model):\(mode.rawValue)" : "\(model):\(mode.rawValue):\(type.rawValue)"
    }
}

/// The reference's collection hook (`pytest_collection_modifyitems`, `get_pool_requirements`,
/// `pytest_collection_finish`) over a list of items, in collection order.
public struct CollectionScan: Sendable, Hashable {
    /// Triples in first-seen order.
    public private(set) var firstSeen: [WorkerTriple] = []
    /// The largest count any one test asked for, per triple.
    public private(set) var counts: [WorkerTriple: Int] = [:]
    /// GPUs the most demanding single test needs (tp × workers).
    public private(set) var maxTestGPUs = 0
    /// The first test that needs `maxTestGPUs`; `nil` when no test needs a GPU.
    public private(set) var maxTestName: String?
    /// Whether an e2e test without a model fell back to the default model.
    public private(set) var needsDefaultModel = false

    /// Scans `items` in order; `tp` gives a model's tensor-parallel size (`nil` = unknown, counts 0 GPUs).
    ///
    /// `ownBackendOnly` (the later rules) scans each item's own `setup_backend` value instead of
    /// every value of its parametrize marker (the anchor's); without `includingSkipped`, items
    /// with a skip reason are left out (the later rules scan running items only).
    public init(items: [TestItem], ownBackendOnly: Bool = false, includingSkipped: Bool = true, tp: (String) -> Int?) {
        for index in items.indices where includingSkipped || items[index].skip == nil {
            scan(items[index], ownBackendOnly: ownBackendOnly, tp: tp)
        }
    }

    /// GPUs `item` alone needs (tp × workers), as a scan of it alone would report.
    public static func gpus(of item: TestItem, ownBackendOnly: Bool = false, tp: (String) -> Int?) -> Int {
        var scan = CollectionScan(items: [], tp: tp)
        scan.scan(item, ownBackendOnly: ownBackendOnly, tp: tp)
        return scan.maxTestGPUs
    }

    /// The model the scan attributes to an item: the `model` marker, else the first value of the
    /// first parametrize marker whose argnames contain `model`, else the default for e2e tests.
    public static func model(of item: TestItem) -> String? {
        if let model = item.markers.model { return model }
        if let marker = item.markers.parametrize.first(where: { $0.argnames == "model" || $0.argnames.contains("model") }) {
            return marker.values.first?.description
        }
        return item.markers.e2e ? Scenario.defaultModel : nil
    }

    private mutating func track(_ triple: WorkerTriple, _ count: Int) {
        if let existing = counts[triple] {
            counts[triple] = max(existing, count)
        } else {
            firstSeen.append(triple)
            counts[triple] = count
        }
    }

    private mutating func scan(_ item: TestItem, ownBackendOnly: Bool, tp: (String) -> Int?) {
        var model = item.markers.model
        if model == nil,
           let marker = item.markers.parametrize.first(where: { $0.argnames == "model" || $0.argnames.contains("model") }) {
            model = marker.values.first?.description
        }
        let backends = ownBackendOnly
            ? (item.setupBackend.map { [ParamValue.scalar($0)] } ?? [])
            : item.markers.parametrize.filter { $0.argnames == "setup_backend" }.flatMap(\.values)
        let prefill = item.markers.workers?.prefill ?? 0
        let decode = item.markers.workers?.decode ?? 0
        let regular = item.markers.workers?.count.flatMap { $0 == 0 ? nil : $0 } ?? 1
        if model == nil, item.markers.e2e {
            needsDefaultModel = true
            model = Scenario.defaultModel
        }
        guard let model else { return }
        let width = tp(model) ?? 0
        var testGPUs = 0
        if !backends.isEmpty {
            for backend in backends.map(\.description) {
                if backend == "pd" {
                    let p = prefill > 0 ? prefill : 1, d = decode > 0 ? decode : 1
                    track(WorkerTriple(model: model, mode: .http, type: .prefill), p)
                    track(WorkerTriple(model: model, mode: .http, type: .decode), d)
                    testGPUs = max(testGPUs, width * (p + d))
                } else if let mode = ConnectionMode(rawValue: backend) {
                    if prefill > 0 || decode > 0 {
                        track(WorkerTriple(model: model, mode: mode, type: .prefill), prefill)
                        track(WorkerTriple(model: model, mode: mode, type: .decode), decode)
                        testGPUs = max(testGPUs, width * (prefill + decode))
                    } else {
                        track(WorkerTriple(model: model, mode: mode, type: .regular), regular)
                        testGPUs = max(testGPUs, width * regular)
                    }
                }
            }
        } else if item.markers.e2e {
            track(WorkerTriple(model: model, mode: .http, type: .regular), 1)
            testGPUs = width
        }
        if testGPUs > maxTestGPUs {
            maxTestGPUs = testGPUs
            maxTestName = item.id
        }
    }

    /// The identities to pre-launch (`get_pool_requirements`): first-seen order, counts expanded,
    /// regular workers of PD-first models left out, `llama-8b:http` when nothing remains.
    public var requirements: [WorkerIdentity] {
        var firstType: [String: WorkerType] = [:]
        for triple in firstSeen where firstType[triple.model] == nil { firstType[triple.model] = triple.type }
        var identities: [WorkerIdentity] = []
        for triple in firstSeen {
            if triple.type == .regular, let first = firstType[triple.model], first != .regular { continue }
            for index in 0..<(counts[triple] ?? 1) {
                identities.append(WorkerIdentity(model: triple.model, mode: triple.mode, type: triple.type, index: index))
            }
        }
        return identities.isEmpty ? [WorkerIdentity(model: Scenario.defaultModel, mode: .http)] : identities
    }

    /// `pytest_collection_finish`: fails when the most demanding single test needs more GPUs than the runner has.
    public func validate(availableGPUs: Int) throws(GPURequirementError) {
        guard !counts.isEmpty, maxTestGPUs > availableGPUs else { return }
        throw GPURequirementError(test: maxTestName ?? "", required: maxTestGPUs, available: availableGPUs)
    }
}

/// The reference's `pytest.UsageError` when one test needs more GPUs than the runner has.
public struct GPURequirementError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The node id of the first test needing the most GPUs.
    public var test: String
    /// GPUs that test needs (tp × workers).
    public var required: Int
    /// GPUs the runner has.
    public var available: Int

    public init(test: String, required: Int, available: Int) {
        self.test = test
        self.required = required
        self.available = available
    }

    public var description: String {
        let file = test.components(separatedBy: "::").first ?? test
        return "GPU REQUIREMENTS EXCEEDED: Test '\(test)' requires \(required) GPUs, Available: \(available) GPUs "
            + "(run the tests that fit: pytest -k 'not \(file)'; reduce workers: @pytest.mark.workers(prefill=1, decode=1); "
            + "skip GPU tests: SKIP_MODEL_POOL=1 pytest)"
    }
}
