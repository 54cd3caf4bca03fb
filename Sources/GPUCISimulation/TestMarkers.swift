import Foundation

/// The reference's markers on one item (`fixtures/hooks.py`).
public struct TestMarkers: Sendable, Hashable {
    /// `@pytest.mark.model("id")`: the closest marker's first argument.
    public var model: String?
    /// `@pytest.mark.e2e`.
    public var e2e: Bool
    /// `@pytest.mark.workers(count=…, prefill=…, decode=…)`.
    public var workers: WorkersMarker?
    /// `@pytest.mark.gateway(policy=…, timeout=…, extra_args=…)`.
    public var gateway: GatewayMarker?
    /// Every `parametrize` marker with its whole value list, closest first.
    public var parametrize: [ParametrizeMarker]

    public init(model: String? = nil, e2e: Bool = false, workers: WorkersMarker? = nil,
                gateway: GatewayMarker? = nil, parametrize: [ParametrizeMarker] = []) {
        self.model = model
        self.e2e = e2e
        self.workers = workers
        self.gateway = gateway
        self.parametrize = parametrize
    }
}

/// `@pytest.mark.workers(count=1, prefill=None, decode=None)`.
public struct WorkersMarker: Sendable, Hashable {
    /// The most workers of one kind a test may ask for: no runner holds more (the largest node
    /// gpuci models has 4,096 GPUs), and the scan materializes one requirement per worker.
    public static let maximumCount = 4096

    /// Regular workers (`count or 1`).
    public var count: Int?
    /// Prefill workers (PD).
    public var prefill: Int?
    /// Decode workers (PD).
    public var decode: Int?

    public init(count: Int? = nil, prefill: Int? = nil, decode: Int? = nil) {
        self.count = count
        self.prefill = prefill
        self.decode = decode
    }
}

/// `@pytest.mark.gateway(policy='round_robin', timeout=None, extra_args=None)`.
public struct GatewayMarker: Sendable, Hashable {
    /// The routing policy passed as `--policy`.
    public var policy: String
    /// Seconds the gateway may take to become ready; `nil` = the fixture's 60.
    public var timeout: Double?
    /// Arguments appended to the gateway command.
    public var extraArgs: [String]

    public init(policy: String = "round_robin", timeout: Double? = nil, extraArgs: [String] = []) {
        self.policy = policy
        self.timeout = timeout
        self.extraArgs = extraArgs
    }
}

/// One `@pytest.mark.parametrize(argnames, values)` marker.
public struct ParametrizeMarker: Sendable, Hashable {
    /// The argnames string as written, e.g. `setup_backend` or `model,backend`.
    public var argnames: String
    /// The whole value list (tuples for several names).
    public var values: [ParamValue]
    /// Whether the parameters go to fixtures (`indirect=True`).
    public var indirect: Bool

    public init(argnames: String, values: [ParamValue], indirect: Bool = false) {
        self.argnames = argnames
        self.values = values
        self.indirect = indirect
    }

    /// The argument names, split on commas.
    public var names: [String] {
        if !argnames.utf8.contains(UInt8(ascii: ",")), !argnames.utf8.contains(UInt8(ascii: " ")) {
            return argnames.isEmpty ? [] : [argnames]
        }
        return argnames.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
