import GPUCIPool

/// A whole simulated gateway e2e session: the runner, the models, the timing, the collected items.
public struct Scenario: Sendable, Hashable {
    /// A short label for reports.
    public var name: String
    /// The runner: any reference `TopologyLoader.load` accepts (`a10-4`, `4x23028MiB`, a path).
    public var topology: String
    /// Changes to the model catalog (new models or changed fields), in file order.
    public var models: [ModelOverride]
    /// How long launches, polls, gateways and tests take.
    public var timing: TimingModel
    /// Environment variables set for the session (name → value; `""` when only named).
    public var env: [String: String]
    /// Items in collection (run) order.
    public var tests: [TestItem]
    /// The file the scenario came from, for error messages.
    public var file: String

    public init(name: String, topology: String, models: [ModelOverride] = [], timing: TimingModel = TimingModel(),
                env: [String: String] = [:], tests: [TestItem], file: String = "<scenario>") {
        self.name = name
        self.topology = topology
        self.models = models
        self.timing = timing
        self.env = env
        self.tests = tests
        self.file = file
    }

    /// The reference's default model for unmarked e2e tests and for the fixture.
    public static let defaultModel = "llama-8b"
}

/// A scenario's change to one catalog model; absent fields keep the catalog's value.
public struct ModelOverride: Sendable, Hashable {
    /// The catalog id the override applies to (or a new model).
    public var id: String
    /// Hugging Face path.
    public var hfPath: String?
    /// GB the model needs.
    public var memoryGB: Double?
    /// Tensor-parallel size: GPUs per worker.
    public var tp: Int?
    /// Feature tags.
    public var features: [String]?
    /// Seconds from launch to healthy.
    public var startupSeconds: Double?
    /// The line in the scenario file.
    public var line: Int?

    public init(id: String, hfPath: String? = nil, memoryGB: Double? = nil, tp: Int? = nil,
                features: [String]? = nil, startupSeconds: Double? = nil, line: Int? = nil) {
        self.id = id
        self.hfPath = hfPath
        self.memoryGB = memoryGB
        self.tp = tp
        self.features = features
        self.startupSeconds = startupSeconds
        self.line = line
    }

    /// The catalog entry with this override applied (a new model when `base` is `nil`).
    public func applied(to base: ModelSpec?) -> ModelSpec {
        var spec = base ?? ModelSpec(id: id, memoryGB: nil)
        if let hfPath { spec.hfPath = hfPath }
        if let memoryGB { spec.memoryGB = memoryGB }
        if let tp { spec.tp = tp }
        if let features { spec.features = features }
        if let startupSeconds { spec.startupSeconds = startupSeconds }
        return spec
    }
}
