import GPUCIPool

/// One collected pytest item: its node id, its markers as pytest reports them, its own parameters.
public struct TestItem: Sendable, Hashable {
    /// The pytest node id, `file::Class::test[param]` or `file::test[param]`.
    public var id: String
    /// The markers pytest sees on the item (closest first where that matters).
    public var markers: TestMarkers
    /// The item's own parameter values, by argument name.
    public var params: [String: ParamValue]
    /// How long the test body runs; `nil` takes the scenario's default.
    public var seconds: Double?
    /// Workers the test body asks the pool for itself (`model_pool.get(model, mode)`), in call order.
    public var uses: [WorkerUse]
    /// A gateway the test body starts itself (e.g. IGW), besides any from `setup_backend`.
    public var gatewayModes: [GatewayMode]
    /// Why pytest skips the item (a `skip`/`skipif` mark on it, its class or module, or on its
    /// `pytest.param` value); `nil` when it runs. A skipped item sets up no fixture.
    public var skip: String?
    /// The line of the item in the scenario file, when it came from one.
    public var line: Int?

    public init(id: String, markers: TestMarkers = TestMarkers(), params: [String: ParamValue] = [:],
                seconds: Double? = nil, uses: [WorkerUse] = [], gatewayModes: [GatewayMode] = [], line: Int? = nil) {
        self.id = id
        self.markers = markers
        self.params = params
        self.seconds = seconds
        self.uses = uses
        self.gatewayModes = gatewayModes
        self.line = line
    }

    /// The `::`-separated parts of the id before any `[` parameter suffix.
    private var parts: [Substring] {
        let utf8 = id.utf8
        let end = utf8.firstIndex(of: UInt8(ascii: "[")) ?? utf8.endIndex
        var result: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index < end {
            let next = utf8.index(after: index)
            if utf8[index] == UInt8(ascii: ":"), next < end, utf8[next] == UInt8(ascii: ":") {
                result.append(id[start..<index])
                index = utf8.index(after: next)
                start = index
            } else {
                index = next
            }
        }
        result.append(id[start..<end])
        return result
    }

    /// The module path, e.g. `router/test_mmlu.py`.
    public var file: String { String(parts.first ?? "") }
    /// The class name when the test is a method (`file::Class::test`).
    public var className: String? { parts.count >= 3 ? String(parts[1]) : nil }
    /// The test function name without parameters.
    public var function: String { String(parts.last ?? "") }
    /// `file::Class` (or `file` for module-level functions): the node a class-scoped fixture belongs to.
    public var classNode: String { className.map { "\(file)::\($0)" } ?? file }

    /// The `setup_backend` parameter of this item, if it has one.
    public var setupBackend: String? { params["setup_backend"]?.scalar }
}

/// A `model_pool.get(model, mode)` call made by a test body.
public struct WorkerUse: Sendable, Hashable {
    /// The model asked for.
    public var model: String
    /// HTTP or gRPC (`ConnectionMode.HTTP` by default).
    public var mode: ConnectionMode

    public init(model: String, mode: ConnectionMode = .http) {
        self.model = model
        self.mode = mode
    }
}

/// The four gateway modes of the reference's `Gateway` (exactly one per gateway).
public enum GatewayMode: String, Sendable, Hashable, CaseIterable {
    /// Regular router over worker URLs.
    case regular
    /// Prefill/decode disaggregation.
    case pd
    /// Inference gateway mode: starts empty, workers added through the API.
    case igw
    /// A cloud backend (OpenAI, xAI).
    case cloud
}

/// A parameter value as pytest sees it: a scalar, or a tuple for multi-name parametrize.
public enum ParamValue: Sendable, Hashable, CustomStringConvertible {
    case scalar(String)
    case tuple([String])

    /// The scalar text, or `nil` for a tuple.
    public var scalar: String? {
        if case let .scalar(text) = self { return text }
        return nil
    }

    /// pytest's id for the value (tuples join with `-`).
    public var description: String {
        switch self {
        case let .scalar(text): text
        case let .tuple(items): items.joined(separator: "-")
        }
    }
}
